/**
 * What bench/deid compares the engine with, each as a scanner over one text:
 *
 * - `redact-pii` (npm, solvvy/redact-pii 3.x) with its default redactors. It returns redacted text,
 *   not spans; the timed run is its real default `SyncRedactor.redact`. For recall the same redactor
 *   runs with `globalReplaceWith: '\uE000$&\uE001'` — `String.replace` expands `$&` to the match, so
 *   each redaction is wrapped in two private-use markers instead of replaced, and stripping the
 *   markers gives the original text and the redacted ranges. Markers match no pattern's character
 *   classes, so later redactors see what they would have seen (an already redacted region can only
 *   be marked again inside itself).
 * - `@redactpii/node` (npm, 1.x, the maintained fork) with its default rules. Timed through its real
 *   `Redactor.redact`; for recall its own rule list (the instance's `activeRules`, read at run time)
 *   is applied in order, each match overwritten with same-length filler, which is what `redact` does
 *   up to the length of the replacement word.
 * - a single combined regular expression: one alternation of simple patterns for every type, no
 *   validation, no context: the speed limit of any regex-based scanner over the same text.
 *
 * Both recoveries are checked on every document of the run: replacing each recovered range by one
 * character must give exactly what the peer outputs when told to replace with that character.
 *
 * The peers type little of what they find (and redact-pii's `digits` redactor hides any 4+ digit
 * number), so their recall is measured as masking: a labelled entity counts as found when every one
 * of its characters is inside something the peer redacted, whatever the peer thought it was.
 */
import type { EntityType } from '../../src/modules/deid/entities.js';

export interface FoundSpan {
  start: number;
  end: number;
  /** Only when the scanner says which type it found. */
  type?: EntityType;
}

export interface Scanner {
  name: string;
  /** Types the scanner claims to find, mapped to ours (recall is reported over these). */
  claims: readonly EntityType[];
  /** The timed call: the scanner's ordinary API on one text. */
  scan(text: string): unknown;
  /** What it found, as ranges of the original text. */
  spans(text: string): FoundSpan[];
  /**
   * For peers whose ranges are recovered rather than reported: true when replacing every range by
   * one character gives exactly what the peer itself outputs with that character as replacement.
   */
  check?(text: string, found: readonly FoundSpan[]): boolean;
}

/** The text with each (outermost) range replaced by `with`. */
export function replaceRanges(text: string, found: readonly FoundSpan[], replacement: string): string {
  let out = '';
  let at = 0;
  for (const r of [...found].sort((a, b) => a.start - b.start || b.end - a.end)) {
    if (r.start < at) continue;
    out += text.slice(at, r.start) + replacement;
    at = r.end;
  }
  return out + text.slice(at);
}

const OPEN = '\uE000';
const CLOSE = '\uE001';

/** Strips the markers and returns the marked ranges (nested marks merge into their outer range). */
export function markedRanges(marked: string): { text: string; ranges: FoundSpan[] } {
  let text = '';
  const ranges: FoundSpan[] = [];
  let depth = 0;
  let start = 0;
  for (const c of marked) {
    if (c === OPEN) {
      if (depth++ === 0) start = text.length;
    } else if (c === CLOSE) {
      if (--depth === 0 && text.length > start) ranges.push({ start, end: text.length });
    } else text += c;
  }
  return { text, ranges };
}

export async function loadRedactPii(): Promise<Scanner | string> {
  try {
    const { SyncRedactor } = await import('redact-pii');
    const real = new SyncRedactor();
    const marking = new SyncRedactor({ globalReplaceWith: `${OPEN}$&${CLOSE}` });
    const single = new SyncRedactor({ globalReplaceWith: '\uE002' });
    return {
      name: 'redact-pii 3.4 (default redactors)',
      claims: ['PERSON', 'PHONE', 'EMAIL', 'CREDIT_CARD', 'ADDRESS', 'IP_ADDRESS'],
      scan: (text) => real.redact(text),
      spans: (text) => {
        const { text: back, ranges } = markedRanges(marking.redact(text));
        // Its greeting-name rule splices the replacement in by hand (no `$&`); if that ever fires
        // the text no longer lines up and this document's ranges are dropped rather than guessed.
        return back === text ? ranges : [];
      },
      check: (text, found) => replaceRanges(text, found, '\uE002') === single.redact(text),
    };
  } catch (error) {
    return `redact-pii not installed (${(error as Error).message.split('\n')[0]})`;
  }
}

