// Accuracy of the PERSON and ADDRESS detectors on labelled Korean documents and on real movie
// reviews (NSMC), against the targets of issue 6. The figures are printed so a run shows them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectAddresses } from '../address.js';
import { detectPersons } from '../person.js';
import { parseLabelled, scoreSpans, sumScores, type SpanScore } from './labelled.js';

const fixtures = new URL('../../../../../test/fixtures/deid/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixtures), 'utf8');

function evaluate(file: string, type: 'P' | 'A'): SpanScore {
  const detect = type === 'P' ? detectPersons : detectAddresses;
  return sumScores(
    parseLabelled(read(file)).map((doc) =>
      scoreSpans(
        detect(doc.text),
        doc.gold.filter((g) => g.type === type),
      ),
    ),
  );
}

const show = (s: SpanScore) =>
  `P=${s.precision.toFixed(3)} R=${s.recall.toFixed(3)} F1=${s.f1.toFixed(3)} (tp ${s.tp}, fp ${s.fp}, fn ${s.fn})`;

describe('labelled Korean documents', () => {
  for (const file of ['korean-documents.txt', 'korean-documents-holdout.txt']) {
    it(`${file}: PERSON F1 ≥ 0.85 with precision ≥ 0.9`, () => {
      const s = evaluate(file, 'P');
      console.log(`${file} PERSON ${show(s)}`);
      expect(s.tp).toBeGreaterThan(10);
      expect(s.f1).toBeGreaterThanOrEqual(0.85);
      expect(s.precision).toBeGreaterThanOrEqual(0.9);
    });
    it(`${file}: ADDRESS recall ≥ 0.90 with precision ≥ 0.9`, () => {
      const s = evaluate(file, 'A');
      console.log(`${file} ADDRESS ${show(s)}`);
      expect(s.tp).toBeGreaterThan(5);
      expect(s.recall).toBeGreaterThanOrEqual(0.9);
      expect(s.precision).toBeGreaterThanOrEqual(0.9);
    });
  }
});

describe('real Korean sentences: NSMC movie reviews labelled by hand', () => {
  const rows = read('nsmc-persons.jsonl')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { text: string; persons: { start: number; end: number; kind: string }[] });

  it('has 150+ labelled sentences', () => {
    expect(rows.length).toBeGreaterThanOrEqual(150);
    for (const r of rows) for (const p of r.persons) expect(p.end).toBeLessThanOrEqual(r.text.length);
  });

  it('PERSON F1 ≥ 0.85 and precision ≥ 0.95', () => {
    const s = sumScores(rows.map((r) => scoreSpans(detectPersons(r.text), r.persons)));
    const korean = sumScores(
      rows.map((r) =>
        scoreSpans(
          detectPersons(r.text),
          r.persons.filter((p) => p.kind === 'korean'),
        ),
      ),
    );
    console.log(`NSMC PERSON ${show(s)}; Korean names only: recall ${korean.recall.toFixed(3)}`);
    expect(s.f1).toBeGreaterThanOrEqual(0.85);
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
  });
});
