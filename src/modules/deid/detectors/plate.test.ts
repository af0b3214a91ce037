import { describe, expect, it } from 'vitest';
import { detectEntities } from '../detect.js';
import { findPlates, PLATE_LETTERS } from './plate.js';

function plates(text: string): string[] {
  return detectEntities(text, { types: ['VEHICLE_PLATE'] }).map((e) => text.slice(e.start, e.end));
}

describe('VEHICLE_PLATE', () => {
  it('finds current, 2019 and old regional plates in sentences', () => {
    expect(plates('차량번호 12가3456을 조회')).toEqual(['12가3456']);
    expect(plates('123가4567 차량이 주차')).toEqual(['123가4567']);
    expect(plates('서울12가3456 승용차')).toEqual(['서울12가3456']);
    expect(plates('경기 34 바 5678 택시')).toEqual(['경기 34 바 5678']);
    expect(plates('렌터카 98허1234는')).toEqual(['98허1234']);
  });

  it('accepts every use letter and no other syllable', () => {
    for (const letter of PLATE_LETTERS) expect(findPlates(`12${letter}3456`), letter).toHaveLength(1);
    for (const letter of '각닭빵쿠튜퓨흐') expect(findPlates(`12${letter}3456`), letter).toEqual([]);
  });

  it('maps full-width digits back', () => {
    const text = '차량 １２가３４５６';
    expect(plates(text)).toEqual(['１２가３４５６']);
  });

  it('ignores places and counts that share the shape', () => {
    expect(plates('종로3가 1234번지, 2024년 12월, 12가구 3456명, 1234가5678')).toEqual([]);
  });
});
