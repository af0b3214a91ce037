import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { PROBE_BYTES, parseDelimitedLine, probeValueCounts } from './probe.js';

const dir = mkdtempSync(path.join(tmpdir(), 'datadam-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** RFC 4180 quoting, as a CSV writer would do it. */
const quote = (field: string, delimiter: string) =>
  /["\r\n]/.test(field) || field.includes(delimiter) || field.startsWith('"') ? `"${field.replaceAll('"', '""')}"` : field;

describe('parseDelimitedLine', () => {
  it('reads quoted fields, doubled quotes, empty fields and a trailing delimiter', () => {
    expect(parseDelimitedLine('a," b ""c""",', ',')).toEqual(['a', ' b "c"', '']);
    expect(parseDelimitedLine('서울\t"부산\t시"\t', '\t')).toEqual(['서울', '부산\t시', '']);
    expect(parseDelimitedLine('', ',')).toEqual(['']);
  });

  it('gives up on a quoted field that goes on past the line, or text after a closing quote', () => {
    expect(parseDelimitedLine('a,"open', ',')).toBeUndefined();
    expect(parseDelimitedLine('"a"b,c', ',')).toBeUndefined();
  });

  it('reads back whatever a CSV writer wrote on one line', () => {
    const field = fc.string({ unit: fc.constantFrom('a', '가', ' ', ',', '"', ';', '9') });
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 6 }), fc.constantFrom(',', ';', '\t'), (fields, delimiter) => {
        const line = fields.map((f) => quote(f, delimiter)).join(delimiter);
        expect(parseDelimitedLine(line, delimiter)).toEqual(fields);
      }),
    );
  });
});

describe('probeValueCounts', () => {
  it('finds values that are frequent only far down a file sorted by them', async () => {
    const file = path.join(dir, 'sorted.csv');
    const rows = ['지역,값'];
    for (let i = 0; i < 40_000; i++) rows.push(`${i < 20_000 ? '서울' : '"제주, 서귀포"'},${i % 7}`);
    writeFileSync(file, `${rows.join('\n')}\n`);
    const [regions, values] = await probeValueCounts(file, ',', 2);
    expect(regions!.get('서울')).toBeGreaterThan(0);
    expect(regions!.get('제주, 서귀포')).toBeGreaterThan(0);
    expect([...values!.keys()].sort()).toEqual(['0', '1', '2', '3', '4', '5', '6']);
  });

  it('reads nothing from a file the sample already covers whole', async () => {
    const file = path.join(dir, 'small.csv');
    writeFileSync(file, 'a\n'.repeat(PROBE_BYTES / 4));
    expect((await probeValueCounts(file, ',', 1))[0]!.size).toBe(0);
  });
});
