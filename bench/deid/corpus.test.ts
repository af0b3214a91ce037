import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { assemble, generateCorpus, type CorpusDocument } from './corpus.js';
import { loadPlaces, type Places } from './places.js';
import { ent, neg, Values } from './values.js';

const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/deid/corpus-sample.jsonl');

let places: Places;
let docs: CorpusDocument[];
beforeAll(async () => {
  places = await loadPlaces();
  docs = generateCorpus(places, { seed: 6, targetBytes: 300_000 });
});

// Independent checks of the check digits (written from the published rules, not from values.ts).
const digitsOf = (s: string) => s.replace(/\D/gu, '').split('').map(Number);
const luhn = (s: string) =>
  digitsOf(s)
    .reverse()
    .reduce((sum, d, i) => sum + (i % 2 === 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0) %
    10 ===
  0;
const brnValid = (s: string) => {
  const d = digitsOf(s);
  const w = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  const sum = w.reduce((a, x, i) => a + x * d[i]!, 0) + Math.floor((d[8]! * 5) / 10);
  return d.length === 10 && (10 - (sum % 10)) % 10 === d[9];
};
const crnValid = (s: string) => {
  const d = digitsOf(s);
  const sum = d.slice(0, 12).reduce((a, x, i) => a + x * (i % 2 === 0 ? 1 : 2), 0);
  return d.length === 13 && (10 - (sum % 10)) % 10 === d[12];
};
const residentSum = (d: number[]) => [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5].reduce((a, w, i) => a + w * d[i]!, 0);
const frnValid = (s: string) => {
  const d = digitsOf(s);
  return d.length === 13 && d[6]! >= 5 && d[6]! <= 8 && (13 - (residentSum(d) % 11)) % 10 === d[12];
};
const rrnChecksumValid = (s: string) => {
  const d = digitsOf(s);
  return d.length === 13 && (11 - (residentSum(d) % 11)) % 10 === d[12];
};

const FORMAT: Record<string, RegExp> = {
  KR_RRN: /^\d{6}(?: - |-)?[1-4]\d{6}$/u,
  KR_FRN: /^\d{6}-[5-8]\d{6}$/u,
  KR_PASSPORT: /^[MSRGD]\d{3}[A-Z\d]\d{4}$/u,
  KR_DRIVER_LICENSE: /^(?:\d{2}-|[가-힣]{2} )\d{2}-\d{6}-\d{2}$/u,
  KR_BRN: /^\d{3}-?\d{2}-?\d{5}$/u,
  KR_CRN: /^\d{6}-\d{7}$/u,
  PHONE: /^[+(0０＋（][\d０-９\s().\-–‐－+＋（）]{7,}$/u,
  EMAIL: /^[a-z][a-z0-9._]*@[a-z0-9.-]+\.[a-z]{2,}$/u,
  CREDIT_CARD: /^\d{4}([- ]?)\d{4,6}\1\d{4,5}(?:\1\d{4})?$/u,
  BANK_ACCOUNT: /^\d[\d-]{9,17}\d$/u,
  KR_HEALTH_INSURANCE: /^\d-?\d{10}$/u,
  ADDRESS: /^[가-힣]+ [가-힣]/u,
  VEHICLE_PLATE: /^(?:[가-힣]{2} ?)?\d{2,3}[가-힣] ?\d{4}$/u,
  IP_ADDRESS: /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]+)$/u,
  PERSON: /^[가-힣]{1,5}$/u,
};

describe('generateCorpus', () => {
  it('is deterministic, and the committed sample is its first documents', () => {
    const again = generateCorpus(places, { seed: 6, targetBytes: 60_000 });
    expect(again).toEqual(docs.slice(0, again.length));
    const sample = readFileSync(SAMPLE, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CorpusDocument);
    expect(sample.length).toBeGreaterThan(20);
    expect(sample).toEqual(docs.slice(0, sample.length));
    expect(generateCorpus(places, { seed: 7, targetBytes: 5_000 })[0]).not.toEqual(docs[0]);
  });

  it('labels every type, inside the text, without overlaps, in the right format', () => {
    const seen = new Set<string>();
    for (const doc of docs) {
      const spans = [...doc.entities, ...doc.negatives].sort((a, b) => a.start - b.start);
      for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
      for (const e of doc.entities) {
        seen.add(e.type);
        const value = doc.text.slice(e.start, e.end);
        expect(e.end).toBeLessThanOrEqual(doc.text.length);
        expect(value).toBe(value.trim());
        expect(value, `${e.type} in ${doc.id}`).toMatch(FORMAT[e.type]!);
        if (e.type === 'CREDIT_CARD') expect(luhn(value)).toBe(true);
        if (e.type === 'KR_BRN') expect(brnValid(value)).toBe(true);
        if (e.type === 'KR_CRN') expect(crnValid(value)).toBe(true);
        if (e.type === 'KR_FRN') expect(frnValid(value)).toBe(true);
      }
    }
    expect(seen.size).toBe(15);
  });

  it('gives most resident numbers a valid check digit and the rest (issued since 2020) a random tail', () => {
    const rrns = docs.flatMap((d) => d.entities.filter((e) => e.type === 'KR_RRN').map((e) => d.text.slice(e.start, e.end)));
    const valid = rrns.filter(rrnChecksumValid).length / rrns.length;
    // 70 % are issued with the check digit; a random tail is right by chance one time in ten.
    expect(valid).toBeGreaterThan(0.6);
    expect(valid).toBeLessThan(0.9);
  });
});

describe('Values', () => {
  it('makes check digits right for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const v = new Values(seed, {
          districts: [{ sido: '서울특별시', sigungu: '종로구', dong: '청운동', ri: '' }],
          roads: [{ sido: '서울특별시', sigungu: '종로구', road: '자하문로' }],
        });
        expect(luhn(v.creditCard())).toBe(true);
        expect(brnValid(v.brn())).toBe(true);
        expect(crnValid(v.crn())).toBe(true);
        expect(frnValid(v.frn())).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('assemble', () => {
  it('records offsets of labelled pieces while joining', () => {
    const { text, entities, negatives } = assemble([
      '전화 ',
      ent('PHONE', '010-1234-5678'),
      [' 주문 ', neg('order-number', '2024-0001')],
      '.',
    ]);
    expect(text).toBe('전화 010-1234-5678 주문 2024-0001.');
    expect(text.slice(entities[0]!.start, entities[0]!.end)).toBe('010-1234-5678');
    expect(text.slice(negatives[0]!.start, negatives[0]!.end)).toBe('2024-0001');
  });
});
