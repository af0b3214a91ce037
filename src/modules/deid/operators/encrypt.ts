/**
 * `encrypt`: the one reversible operator. AES-256-GCM under a key that the agency holds (never
 * the platform): `enc:v1:<base64url(iv ‖ ciphertext ‖ tag)>`. A fresh random IV per value means the
 * same value encrypts differently each time, so the tokens themselves link nothing; where linkage
 * is wanted, `pseudonym` gives it without reversibility. (AES-SIV would make encryption
 * deterministic, which this operator deliberately is not.) GCM's tag makes a tampered or
 * truncated token fail to decrypt rather than decrypt to something else.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const ENCRYPTED_PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Bound to every token, so a token from another system using the same key does not decrypt here. */
const AAD = Buffer.from('datadam-deid-encrypt-v1');
/** A token as it appears inside text; base64url has no character that would end it early. */
export const ENCRYPTED_TOKEN = /enc:v1:[A-Za-z0-9_-]{38,}/g;

/**
 * Reads a 256-bit key as written in an environment variable or a key file: 64 hex digits, or
 * base64/base64url of 32 bytes (surrounding whitespace ignored). Throws without echoing the key.
 *
 * @example parseEncryptionKey('00'.repeat(32)).length // 32
 */
export function parseEncryptionKey(text: string): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return bytes;
  }
  throw new Error('The encryption key must be 32 bytes written as 64 hex digits or in base64 (e.g. `openssl rand -hex 32`)');
}

/**
 * Encrypts a value to an `enc:v1:` token.
 *
 * @example encryptValue('900101-1234567', key) // 'enc:v1:…' (different on every call)
 */
export function encryptValue(value: string, key: Uint8Array): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return ENCRYPTED_PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

/**
 * Decrypts one `enc:v1:` token; throws if it was made with another key or altered.
 *
 * @example decryptValue(encryptValue('홍길동', key), key) // '홍길동'
 */
export function decryptValue(token: string, key: Uint8Array): string {
  if (!token.startsWith(ENCRYPTED_PREFIX)) throw new Error('Not an enc:v1: token');
  const raw = Buffer.from(token.slice(ENCRYPTED_PREFIX.length), 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('The token is too short to be an enc:v1: token');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(AAD);
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('The token does not decrypt with this key (wrong key, or the token was altered)');
  }
}

/**
 * Decrypts every `enc:v1:` token in a text (a whole record, a line), leaving the rest as it is.
 *
 * @example decryptText(`연락처 ${encryptValue('010-1234-5678', key)}`, key) // '연락처 010-1234-5678'
 */
export function decryptText(text: string, key: Uint8Array): string {
  return text.replace(ENCRYPTED_TOKEN, (token) => decryptValue(token, key));
}