export async function loadRedactPiiNode(): Promise<Scanner | string> {
  try {
    const { Redactor } = await import('@redactpii/node');
    const real = new Redactor();
    const single = new Redactor({ globalReplaceWith: '\uE002' });
    const rules = (real as unknown as { activeRules: Array<{ pattern: RegExp; name: string }> }).activeRules;
    if (!Array.isArray(rules) || rules.length === 0) return '@redactpii/node: its rule list was not found';
    return {
      name: '@redactpii/node 1.0 (default rules)',
      claims: ['PERSON', 'PHONE', 'EMAIL', 'CREDIT_CARD'],
      scan: (text) => real.redact(text),
      spans: (text) => {
        let current = text;
        const found: FoundSpan[] = [];
        for (const { pattern } of rules) {
          current = current.replace(new RegExp(pattern.source, pattern.flags), (match: string, ...rest: unknown[]) => {
            const offset = rest.find((x) => typeof x === 'number')!;
            found.push({ start: offset, end: offset + match.length });
            return OPEN.repeat(match.length);
          });
        }
        return found;
      },
      check: (text, found) => replaceRanges(text, found, '\uE002') === single.redact(text),
    };
  } catch (error) {
    return `@redactpii/node not installed (${(error as Error).message.split('\n')[0]})`;
  }
}

const D = '[0-9０-９]';
const SEP = '[-.\\s–‐－]?';
/** One simple pattern per type, most specific first (the first alternative that matches wins). */
const SIMPLE: ReadonlyArray<[EntityType, string]> = [
  ['EMAIL', '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+'],
  ['IP_ADDRESS', '\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7}'],
  ['CREDIT_CARD', '\\d{4}[- ]?\\d{4}[- ]?\\d{4}[- ]?\\d{4}|3[47]\\d{2}[- ]?\\d{6}[- ]?\\d{5}'],
  ['KR_RRN', '\\d{6}\\s?-?\\s?[1-4]\\d{6}'],
  ['KR_FRN', '\\d{6}-?[5-8]\\d{6}'],
  ['KR_CRN', '\\d{6}-\\d{7}'],
  ['KR_DRIVER_LICENSE', '(?:\\d{2}|[가-힣]{2}) ?-?\\d{2}-\\d{6}-\\d{2}'],
  ['KR_BRN', '\\d{3}-\\d{2}-\\d{5}'],
  ['KR_PASSPORT', '[MSRGD]\\d{8}|[MSRGD]\\d{3}[A-Z]\\d{4}'],
  ['PHONE', `(?:\\+82${SEP})?\\(?0?${D}{1,2}\\)?${SEP}${D}{3,4}${SEP}${D}{4}`],
  ['BANK_ACCOUNT', '\\d{3,6}-\\d{2,6}-\\d{2,7}(?:-\\d{1,3})?'],
  ['KR_HEALTH_INSURANCE', '\\d-?\\d{10}'],
  ['VEHICLE_PLATE', '(?:[가-힣]{2} ?)?\\d{2,3}[가-힣] ?\\d{4}'],
  ['ADDRESS', '[가-힣]+(?:시|도) [가-힣]+(?:시|군|구)(?: [가-힣]+구)? [가-힣0-9]+(?:로|길|동|읍|면|리) (?:산 )?\\d+(?:-\\d+)?'],
  ['PERSON', '(?:남궁|제갈|황보|선우|독고|사공|서문|[김이박최정강조윤장임한오서신권황안송류전홍])[가-힣]{2}'],
];

/**
 * The limit: one pass of one combined regular expression, each alternative a capture group so the
 * type of a match is the group that took part.
 */
export function combinedRegexScanner(): Scanner {
  const source = SIMPLE.map(([, p]) => `(${p})`).join('|');
  const re = new RegExp(source, 'g');
  const types = SIMPLE.map(([t]) => t);
  const spans = (text: string): FoundSpan[] => {
    const found: FoundSpan[] = [];
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      let g = 1;
      while (m[g] === undefined) g++;
      found.push({ start: m.index, end: m.index + m[0].length, type: types[g - 1]! });
    }
    return found;
  };
  return { name: 'single combined regex pass (the limit)', claims: types, scan: spans, spans };
}
