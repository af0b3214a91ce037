/**
 * Matching text for the detectors: full-width forms folded to ASCII, odd dashes and dots made
 * plain, odd spaces made plain, zero-width characters removed — with a map back to the original
 * offsets, so every entity points into the text the caller gave.
 *
 * Folding is one code unit to one code unit except for removals, so the map only has to remember
 * where characters were dropped; a text that needs no folding (the usual case) is not copied.
 */

/** A normalised text and the way back to the original offsets. */
export interface NormalizedText {
  /** The text the detectors match against. */
  readonly text: string;
  /** The original text. */
  readonly original: string;
  /** The original index of the code unit at normalised index `i` (`i === text.length` maps to `original.length`). */
  toOriginal(i: number): number;
  /** The original span `[start, end)` that the normalised span `[start, end)` came from (end exclusive). */
  toOriginalSpan(start: number, end: number): [number, number];
}

/** Characters removed outright: zero-width space/joiners, word joiner, BOM, soft hyphen. */
const REMOVED = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad]);

/** Dashes people (and word processors) put inside numbers: hyphen, non-breaking hyphen, en/em dash, bar, minus. */
const DASHES = new Set([0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xfe63, 0x2043]);

/** Dots used as separators: one-dot leader, middle dots (Latin, Hangul araea, katakana, half-width), hyphenation point. */
const DOTS = new Set([0x2024, 0x00b7, 0x318d, 0x30fb, 0xff65, 0x2027, 0x2219]);

/** Spaces other than U+0020 that appear inside numbers (no-break, ideographic, thin, figure…). */
function isOddSpace(c: number): boolean {
  return c === 0x00a0 || c === 0x3000 || c === 0x202f || c === 0x205f || (c >= 0x2000 && c <= 0x200a);
}

/** One regex test decides whether any folding is needed at all, so plain text costs one scan. */
const NEEDS_FOLDING =
  /[\uff01-\uff5e\u2010-\u2015\u2212\ufe63\u2043\u2024\u00b7\u318d\u30fb\uff65\u2027\u2219\u200b-\u200d\u2060\ufeff\u00ad\u00a0\u3000\u202f\u205f\u2000-\u200a]/;

/** Every character folding touches (NEEDS_FOLDING, global). */
const FOLDED_OR_REMOVED = new RegExp(NEEDS_FOLDING.source, 'g');

const IDENTITY_SPAN = (start: number, end: number): [number, number] => [start, end];
const IDENTITY_INDEX = (i: number): number => i;

function identity(text: string, original: string): NormalizedText {
  return { text, original, toOriginal: IDENTITY_INDEX, toOriginalSpan: IDENTITY_SPAN };
}

/**
 * Whether normalisation changes or removes the UTF-16 code unit `c`: lets a scan that already walks
 * the text (detectors/digit-runs.ts) tell that no normalising is needed without a second pass.
 *
 * @example isFoldedCode('０'.charCodeAt(0)) // true
 * @example isFoldedCode('가'.charCodeAt(0)) // false
 */
export function isFoldedCode(c: number): boolean {
  return c >= 0xa0 && fold(c) !== c;
}

/** The ASCII code unit a character folds to, -1 when it is removed, or itself. */
function fold(c: number): number {
  if (c >= 0xff01 && c <= 0xff5e) return c - 0xfee0; // full-width ASCII block: ０ → 0, Ａ → A, ＠ → @, － → -
  if (DASHES.has(c)) return 0x2d;
  if (DOTS.has(c)) return 0x2e;
  if (isOddSpace(c)) return 0x20;
  if (REMOVED.has(c)) return -1;
  return c;
}

/**
 * Normalises a text for matching and keeps the way back to its offsets.
 *
 * @example
 * const n = normalizeText('전화 ０１０—１２３４—５６７８');
 * n.text // '전화 010-1234-5678'
 * n.toOriginalSpan(3, 16) // [3, 16]
 */
export function normalizeText(original: string): NormalizedText {
  if (!NEEDS_FOLDING.test(original)) return identity(original, original);
  // One replace folds and removes; each removal's normalised index is remembered (a few, sorted)
  // to map offsets back. Usually nothing is removed and offsets stay where they were.
  const removedAt: number[] = [];
  const text = original.replace(FOLDED_OR_REMOVED, (c: string, offset: number) => {
    const folded = fold(c.charCodeAt(0));
    if (folded !== -1) return String.fromCharCode(folded);
    removedAt.push(offset - removedAt.length);
    return '';
  });
  if (removedAt.length === 0) return identity(text, original);
  /** Original index of normalised index i: i plus the removals made before character i was written. */
  const toOriginal = (i: number): number => i + removalsUpTo(removedAt, i);
  return {
    text,
    original,
    toOriginal,
    // The end is the position after the last kept character, so removed characters right after a
    // span are not swallowed into it.
    toOriginalSpan: (start, end) => (end > start ? [toOriginal(start), toOriginal(end - 1) + 1] : [toOriginal(start), toOriginal(start)]),
  };
}

/** How many entries of the sorted `removedAt` are ≤ i (binary search). */
function removalsUpTo(removedAt: readonly number[], i: number): number {
  let lo = 0;
  let hi = removedAt.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (removedAt[mid]! <= i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
