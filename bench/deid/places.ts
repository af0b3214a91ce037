/**
 * Real Korean place names for the corpus's addresses, read from the public CSV files the repository
 * ships (test/fixtures/datago-tabular, KOGL type 1, see its README):
 *
 * - 법정동 (legal districts, 국토교통부, CP949): 시도 / 시군구 / 읍면동 / 리 of every district still
 *   in force, for lot-number (지번) addresses;
 * - road names with the 시도 and 시군구 they lie in, taken from the road-name addresses of gas
 *   stations (산업통상자원부) and police centres (경찰청), for road-name (도로명) addresses.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { decodeStream } from '../../src/modules/shared/encoding.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/datago-tabular');

export interface LegalDistrict {
  sido: string;
  sigungu: string;
  dong: string;
  ri: string;
}

export interface Road {
  sido: string;
  sigungu: string;
  road: string;
}

export interface Places {
  districts: LegalDistrict[];
  roads: Road[];
}

async function readRows(file: string): Promise<string[][]> {
  let text = '';
  for await (const chunk of decodeStream(createReadStream(path.join(FIXTURES, file))).text) text += chunk;
  return parse(text, { relaxColumnCount: true, skipEmptyLines: true }) as string[][];
}

/** Short 시도 names, as addresses often write them, to the long forms the 법정동 table uses. */
const SIDO_LONG: Record<string, string> = {
  서울: '서울특별시',
  부산: '부산광역시',
  대구: '대구광역시',
  인천: '인천광역시',
  광주: '광주광역시',
  대전: '대전광역시',
  울산: '울산광역시',
  세종: '세종특별자치시',
  경기: '경기도',
  강원: '강원도',
  충북: '충청북도',
  충남: '충청남도',
  전북: '전라북도',
  전남: '전라남도',
  경북: '경상북도',
  경남: '경상남도',
  제주: '제주특별자치도',
};

/** Reads the place tables; a few hundred milliseconds. */
export async function loadPlaces(): Promise<Places> {
  const districts: LegalDistrict[] = [];
  const legal = await readRows('국토교통부_전국 법정동/국토교통부_전국 법정동.csv');
  for (const [, sido, sigungu, dong, ri, , , deleted] of legal.slice(1)) {
    if (!sido || !sigungu || !dong || deleted) continue;
    // The table tells apart same-named 리 of one 읍면 with hanja (화산리(花山), 평(坪)사리); addresses never
    // write that, so the corpus does not either.
    districts.push({ sido, sigungu, dong: withoutHanjaNote(dong), ri: withoutHanjaNote(ri ?? '') });
  }
  const roads = new Map<string, Road>();
  const addRoad = (address: string) => {
    const words = address.replace(/\s+/gu, ' ').trim().split(' ');
    const sido = SIDO_LONG[words[0] ?? ''] ?? words[0] ?? '';
    if (!Object.values(SIDO_LONG).includes(sido)) return;
    // 시군구 may be two words (성남시 분당구); the road is the first word ending in 로/길 with a number.
    let i = 1;
    // "부산 광역시 북구": the rest of the 시도 name written apart.
    if (/^(?:광역시|특별시|특별자치시|특별자치도|도)$/u.test(words[i] ?? '')) i++;
    const sigungu: string[] = [];
    if (/(?:시|군|구)$/u.test(words[i] ?? '')) sigungu.push(words[i++]!);
    // Two-word 시군구 only as 시 + 구 (성남시 분당구).
    if (sigungu[0]?.endsWith('시') && /구$/u.test(words[i] ?? '')) sigungu.push(words[i++]!);
    if (sigungu.length === 0) return;
    while (i < words.length && /(?:읍|면)$/u.test(words[i]!)) i++;
    const m = /^([가-힣0-9]+(?:로|길))(\d*)/u.exec(words[i] ?? '');
    if (!m || m[1]!.length < 2 || /^\d/u.test(m[1]!)) return;
    const road = { sido, sigungu: sigungu.join(' '), road: m[1]! };
    roads.set(`${road.sido}|${road.sigungu}|${road.road}`, road);
  };
  for (const row of (await readRows('산업통상자원부_전국 주유소 등록현황/주유소_20211231.CSV')).slice(1)) addRoad(row[5] ?? '');
  for (const row of (await readRows('경찰청_전국치안센터주소현황/경찰청_전국 치안센터 주소 현황_20221231.csv')).slice(1))
    addRoad(row[6] ?? '');
  return { districts, roads: [...roads.values()] };
}

/** A 법정동 name without the table's parenthesised hanja note: 화산리(花山) → 화산리, 평(坪)사리 → 평사리. */
function withoutHanjaNote(name: string): string {
  return name.replace(/\([^()]*\)/gu, '');
}
