/**
 * Runs of ASCII digits (and Hangul words) in a text, found in one pass and shared by the detectors.
 *
 * Every numeric pattern (phones, resident numbers, cards, accounts, plates, IPv4 …) begins at the
 * first digit of a run, or a fixed character before it ('(' of "(02)", '+' of "+82", the letter of a
 * passport), and each pattern's own lookbehind forbids starting inside a run. So instead of a dozen
 * regex scans over the whole text, each detector tries its pattern (sticky) only at the run starts
 * whose length its shape allows: a handful of places in a page of prose. Like a global scan, a
 * detector never starts a match inside its previous match.
 */
import { isFoldedCode } from '../normalize.js';

/** Starts and lengths of the maximal runs of ASCII digits, in text order, and of Hangul words. */
export interface DigitRuns {
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
  readonly count: number;
  /** The longest run's length (0 when there is no digit). */
  readonly longest: number;
  /**
   * The maximal runs of Hangul syllables (가–힣), recorded by the same pass so the PERSON and
   * ADDRESS detectors walk words instead of characters.
   */
  readonly words: { readonly starts: Int32Array; readonly ends: Int32Array; readonly count: number };
  /** Whether a capital Latin letter is followed by a small one somewhere (Kim, Mr, Name). */
  readonly capitalised: boolean;
}

/**
 * The runs of ASCII digits (and Hangul words) in `text`.
 *
 * @example
 * const runs = digitRuns('전화 010-1234-5678');
 * [...runs.starts.slice(0, runs.count)] // [3, 7, 12]
 * runs.longest // 4
 */
export function digitRuns(text: string): DigitRuns {
  return scanRuns(text, false)!;
}

/**
 * The runs of ASCII digits (and Hangul words) in `text`, or null as soon as a character that
 * normalisation would fold or remove turns up (the caller then normalises and scans the folded
 * text): one pass over plain text does both jobs.
 *
 * @example digitRunsOfPlainText('전화 ０１０')  // null
 */
export function digitRunsOfPlainText(text: string): DigitRuns | null {
  return scanRuns(text, true);
}

/** A growable pair of Int32Arrays. */
class Spans {
  starts: Int32Array;
  seconds: Int32Array;
  count = 0;
  /** Sized from the text so that growing is rare (one word per 4 characters is generous for Korean). */
  constructor(capacity: number) {
    this.starts = new Int32Array(capacity);
    this.seconds = new Int32Array(capacity);
  }
  push(start: number, second: number): void {
    if (this.count === this.starts.length) {
      const starts = new Int32Array(this.count * 2 + 8);
      const seconds = new Int32Array(this.count * 2 + 8);
      starts.set(this.starts);
      seconds.set(this.seconds);
      this.starts = starts;
      this.seconds = seconds;
    }
    this.starts[this.count] = start;
    this.seconds[this.count] = second;
    this.count++;
  }
}

function scanRuns(text: string, plainOnly: boolean): DigitRuns | null {
  const digits = new Spans((text.length >> 3) + 8);
  const words = new Spans((text.length >> 2) + 8);
  let longest = 0;
  let capitalised = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c >= 0xac00 && c <= 0xd7a3) {
      const start = i;
      do c = ++i < n ? text.charCodeAt(i) : 0;
      while (c >= 0xac00 && c <= 0xd7a3);
      words.push(start, i);
      continue;
    }
    if (c >= 48 && c <= 57) {
      const start = i;
      do c = ++i < n ? text.charCodeAt(i) : 0;
      while (c >= 48 && c <= 57);
      digits.push(start, i - start);
      if (i - start > longest) longest = i - start;
      continue;
    }
    if (c >= 65 && c <= 90) {
      if (!capitalised) {
        const next = text.charCodeAt(i + 1);
        capitalised = next >= 97 && next <= 122;
      }
    } else if (plainOnly && c >= 0xa0 && isFoldedCode(c)) return null;
    i++;
  }
  return {
    starts: digits.starts,
    lengths: digits.seconds,
    count: digits.count,
    longest,
    words: { starts: words.starts, ends: words.seconds, count: words.count },
    capitalised,
  };
}

/**
 * Tries a sticky pattern at `at`: the match starting exactly there, or null.
 *
 * @example execAt(/\d{3}/y, 'ab123', 2)?.[0] // '123'
 */
export function execAt(pattern: RegExp, text: string, at: number): RegExpExecArray | null {
  if (at < 0) return null;
  pattern.lastIndex = at;
  return pattern.exec(text);
}
