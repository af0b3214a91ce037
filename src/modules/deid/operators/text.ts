/**
 * The operators that need no key: `redact` (remove), `mask` (hide all but a few characters) and
 * `replace` (a type token such as [이름]). Pure functions of their input.
 */
import type { EntityType } from '../entities.js';
import { KOREAN_LABELS } from './labels.js';

/**
 * Removes the value entirely. Kept as a function so every operator has the same shape.
 *
 * @example redact('900101-1234567') // ''
 */
export function redact(_value: string): string {
  return '';
}

export interface MaskOptions {
  /** Characters shown at the start (default 1). */
  keepFirst?: number;
  /** Characters shown at the end (default 1). */
  keepLast?: number;
  /** The character shown in place of each hidden one (default `*`). */
  char?: string;
  /** Leave spaces, hyphens, dots, @ … as they are, so 010-1234-5678 keeps its shape (default true). */
  keepSeparators?: boolean;
}

// Grapheme clusters, so a name typed in decomposed jamo (NFD) masks syllable by syllable like 홍길동.
const graphemes = new Intl.Segmenter('ko', { granularity: 'grapheme' });
const MASKABLE = /[\p{L}\p{N}]/u;

/**
 * Hides every character but the first `keepFirst` and last `keepLast` maskable ones (letters and
 * digits; separators stay unless `keepSeparators` is false). Hangul-aware: one syllable is one
 * character. When the value is too short to hide anything that way, the end is hidden first: a
 * two-syllable name never shows both syllables.
 *
 * @example mask('홍길동') // '홍*동'
 * @example mask('010-1234-5678', { keepFirst: 3, keepLast: 4 }) // '010-****-5678'
 */
export function mask(value: string, options: MaskOptions = {}): string {
  const keepFirst = options.keepFirst ?? 1;
  const keepLast = options.keepLast ?? 1;
  const char = options.char ?? '*';
  const keepSeparators = options.keepSeparators ?? true;
  const parts = Array.from(graphemes.segment(value), (s) => s.segment);
  const maskable = parts.map((p) => !keepSeparators || MASKABLE.test(p));
  const total = maskable.filter(Boolean).length;
  // At least one character is always hidden: a mask that shows everything is no mask.
  let first = Math.min(keepFirst, Math.max(total - 1, 0));
  let last = Math.min(keepLast, Math.max(total - 1 - first, 0));
  if (total <= 1) first = last = 0;
  let seen = 0;
  return parts
    .map((part, index) => {
      if (!maskable[index]) return part;
      const position = seen++;
      return position < first || position >= total - last ? part : char;
    })
    .join('');
}

export interface ReplaceOptions {
  /** The exact token to write, e.g. `<NAME>`; default `[label]`. */
  token?: string;
  /** Labels per type instead of the Korean defaults. */
  labels?: Partial<Record<EntityType, string>>;
}

/**
 * The token that stands for a value of this type: `[이름]`, `[주민등록번호]`, `[전화번호]`, `[주소]` …
 *
 * @example replaceToken('PERSON') // '[이름]'
 * @example replaceToken('PHONE', { labels: { PHONE: 'PHONE' } }) // '[PHONE]'
 */
export function replaceToken(type: EntityType, options: ReplaceOptions = {}): string {
  if (options.token !== undefined) return options.token;
  return `[${options.labels?.[type] ?? KOREAN_LABELS[type]}]`;
}
