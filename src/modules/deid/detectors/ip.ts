/**
 * IP_ADDRESS: IPv4 with octet ranges (0–255, no version strings such as v1.2.3.4 or 10.0.19045.3803),
 * and IPv6 in full, compressed (fe80::1) and IPv4-suffixed (::ffff:192.0.2.1) forms. IPv6 is found
 * from each ':' outwards, since colons are common in text and a regex would try every position.
 */
import { scoreInContext } from '../context.js';
import type { Entity } from '../entities.js';
import { type DigitRuns, digitRuns, execAt } from './digit-runs.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_SHAPE = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, 'y');
const IPV4_EXACT = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

/** A Latin word with a small letter (Node.js, Chrome, nginx; not a label like X or A) then one space right before `start`, that is not itself an IP context word. */
const PRODUCT_BEFORE = /(?:^|[^\w.])([A-Za-z][\w.+-]*[a-z][\w.+-]*) $/;
const IP_WORD = /^(?:ip|ipv4|host|server|addr|address|client|from|src|dst|to|via|gateway|gw|dns|proxy)$/i;

function afterProductName(text: string, start: number): boolean {
  const m = PRODUCT_BEFORE.exec(text.slice(Math.max(0, start - 24), start));
  return m !== null && m[1]!.length >= 3 && !IP_WORD.test(m[1]!.replace(/[:.]+$/, ''));
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/**
 * True when a string is an IPv6 address (RFC 4291 text forms, without a zone).
 *
 * @example isIpv6('2001:db8::8a2e:370:7334') // true
 * @example isIpv6('12:30:45') // false
 */
export function isIpv6(s: string): boolean {
  let groups = 0;
  let body = s;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) !== -1) {
    if (!IPV4_EXACT.test(s.slice(lastColon + 1))) return false;
    body = `${s.slice(0, lastColon + 1)}0`; // the IPv4 tail stands for two groups: one here, one below
    groups = 1;
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  for (const half of halves) {
    if (half === '') continue;
    for (const group of half.split(':')) {
      if (group.length < 1 || group.length > 4) return false;
      for (let i = 0; i < group.length; i++) if (!isHex(group.charCodeAt(i))) return false;
      groups++;
    }
  }
  return halves.length === 2 ? groups <= 7 : groups === 8;
}

/**
 * Finds IPv4 and IPv6 addresses in normalised text.
 *
 * @example findIpAddresses('접속 IP 192.168.0.1에서') // [{ type: 'IP_ADDRESS', start: 6, end: 17, score: 0.955 }]
 */
export function findIpAddresses(text: string, runs: DigitRuns = digitRuns(text)): Entity[] {
  const found: Entity[] = [];
  let resume = 0;
  for (let r = 0; r < runs.count; r++) {
    const at = runs.starts[r]!;
    const length = runs.lengths[r]!;
    if (at < resume || length > 3 || text.charCodeAt(at + length) !== 46) continue;
    const m = execAt(IPV4_SHAPE, text, at);
    if (m === null) continue;
    const start = m.index;
    const end = start + m[0].length;
    resume = end;
    // 1.2.3.4 is as often a section number (3.1.2.1 개요) as an address: it needs a context word.
    // 10.0.0.0/8 names a network, not a machine someone used.
    if (text.charCodeAt(end) === 47 && end + 1 < text.length && text.charCodeAt(end + 1) >= 48 && text.charCodeAt(end + 1) <= 57) continue;
    // Right after a product name (Node.js 4.21.239.139, Chrome 120.0.6099.109) it is a version.
    const base = m[0].length === 7 || afterProductName(text, start) ? 0.45 : 0.85;
    found.push({ type: 'IP_ADDRESS', start, end, score: scoreInContext(text, start, end, 'IP_ADDRESS', base) });
  }
  const ipv6: Entity[] = [];
  let colon = text.indexOf(':');
  while (colon !== -1) {
    const before = colon > 0 ? text.charCodeAt(colon - 1) : 0;
    const after = colon + 1 < text.length ? text.charCodeAt(colon + 1) : 0;
    // Cheap rejection first: 이름: 홍길동 has a space after the colon.
    if (!(isHex(before) || before === 58) || !(isHex(after) || after === 58)) {
      colon = text.indexOf(':', colon + 1);
      continue;
    }
    let start = colon;
    while (start > 0 && (isHex(text.charCodeAt(start - 1)) || text.charCodeAt(start - 1) === 58)) start--;
    let end = colon + 1;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (isHex(c) || c === 58 || (c === 46 && end + 1 < text.length && isHex(text.charCodeAt(end + 1)))) end++;
      else break;
    }
    const candidate = text.slice(start, end);
    const boundedLeft = start === 0 || !isWordChar(text.charCodeAt(start - 1));
    const boundedRight = end === text.length || !isWordChar(text.charCodeAt(end));
    if (boundedLeft && boundedRight && isIpv6(candidate)) {
      const compressed = candidate.includes('::');
      const groups = candidate.split(':').filter((g) => g !== '').length;
      const ipv4Tail = candidate.includes('.');
      const base = !compressed ? 0.9 : groups >= 3 || ipv4Tail ? 0.8 : 0.6;
      ipv6.push({ type: 'IP_ADDRESS', start, end, score: scoreInContext(text, start, end, 'IP_ADDRESS', base) });
    }
    colon = text.indexOf(':', end);
  }
  // The IPv4 tail of ::ffff:192.0.2.1 is part of the IPv6 address, not an address of its own.
  if (ipv6.length === 0) return found;
  return [...found.filter((e) => !ipv6.some((v) => v.start <= e.start && e.end <= v.end)), ...ipv6];
}
