/**
 * EMAIL: found from each '@' outwards rather than by a regex that starts at every character, so a
 * long run of ASCII costs one pass, and Hangul right before or after (메일은hong@x.kr으로) ends it.
 */
import type { Entity } from '../entities.js';

function isLocalChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}

function isDomainChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 45;
}

/** File extensions that follow '@' in names like icon@2x.png: not mail domains. */
const FILE_TLDS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp', 'ico', 'css', 'js', 'ts', 'json', 'html', 'pdf', 'zip']);

/**
 * Finds e-mail addresses in normalised text.
 *
 * @example findEmails('메일은 hong.gildong@example.co.kr으로') // [{ type: 'EMAIL', start: 4, end: 30, score: 0.95 }]
 */
export function findEmails(text: string): Entity[] {
  const found: Entity[] = [];
  let at = text.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > 0 && isLocalChar(text.charCodeAt(start - 1))) start--;
    // A local part neither starts with a dot nor ends with one.
    while (start < at && text.charCodeAt(start) === 46) start++;
    let end = at + 1;
    while (end < text.length && isDomainChar(text.charCodeAt(end))) end++;
    while (end > at + 1 && (text.charCodeAt(end - 1) === 46 || text.charCodeAt(end - 1) === 45)) end--;
    if (start < at && text.charCodeAt(at - 1) !== 46 && isDomain(text.slice(at + 1, end))) {
      found.push({ type: 'EMAIL', start, end, score: 0.95 });
    }
    at = text.indexOf('@', at + 1);
  }
  return found;
}

function isDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  for (const label of labels) if (label.length === 0 || label.length > 63 || label.startsWith('-') || label.endsWith('-')) return false;
  const tld = labels[labels.length - 1]!;
  return /^[A-Za-z]{2,24}$/.test(tld) && !FILE_TLDS.has(tld.toLowerCase());
}
