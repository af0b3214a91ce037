import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { characterClass, profileText } from './text.js';

const dir = mkdtempSync(path.join(tmpdir(), 'datadam-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const write = (content: string | Buffer) => {
  const file = path.join(dir, `t${++n}.txt`);
  writeFileSync(file, content);
  return file;
};

describe('characterClass', () => {
  it.each([
    ['한', 'hangul_syllable'],
    ['ㄱ', 'hangul_jamo'],
    ['\u1100', 'hangul_jamo'],
    ['a', 'latin'],
    ['é', 'latin'],
    ['7', 'digit'],
    ['漢', 'hanja'],
    ['.', 'punctuation'],
    ['。', 'punctuation'],
    ['“', 'punctuation'],
    [' ', 'whitespace'],
    ['\u3000', 'whitespace'],
    ['\u0007', 'control'],
    ['\uFFFD', 'replacement'],
    ['😀', 'punctuation'],
    ['α', 'other'],
  ])('%s is %s', (char, cls) => {
    expect(characterClass(char.codePointAt(0)!)).toBe(cls);
  });
});

describe('profileText', () => {
  it('measures lines, classes and exact duplicates of a plain corpus', async () => {
    const file = write('안녕하세요 abc 123\n안녕하세요 abc 123\n\n漢字!\n한국어 문장입니다.\r\n');
    const p = await profileText(file);
    expect(p).toMatchObject({ encoding: 'utf-8', documents: 5, emptyDocuments: 1, duplicates: 1 });
    expect(p.length).toMatchObject({ min: 3, max: 13, mean: (13 + 13 + 3 + 10) / 4, p50: 13 });
    expect(p.totalCharacters).toBe(39);
    expect(p.characters.hangul_syllable).toBeCloseTo((5 + 5 + 8) / 39, 10);
    expect(p.characters.hanja).toBeCloseTo(2 / 39, 10);
    expect(p.issues).toEqual([{ code: 'duplicate_documents', count: 1 }]);
    expect(p.length!.histogram.reduce((s, b) => s + b.count, 0)).toBe(4);
  });

  it('decodes CP949 and reports replacement characters as an issue', async () => {
    // 가 in CP949, then a byte that starts no character.
    const p = await profileText(write(Buffer.from([0xb0, 0xa1, 0x0a, 0x41, 0xff, 0x0a])));
    expect(p.encoding).toBe('cp949');
    expect(p.characters.replacement).toBeGreaterThan(0);
    expect(p.issues).toContainEqual({ code: 'replacement_character', count: 1 });
  });

  it('takes the text of JSON Lines records from a field, counting bad records', async () => {
    const file = write(
      ['{"text":"좋은 영화","label":1}', '{"text":"좋은 영화","label":1}', '{"label":0}', 'not json', '', '"문자열"'].join('\n'),
    );
    const p = await profileText(file, { format: 'jsonl', textField: 'text' });
    expect(p).toMatchObject({ documents: 6, emptyDocuments: 1, duplicates: 1 });
    // A record that is a bare JSON string is its own text.
    expect(p.badRecords?.count).toBe(2);
    expect(p.badRecords?.first.map((b) => b.record)).toEqual([3, 4]);
    expect(p.length).toMatchObject({ min: 3, max: 5 });
  });

  it('law: duplicates = non-empty lines minus distinct non-empty lines', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('가', '나다', 'abc', 'abc ', '', '1'), { maxLength: 40 }), async (docs) => {
        const p = await profileText(write(docs.join('\n')));
        const nonEmpty = docs.filter((d) => d.trim() !== '');
        expect(p.duplicates).toBe(nonEmpty.length - new Set(nonEmpty).size);
        expect(p.length?.min ?? null).toBe(nonEmpty.length ? Math.min(...nonEmpty.map((d) => [...d].length)) : null);
      }),
      { numRuns: 30 },
    );
  });

  it('keeps quantiles from a reservoir when the corpus is larger than it, min and max exact', async () => {
    const docs = Array.from({ length: 5000 }, (_, i) => 'x'.repeat(1 + (i % 100)));
    const p = await profileText(write(docs.join('\n')), { reservoirSize: 500 });
    expect(p.length).toMatchObject({ min: 1, max: 100, mean: 50.5 });
    expect(p.length!.p50).toBeGreaterThan(35);
    expect(p.length!.p50).toBeLessThan(66);
  });
});
