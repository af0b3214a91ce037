/**
 * Pseudonyms: a keyed HMAC-SHA-256 of the value under the project secret decides every character
 * of the replacement, so one value becomes the same pseudonym everywhere in a dataset (and in every
 * dataset processed with the same secret), while nobody without the secret can link the pseudonym
 * back or compute it from a guess. The shape of the output depends on the type:
 *
 * - PERSON: a Korean-looking three-syllable name (surname + two given-name syllables), so text
 *   stays natural for training. About 69,000 such names exist: two different people may share a
 *   pseudonym in a large dataset. Where linkage matters, `style: 'token'` gives `이름_3f9a2c1b`.
 * - PHONE: format-preserving: the prefix (010, 02, 031 …) and the separators stay, the other
 *   digits are replaced, and the first replaced digit is 2–9 so the result still looks like a
 *   valid Korean number (010-XXXX-XXXX stays a mobile number).
 * - EMAIL: `u<8 hex>@d<6 hex>.example` — a valid address shape in a domain reserved for examples
 *   (RFC 2606), so it can never reach a real mailbox.
 * - IP_ADDRESS: another IPv4 address (each octet from the HMAC), or hex digits replaced for IPv6.
 * - ADDRESS: `주소_<8 hex>` (an invented street address could name a real one).
 * - everything else (RRN, card, account, plate …): digits replaced by digits and ASCII letters by
 *   letters, separators kept, so the shape survives for parsers downstream.
 *
 * This is pseudonymisation in PIPA's sense (가명처리): the secret is the "additional information"
 * that must be kept apart from the data.
 */
import { createHmac } from 'node:crypto';
import type { EntityType } from '../entities.js';
import { KOREAN_LABELS } from './labels.js';

export type PseudonymStyle = 'name' | 'token' | 'shape';

export interface PseudonymOptions {
  /** `name` (PERSON's default), `token` (`이름_3f9a2c1b`), `shape` (characters replaced in kind). */
  style?: PseudonymStyle;
}

/** The 30 commonest Korean surnames. */
const SURNAMES = [...'김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남'];
/** Syllables common in Korean given names. */
const GIVEN = [...'민서지현준우예도하윤주수영은채진호연성재태시아희경선혜동훈원석인정유승빈규나다소혁찬미'];

/**
 * HMAC-SHA-256 bytes of the parts under the secret, stretched to `length` bytes by a counter.
 *
 * @example keyedBytes(Buffer.from('secret'), ['PHONE', '01012345678'], 8).length // 8
 */
export function keyedBytes(secret: Uint8Array, parts: readonly string[], length = 32): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * 32 < length; counter++) {
    const hmac = createHmac('sha256', secret);
    // Length-prefixed parts: ['ab', 'c'] and ['a', 'bc'] must not collide.
    for (const part of parts) hmac.update(`${Buffer.byteLength(part)}:${part}|`);
    hmac.update(String(counter));
    blocks.push(hmac.digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** Spelling variants of one value that should share a pseudonym. */
function normalizeForKey(type: EntityType, value: string): string {
  const trimmed = value.normalize('NFC').trim();
  switch (type) {
    case 'PHONE':
    case 'KR_RRN':
    case 'KR_FRN':
    case 'CREDIT_CARD':
    case 'BANK_ACCOUNT':
    case 'KR_BRN':
    case 'KR_CRN':
    case 'KR_HEALTH_INSURANCE':
      return trimmed.replace(/\D/g, '');
    case 'EMAIL':
      return trimmed.toLowerCase();
    default:
      return trimmed.replace(/\s+/g, ' ');
  }
}

/**
 * The pseudonym of a value of a type under a secret: deterministic, shaped per type (see above).
 *
 * @example pseudonym('홍길동', 'PERSON', secret) // e.g. '윤하준': the same for every 홍길동 under this secret
 * @example pseudonym('010-1234-5678', 'PHONE', secret) // e.g. '010-7302-9418'
 */
export function pseudonym(value: string, type: EntityType, secret: Uint8Array, options: PseudonymOptions = {}): string {
  const bytes = keyedBytes(secret, ['pseudonym', type, normalizeForKey(type, value)], Math.max(64, value.length + 8));
  const style = options.style ?? (type === 'PERSON' ? 'name' : type === 'ADDRESS' ? 'token' : 'shape');
  if (style === 'token') return `${KOREAN_LABELS[type]}_${bytes.subarray(0, 4).toString('hex')}`;
  if (style === 'name' || type === 'PERSON') {
    return SURNAMES[bytes[0]! % SURNAMES.length]! + GIVEN[bytes[1]! % GIVEN.length]! + GIVEN[bytes[2]! % GIVEN.length]!;
  }
  switch (type) {
    case 'PHONE':
      return pseudonymPhone(value, bytes);
    case 'EMAIL':
      return `u${bytes.subarray(0, 4).toString('hex')}@d${bytes.subarray(4, 7).toString('hex')}.example`;
    case 'IP_ADDRESS':
      if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value.trim())) {
        // Octets 1–223 first: no 0.x, multicast or reserved-looking addresses.
        return `${1 + (bytes[0]! % 223)}.${bytes[1]}.${bytes[2]}.${1 + (bytes[3]! % 254)}`;
      }
      return replaceInKind(value, bytes);
    default:
      return replaceInKind(value, bytes);
  }
}

/** Korean area and mobile prefixes kept as they are: the rest of the number is what identifies. */
const PHONE_PREFIX = /^(\+82[-. ]?|0)(10|11|16|17|18|19|2|[3-6][1-5]|70|50\d?)/;

function pseudonymPhone(value: string, bytes: Buffer): string {
  const digitsOnly = value.replace(/[^\d+]/g, '');
  const prefix = PHONE_PREFIX.exec(digitsOnly);
  // How many digits to keep: the prefix's digits (the country code's + counts none).
  let keep = prefix ? prefix[0].replace(/\D/g, '').length : 0;
  let byteIndex = 0;
  let firstReplaced = true;
  let out = '';
  for (const char of value) {
    if (!/\d/.test(char)) {
      out += char;
      continue;
    }
    if (keep > 0) {
      keep--;
      out += char;
      continue;
    }
    const b = bytes[byteIndex++ % bytes.length]!;
    // A subscriber number starting with 0 or 1 is not valid in Korea: the first replaced digit is 2–9.
    out += firstReplaced ? String(2 + (b % 8)) : String(b % 10);
    firstReplaced = false;
  }
  return out;
}

/** Digits → digits, ASCII letters → letters of the same case; anything else (separators, Hangul) stays. */
function replaceInKind(value: string, bytes: Buffer): string {
  let i = 0;
  let out = '';
  for (const char of value) {
    const b = bytes[i % bytes.length]!;
    if (/\d/.test(char)) {
      out += String(b % 10);
      i++;
    } else if (/[a-z]/.test(char)) {
      out += String.fromCharCode(97 + (b % 26));
      i++;
    } else if (/[A-Z]/.test(char)) {
      out += String.fromCharCode(65 + (b % 26));
      i++;
    } else out += char;
  }
  return out;
}
