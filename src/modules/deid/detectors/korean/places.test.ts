import { describe, expect, it } from 'vitest';
import { placeLevel, EUPMYEONDONG, RI, SIDO, SIGUNGU } from './places-index.js';
import { EUPMYEONDONG_LIST, RI_LIST, SIDO_LIST, SIGUNGU_LIST } from './places.js';

describe('place names from the 법정동 table', () => {
  it('holds every level, deduplicated, in well under 1 MB', () => {
    expect(SIDO.size).toBeGreaterThanOrEqual(17);
    expect(SIGUNGU.size).toBeGreaterThan(200);
    expect(EUPMYEONDONG.size).toBeGreaterThan(3000);
    expect(RI.size).toBeGreaterThan(5000);
    for (const list of [SIDO_LIST, SIGUNGU_LIST, EUPMYEONDONG_LIST, RI_LIST]) {
      const names = list.split(' ');
      expect(new Set(names).size).toBe(names.length);
    }
    const bytes = Buffer.byteLength(SIDO_LIST + SIGUNGU_LIST + EUPMYEONDONG_LIST + RI_LIST);
    expect(bytes).toBeLessThan(1_000_000);
  });

  it('splits a 시 and its 구 and keeps only names in force', () => {
    expect(SIGUNGU.has('고양시')).toBe(true);
    expect(SIGUNGU.has('덕양구')).toBe(true);
    expect(SIGUNGU.has('고양시덕양구')).toBe(false);
    // 부천시's 구 were abolished in 2016: deleted in the table.
    expect(SIGUNGU.has('원미구')).toBe(false);
  });

  it.each([
    ['서울특별시', 1],
    ['서울', 1],
    ['강원특별자치도', 1],
    ['강남구', 2],
    ['역삼동', 3],
    ['역삼1동', 3],
    ['종로1가', 3],
    ['석남리', 4],
    ['이상', 0],
    ['정도', 0],
  ] as const)('placeLevel(%s) = %d', (word, level) => {
    expect(placeLevel(word)).toBe(level);
  });
});

describe('placeLevel for a 시 and its 구 written as one word', () => {
  it('reads 성남시분당구 as a 시군구, but not a 시 glued to an unknown 구', () => {
    expect(placeLevel('성남시분당구')).toBe(2);
    expect(placeLevel('창원시성산구')).toBe(2);
    expect(placeLevel('성남시가나구')).toBe(0);
  });
});
