/**
 * The 법정동 (legal-dong) code table of the Ministry of Land (국토교통부 전국 법정동): a 10-digit code
 * whose first 2 digits name the 시도, first 5 the 시군구 and first 8 the 읍면동 (the last 2 the 리).
 * The address hierarchy generalises 읍면동 → 시군구 → 시도 along these codes, so an address becomes
 * the official name of its area rather than a guess from its words.
 *
 * Only current codes (no 삭제일자) are indexed, so every name maps to one code. Addresses are matched
 * by their words: 시도 by full or short name (서울, 경기, 전북 …, also 강원특별자치도 and 전북특별자치도
 * of 2023–24), 시군구 with or without the space inside "용인시 기흥구", and 읍면동 by name, with
 * 행정동 numbering dropped when the plain name is a 법정동 ("송파1동" → "송파동").
 */

export interface LegalDongIndex {
  /** 2-digit 시도 code → name. */
  sido: ReadonlyMap<string, string>;
  /** 5-digit 시군구 code → name (without the 시도). */
  sigungu: ReadonlyMap<string, string>;
  /** 8-digit 읍면동 code → name. */
  eupmyeondong: ReadonlyMap<string, string>;
  /** Any spelling of a 시도 → its 2-digit code. */
  sidoByName: ReadonlyMap<string, string>;
  /** 2-digit 시도 code + 시군구 name without spaces → 5-digit code. */
  sigunguByName: ReadonlyMap<string, string>;
  /** 5-digit 시군구 code + 읍면동 name → 8-digit code. */
  dongByName: ReadonlyMap<string, string>;
}

/** Short and renamed 시도 names used in addresses and statistics, by the 2-digit code. */
const SIDO_ALIASES: Record<string, readonly string[]> = {
  '11': ['서울', '서울시'],
  '26': ['부산', '부산시'],
  '27': ['대구', '대구시'],
  '28': ['인천', '인천시'],
  '29': ['광주', '광주시'],
  '30': ['대전', '대전시'],
  '31': ['울산', '울산시'],
  '36': ['세종', '세종시'],
  '41': ['경기'],
  '42': ['강원', '강원특별자치도'],
  '43': ['충북'],
  '44': ['충남'],
  '45': ['전북', '전북특별자치도'],
  '46': ['전남'],
  '47': ['경북'],
  '48': ['경남'],
  '50': ['제주', '제주도'],
  // 2023–24 codes of the renamed provinces, in case a newer table is loaded.
  '51': ['강원', '강원특별자치도'],
  '52': ['전북', '전북특별자치도'],
};

/**
 * Builds the index from the table's records (header first), as read from the CSV.
 *
 * @example
 * const index = buildLegalDongIndex([
 *   ['법정동코드', '시도명', '시군구명', '읍면동명', '리명', '순위', '생성일자', '삭제일자'],
 *   ['1100000000', '서울특별시', '', '', '', '1', '', ''],
 *   ['1171000000', '서울특별시', '송파구', '', '', '1', '', ''],
 *   ['1171010500', '서울특별시', '송파구', '송파동', '', '1', '', ''],
 * ]);
 * index.eupmyeondong.get('11710105') // '송파동'
 */
export function buildLegalDongIndex(records: Iterable<readonly string[]>): LegalDongIndex {
  const sido = new Map<string, string>();
  const sigungu = new Map<string, string>();
  const eupmyeondong = new Map<string, string>();
  let columns: { code: number; sido: number; sigungu: number; dong: number; deleted: number } | undefined;
  for (const record of records) {
    if (!columns) {
      const at = (name: string) => {
        const i = record.findIndex((h) => h.replace(/^\uFEFF/, '').trim() === name);
        if (i < 0) throw new Error(`the 법정동 table has no column ${name}`);
        return i;
      };
      columns = { code: at('법정동코드'), sido: at('시도명'), sigungu: at('시군구명'), dong: at('읍면동명'), deleted: at('삭제일자') };
      continue;
    }
    const code = (record[columns.code] ?? '').trim();
    if (!/^\d{10}$/.test(code) || (record[columns.deleted] ?? '').trim() !== '') continue;
    const sidoName = (record[columns.sido] ?? '').trim();
    const sigunguName = (record[columns.sigungu] ?? '').trim();
    const dongName = (record[columns.dong] ?? '').trim();
    if (sidoName && !sido.has(code.slice(0, 2))) sido.set(code.slice(0, 2), sidoName);
    if (sigunguName && !sigungu.has(code.slice(0, 5))) sigungu.set(code.slice(0, 5), sigunguName);
    if (dongName && !eupmyeondong.has(code.slice(0, 8))) eupmyeondong.set(code.slice(0, 8), dongName);
  }
  const sidoByName = new Map<string, string>();
  for (const [code, name] of sido) {
    sidoByName.set(name, code);
    for (const alias of SIDO_ALIASES[code] ?? []) if (!sidoByName.has(alias)) sidoByName.set(alias, code);
  }
  const sigunguByName = new Map<string, string>();
  for (const [code, name] of sigungu) sigunguByName.set(code.slice(0, 2) + name.replace(/\s/g, ''), code);
  const dongByName = new Map<string, string>();
  for (const [code, name] of eupmyeondong) dongByName.set(code.slice(0, 5) + name, code);
  return { sido, sigungu, eupmyeondong, sidoByName, sigunguByName, dongByName };
}

