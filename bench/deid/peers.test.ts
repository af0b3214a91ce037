import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { combinedRegexScanner, loadRedactPii, loadRedactPiiNode, markedRanges, replaceRanges } from './peers.js';

const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/deid/corpus-sample.jsonl');
const texts = readFileSync(SAMPLE, 'utf8')
  .trim()
  .split('\n')
  .map((l) => (JSON.parse(l) as { text: string }).text);

describe('range recovery', () => {
  it('markedRanges strips markers and merges nested marks', () => {
    expect(markedRanges('a\uE000bc\uE000d\uE001\uE001e\uE000f\uE001')).toEqual({
      text: 'abcdef',
      ranges: [
        { start: 1, end: 4 },
        { start: 5, end: 6 },
      ],
    });
    expect(
      replaceRanges(
        'abcdef',
        [
          { start: 1, end: 4 },
          { start: 2, end: 3 },
          { start: 5, end: 6 },
        ],
        '*',
      ),
    ).toBe('a*e*');
  });

  // The peers are dev dependencies; without them there is nothing to check.
  for (const load of [loadRedactPii, loadRedactPiiNode]) {
    it(`reproduces the peer's own output (${load.name})`, async () => {
      const peer = await load();
      if (typeof peer === 'string') return;
      let ranges = 0;
      for (const text of texts) {
        const found = peer.spans(text);
        ranges += found.length;
        expect(peer.check!(text, found)).toBe(true);
      }
      expect(ranges).toBeGreaterThan(texts.length);
    });
  }
});

describe('combinedRegexScanner', () => {
  it('types each match by the alternative that took it', () => {
    const found = combinedRegexScanner().spans('메일 a.b@naver.com 전화 010-1234-5678 서버 10.0.0.1');
    expect(found.map((f) => f.type)).toEqual(['EMAIL', 'PHONE', 'IP_ADDRESS']);
  });
});
