/**
 * Reader for the labelled test corpora under test/fixtures/deid (markup `[[P:홍길동]]`,
 * `[[A:서울 …]]`) and a span scorer, shared by the detector tests. Pure: takes the file's text.
 */
import type { Entity } from '../../entities.js';

/** One labelled document: the plain text and its gold spans per type letter (P, A). */
export interface LabelledDocument {
  text: string;
  gold: { type: 'P' | 'A'; start: number; end: number }[];
}

/**
 * Parse a corpus: documents separated by a line `---`, `#` lines are comments.
 *
 * @example parseLabelled('---\n[[P:홍길동]]이 왔다')[0].gold // [{ type: 'P', start: 0, end: 3 }]
 */
export function parseLabelled(source: string): LabelledDocument[] {
  const body = source
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n');
  return body
    .split(/^---$/m)
    .map((d) => d.trim())
    .filter(Boolean)
    .map((doc) => {
      let text = '';
      let last = 0;
      const gold: LabelledDocument['gold'] = [];
      for (const m of doc.matchAll(/\[\[([PA]):([^\]]+)\]\]/g)) {
        text += doc.slice(last, m.index);
        gold.push({ type: m[1] as 'P' | 'A', start: text.length, end: text.length + m[2]!.length });
        text += m[2];
        last = m.index + m[0].length;
      }
      return { text: text + doc.slice(last), gold };
    });
}

/** True positives, false positives and false negatives of exact-span matching, and the rates. */
export interface SpanScore {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Score found spans against gold spans by exact offsets.
 *
 * @example scoreSpans([{ start: 0, end: 3 }], [{ start: 0, end: 3 }]).f1 // 1
 */
export function scoreSpans(found: readonly Pick<Entity, 'start' | 'end'>[], gold: readonly { start: number; end: number }[]): SpanScore {
  const key = (s: { start: number; end: number }) => `${s.start}:${s.end}`;
  const goldKeys = new Set(gold.map(key));
  const foundKeys = new Set(found.map(key));
  const tp = [...foundKeys].filter((k) => goldKeys.has(k)).length;
  const fp = foundKeys.size - tp;
  const fn = goldKeys.size - tp;
  return addRates({ tp, fp, fn });
}

/**
 * Add up scores of several documents and recompute the rates.
 *
 * @example sumScores([scoreSpans([], [{ start: 0, end: 1 }])]).recall // 0
 */
export function sumScores(scores: readonly SpanScore[]): SpanScore {
  return addRates(scores.reduce((a, s) => ({ tp: a.tp + s.tp, fp: a.fp + s.fp, fn: a.fn + s.fn }), { tp: 0, fp: 0, fn: 0 }));
}

function addRates(c: { tp: number; fp: number; fn: number }): SpanScore {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...c, precision, recall, f1 };
}
