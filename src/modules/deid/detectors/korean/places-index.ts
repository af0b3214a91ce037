/**
 * Lookup sets over the generated place-name lists (places.ts), plus the short and renamed forms of
 * 시도 that addresses use but the 법정동 table does not list (서울, 서울시, 강원특별자치도 …).
 */
import { EUPMYEONDONG_LIST, RI_LIST, SIDO_LIST, SIGUNGU_LIST } from './places.js';

/** Short forms and post-2023 names of 시도, as people write them in addresses. */
const SIDO_ALIASES = [
  '서울',
  '서울시',
  '부산',
  '부산시',
  '대구',
  '대구시',
  '인천',
  '인천시',
  '광주',
  '광주시',
  '대전',
  '대전시',
  '울산',
  '울산시',
  '세종',
  '세종시',
  '경기',
  '강원',
  '강원특별자치도',
  '충북',
  '충남',
  '전북',
  '전북특별자치도',
  '전남',
  '경북',
  '경남',
  '제주',
  '제주도',
  '제주특별자치도',
  '서울특별시',
  '부산광역시',
];

/** 시도 names: official, short and renamed. */
export const SIDO: ReadonlySet<string> = new Set([...SIDO_LIST.split(' '), ...SIDO_ALIASES]);

/** 시군구 names (e.g. 강남구, 수원시, 양평군). */
export const SIGUNGU: ReadonlySet<string> = new Set(SIGUNGU_LIST.split(' '));

/** 읍면동 names (법정동, e.g. 역삼동, 종로1가, 양평읍). */
export const EUPMYEONDONG: ReadonlySet<string> = new Set(EUPMYEONDONG_LIST.split(' '));

/** 리 names. */
export const RI: ReadonlySet<string> = new Set(RI_LIST.split(' '));

/** Administrative level of a place name, from the largest (1) to the smallest (4). */
export type PlaceLevel = 0 | 1 | 2 | 3 | 4;

/** Every listed name with its level, the largest level winning (one lookup instead of four). */
const LEVEL_BY_NAME = new Map<string, PlaceLevel>();
for (const [names, level] of [
  [RI, 4],
  [EUPMYEONDONG, 3],
  [SIGUNGU, 2],
  [SIDO, 1],
] as const)
  for (const name of names) LEVEL_BY_NAME.set(name, level);

/**
 * Level of a word as a place name: 1 시도, 2 시군구, 3 읍면동, 4 리, 0 not a place. A 행정동 with a
 * number (역삼1동) is read as its 법정동 (역삼동); 세종 and 제주 are 시도 even where a 시 has the name.
 *
 * @example placeLevel('강남구') // 2
 * @example placeLevel('역삼1동') // 3
 * @example placeLevel('성남시분당구') // 2
 * @example placeLevel('이상') // 0
 */
export function placeLevel(word: string): PlaceLevel {
  const known = LEVEL_BY_NAME.get(word);
  if (known !== undefined) return known;
  // 행정동 such as 역삼1동 or 상계10동 are numbered parts of a 법정동.
  const last = word.charCodeAt(word.length - 1);
  // A 시 and its 구 written as one word, as the 법정동 table itself does (성남시분당구, 창원시성산구).
  if (last === 0xad6c /* 구 */ && word.length >= 5) {
    const si = word.indexOf('시');
    if (si >= 1 && si < word.length - 2 && SIGUNGU.has(word.slice(0, si + 1)) && SIGUNGU.has(word.slice(si + 1))) return 2;
  }
  if (last === 0xb3d9 /* 동 */ && /\d/.test(word)) {
    const base = word.replace(/\d+(?:\.\d+)?(?=동$)/, '');
    if (base !== word && base.length >= 2 && EUPMYEONDONG.has(base)) return 3;
  }
  return 0;
}
