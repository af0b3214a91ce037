/**
 * VEHICLE_PLATE: 12가3456, 123가4567 (2019 format) and old regional plates 서울12가3456, with only
 * the Hangul letters plates use (private 가–조 and 구–주 series, 바사아자 for buses and taxis, 배
 * for delivery, 허하호 for rentals).
 */
import { scoreInContext } from '../context.js';
import type { Entity } from '../entities.js';
import { type DigitRuns, digitRuns, execAt } from './digit-runs.js';

/** The Hangul letters Korean plates use, in one string (a regex character class is built from it). */
export const PLATE_LETTERS = '가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주바사아자배허하호';

const PLATE_SHAPE = new RegExp(`(?<!\\d)(\\d{1,3})( ?)[${PLATE_LETTERS}]( ?)(\\d{4})(?!\\d)`, 'y');
const REGION_BEFORE = /(?:서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충북|충남|전북|전남|경북|경남|제주) ?$/;

/**
 * Finds vehicle registration plates in normalised text.
 *
 * @example findPlates('차량번호 12가3456을 조회') // [{ type: 'VEHICLE_PLATE', start: 5, end: 12, score: 0.955 }]
 */
export function findPlates(text: string, runs: DigitRuns = digitRuns(text)): Entity[] {
  const found: Entity[] = [];
  let resume = 0;
  for (let r = 0; r < runs.count; r++) {
    if (runs.starts[r]! < resume || runs.lengths[r]! > 3) continue;
    const m = execAt(PLATE_SHAPE, text, runs.starts[r]!);
    if (m === null) continue;
    let start = m.index;
    const end = start + m[0].length;
    resume = end;
    const region = REGION_BEFORE.exec(text.slice(Math.max(0, start - 3), start));
    // One digit before the letter only happens on old regional plates (서울1가1234).
    if (m[1]!.length === 1 && !region) continue;
    if (region && m[1]!.length <= 2) start -= region[0].length;
    const spaced = m[2] !== '' || m[3] !== '';
    const base = region && m[1]!.length <= 2 ? 0.9 : spaced ? 0.7 : 0.85;
    found.push({ type: 'VEHICLE_PLATE', start, end, score: scoreInContext(text, start, end, 'VEHICLE_PLATE', base) });
  }
  return found;
}