/** The codes an address resolved to, as far as it could be read. */
export interface ResolvedArea {
  sido?: string;
  sigungu?: string;
  eupmyeondong?: string;
}

/**
 * Reads an address (or a 10-digit 법정동 code) down to the finest area the index knows.
 *
 * @example resolveArea(index, '경기도 용인시 기흥구 보정동 1261번지') // { sido: '41', sigungu: '41463', eupmyeondong: '41463118' }
 * @example resolveArea(index, '서울 강남구') // { sido: '11', sigungu: '11680' }
 */
export function resolveArea(index: LegalDongIndex, address: string): ResolvedArea {
  const text = address.trim();
  if (/^\d{10}$/.test(text)) {
    const area: ResolvedArea = {};
    if (index.sido.has(text.slice(0, 2))) area.sido = text.slice(0, 2);
    if (area.sido && index.sigungu.has(text.slice(0, 5))) area.sigungu = text.slice(0, 5);
    if (area.sigungu && index.eupmyeondong.has(text.slice(0, 8))) area.eupmyeondong = text.slice(0, 8);
    return area;
  }
  const words = text.split(/[\s,]+/).filter((w) => w !== '');
  const sido = index.sidoByName.get(words[0] ?? '');
  if (!sido) return {};
  const area: ResolvedArea = { sido };
  let next = 1;
  // "용인시 기흥구" is one 시군구 written as two words: try the pair first, then one word.
  const pair = (words[1] ?? '') + (words[2] ?? '');
  if (words[2] !== undefined && index.sigunguByName.has(sido + pair)) {
    area.sigungu = index.sigunguByName.get(sido + pair);
    next = 3;
  } else if (words[1] !== undefined && index.sigunguByName.has(sido + words[1])) {
    area.sigungu = index.sigunguByName.get(sido + words[1]);
    next = 2;
  } else {
    // 세종 has a single 시군구 that addresses never write.
    const only = [...index.sigungu.keys()].filter((code) => code.startsWith(sido));
    if (only.length === 1) area.sigungu = only[0];
  }
  if (!area.sigungu) return area;
  const word = (words[next] ?? '').replace(/\(.*$/, '');
  if (!word) return area;
  const dong = index.dongByName.get(area.sigungu + word) ?? index.dongByName.get(area.sigungu + word.replace(/\d+(?=[동가]$)/, ''));
  if (dong) area.eupmyeondong = dong;
  return area;
}

/**
 * The official name of an area at one level: 'eupmyeondong' ("서울특별시 송파구 송파동"), 'sigungu' or 'sido';
 * the finest resolved level when the address does not reach the one asked for, '*' when nothing was read.
 *
 * @example areaName(index, { sido: '11', sigungu: '11710', eupmyeondong: '11710105' }, 'sigungu') // '서울특별시 송파구'
 */
export function areaName(index: LegalDongIndex, area: ResolvedArea, level: 'eupmyeondong' | 'sigungu' | 'sido'): string {
  if (!area.sido) return '*';
  const parts = [index.sido.get(area.sido)!];
  if (level !== 'sido' && area.sigungu) {
    parts.push(index.sigungu.get(area.sigungu)!);
    if (level === 'eupmyeondong' && area.eupmyeondong) parts.push(index.eupmyeondong.get(area.eupmyeondong)!);
  }
  return parts.join(' ');
}
