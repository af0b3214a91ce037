/**
 * Generalisation hierarchies: for each quasi-identifier, a ladder of levels from the exact value
 * (level 0) up to '*' (the top level, everything suppressed). Every hierarchy here is functional:
 * two values equal at one level stay equal at every level above, which is what makes the
 * generalisation lattice monotone (a coarser node never splits a class) and lets the search prune.
 */
import { areaName, resolveArea, type LegalDongIndex } from './legal-dong.js';

/** The value every hierarchy ends with. */
export const SUPPRESSED = '*';

export interface Hierarchy {
  /** What kind of hierarchy, e.g. 'age', 'date', 'address'. */
  kind: string;
  /** Names of the levels, from 0 (exact) to the top ('*'). */
  levels: readonly string[];
  /** The value at a level (0 = unchanged, levels.length − 1 = '*'). */
  generalize(value: string, level: number): string;
}

function checkLevel(hierarchy: { levels: readonly string[] }, level: number): void {
  if (!Number.isInteger(level) || level < 0 || level >= hierarchy.levels.length) {
    throw new RangeError(`level ${level} is outside 0–${hierarchy.levels.length - 1}`);
  }
}

/** Builds a hierarchy whose level 0 is the value itself and whose top is '*'. */
function ladder(kind: string, levels: readonly string[], middle: (value: string, level: number) => string): Hierarchy {
  const hierarchy: Hierarchy = {
    kind,
    levels,
    generalize(value, level) {
      checkLevel(hierarchy, level);
      if (level === 0) return value;
      if (level === levels.length - 1) return SUPPRESSED;
      return middle(value, level);
    },
  };
  return hierarchy;
}

/**
 * Suppression only: the exact value, then '*'.
 *
 * @example categoricalHierarchy().generalize('남', 1) // '*'
 */
export function categoricalHierarchy(): Hierarchy {
  return ladder('categorical', ['exact', '*'], () => SUPPRESSED);
}

/** An integer in the text, or undefined ("34", "34세", "34.0" read as 34). */
function parseWhole(value: string): number | undefined {
  const m = /^\s*(-?\d+)(\.0+)?\s*(세|살|years?)?\s*$/.exec(value);
  return m ? Number(m[1]) : undefined;
}

function band(n: number, width: number): string {
  const low = Math.floor(n / width) * width;
  return `${low}-${low + width - 1}`;
}

/**
 * Ages: exact → 5-year band → 10-year band → '*'. Values that are not whole numbers become '*'
 * above level 0 (they cannot be placed in a band, and keeping them would single them out).
 *
 * @example ageHierarchy().generalize('37', 1) // '35-39'
 * @example ageHierarchy().generalize('37', 2) // '30-39'
 */
export function ageHierarchy(): Hierarchy {
  const widths = [5, 10];
  return ladder('age', ['exact', '5-year', '10-year', '*'], (value, level) => {
    const n = parseWhole(value);
    return n === undefined ? SUPPRESSED : band(n, widths[level - 1]!);
  });
}

/**
 * Numbers in ranges of growing width (each width a multiple of the one before, so ranges nest):
 * exact → [0, w₁) bands → [0, w₂) bands … → '*'. Bands are written "low-high" (inclusive, integers)
 * or "[low, high)" for fractional data.
 *
 * @example numericRangeHierarchy([10, 100]).generalize('57', 1) // '50-59'
 * @example numericRangeHierarchy([10, 100]).generalize('57', 2) // '0-99'
 */
export function numericRangeHierarchy(widths: readonly number[]): Hierarchy {
  if (widths.length === 0) throw new Error('a numeric hierarchy needs at least one width');
  for (let i = 0; i < widths.length; i++) {
    const w = widths[i]!;
    if (!(w > 0)) throw new Error(`width ${w} must be positive`);
    if (i > 0 && !isMultiple(w, widths[i - 1]!)) throw new Error(`width ${w} is not a multiple of ${widths[i - 1]}: ranges would not nest`);
  }
  const levels = ['exact', ...widths.map((w) => `width ${w}`), '*'];
  return ladder('numeric', levels, (value, level) => {
    const text = value.trim().replace(/,/g, '');
    const n = text === '' ? NaN : Number(text);
    if (!Number.isFinite(n)) return SUPPRESSED;
    // Each band is found from the band below, not from n: a tiny n (1e-322) divided by a large
    // width underflows to −0 and would land in another band than its smaller band does.
    let low = n;
    for (let l = 0; l < level; l++) low = Math.floor(low / widths[l]!) * widths[l]!;
    const w = widths[level - 1]!;
    return Number.isInteger(w) && Number.isInteger(low) ? `${low}-${low + w - 1}` : `[${round(low)}, ${round(low + w)})`;
  });
}

function isMultiple(big: number, small: number): boolean {
  const ratio = big / small;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9 && Math.round(ratio) >= 1;
}

function round(n: number): number {
  return Number(n.toPrecision(12));
}

/**
 * Widths for a numeric column from its range: powers of ten from about a hundredth of the range
 * up, at most four levels, so the first level merges neighbours and the last leaves a few bands.
 *
 * @example numericWidthsFor(0, 1000) // [10, 100, 1000]
 */
export function numericWidthsFor(min: number, max: number): number[] {
  const span = Math.max(max - min, 1);
  const start = Math.max(1, 10 ** Math.floor(Math.log10(span / 100)));
  const widths: number[] = [];
  for (let w = start; widths.length < 4 && w <= span; w *= 10) widths.push(w);
  return widths.length ? widths : [start];
}

/** A date (and maybe a time) read from ISO, dotted, slashed, compact or Korean forms. */
function parseDate(value: string): { year: number; month: number; day: number } | undefined {
  const text = value.trim();
  const m =
    /^(\d{4})[-./]\s?(\d{1,2})[-./]\s?(\d{1,2})\.?(?:[ T].*)?$/.exec(text) ??
    /^(\d{4})(\d{2})(\d{2})(?:\d{0,6})?$/.exec(text) ??
    /^(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일/.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return { year, month, day };
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Dates: exact → day → month → year → decade → '*'. "Exact" keeps any time of day the value has;
 * 'day' drops it. Values that are not dates become '*' above level 0.
 *
 * @example dateHierarchy().generalize('2013.1.28', 2) // '2013-01'
 * @example dateHierarchy().generalize('2020-01-01 05', 4) // '2020s'
 */
export function dateHierarchy(): Hierarchy {
  return ladder('date', ['exact', 'day', 'month', 'year', 'decade', '*'], (value, level) => {
    const d = parseDate(value);
    if (!d) return SUPPRESSED;
    switch (level) {
      case 1:
        return `${d.year}-${pad(d.month)}-${pad(d.day)}`;
      case 2:
        return `${d.year}-${pad(d.month)}`;
      case 3:
        return String(d.year);
      default:
        return `${Math.floor(d.year / 10) * 10}s`;
    }
  });
}

/**
 * Postal codes: the 5-digit 기초구역번호 (2015–) → its first 3 digits (the 시군구) → '*'. Old 6-digit
 * codes ("138-849") keep their first 3 digits in their own form, so old and new never mix.
 *
 * @example postalCodeHierarchy().generalize('05623', 1) // '056**'
 * @example postalCodeHierarchy().generalize('138-849', 1) // '138-***'
 */
export function postalCodeHierarchy(): Hierarchy {
  return ladder('postal', ['exact', '3-digit', '*'], (value) => {
    const text = value.trim();
    if (/^\d{5}$/.test(text)) return `${text.slice(0, 3)}**`;
    const old = /^(\d{3})-?\d{3}$/.exec(text);
    return old ? `${old[1]}-***` : SUPPRESSED;
  });
}

/**
 * Korean addresses along the 법정동 code table: exact → 읍면동 → 시군구 → 시도 → '*'. An address that
 * does not reach a level (a road address without its 동, say) shows the finest area it has; one
 * whose 시도 cannot be read becomes '*'.
 *
 * @example addressHierarchy(index).generalize('서울특별시 송파구 송파1동 31번지', 2) // '서울특별시 송파구'
 */
export function addressHierarchy(index: LegalDongIndex): Hierarchy {
  const cache = new Map<string, ReturnType<typeof resolveArea>>();
  const names = ['eupmyeondong', 'sigungu', 'sido'] as const;
  return ladder('address', ['exact', '읍면동', '시군구', '시도', '*'], (value, level) => {
    let area = cache.get(value);
    if (!area) {
      area = resolveArea(index, value);
      cache.set(value, area);
    }
    return areaName(index, area, names[level - 1]!);
  });
}

/**
 * Addresses without the code table: the first three, two, one words (stopping before the first
 * word with a digit, a house number), then '*'.
 *
 * @example wordAddressHierarchy().generalize('서울 강남구 역삼동 123', 2) // '서울 강남구'
 */
export function wordAddressHierarchy(): Hierarchy {
  return ladder('address-words', ['exact', '3 words', '2 words', '1 word', '*'], (value, level) => {
    const words: string[] = [];
    for (const w of value.trim().split(/\s+/)) {
      if (w === '' || /\d/.test(w)) break;
      words.push(w);
    }
    return words.length === 0 ? SUPPRESSED : words.slice(0, 4 - level).join(' ');
  });
}

/** The hierarchy kinds a column can be given by name (`--hierarchy COL=KIND`). */
export const HIERARCHY_KINDS = ['age', 'date', 'address', 'postal', 'numeric', 'categorical'] as const;
export type HierarchyKind = (typeof HIERARCHY_KINDS)[number];

/**
 * Picks a hierarchy kind for a quasi-identifier from its name and sample values.
 *
 * @example suggestHierarchyKind('연령', ['34', '51']) // 'age'
 * @example suggestHierarchyKind('인허가일자', ['2013.1.28']) // 'date'
 */
export function suggestHierarchyKind(column: string, samples: readonly string[]): HierarchyKind {
  const name = column.toLowerCase().replace(/[\s_]/g, '');
  const values = samples.map((s) => s.trim()).filter((s) => s !== '');
  const share = (test: (v: string) => boolean) => (values.length ? values.filter(test).length / values.length : 0);
  if (/우편번호|postcode|postal|zip/.test(name)) return 'postal';
  if (/나이|연령|^age$/.test(name) && share((v) => parseWhole(v) !== undefined) >= 0.8) return 'age';
  if (/주소|소재지|address|시군구|읍면동/.test(name)) return 'address';
  if (share((v) => parseDate(v) !== undefined) >= 0.8) return 'date';
  if (share((v) => Number.isFinite(Number(v.replace(/,/g, '')))) >= 0.9 && new Set(values).size > 10) return 'numeric';
  return 'categorical';
}

/**
 * Makes the hierarchy of a kind for a column; `samples` set the widths of a numeric one, `index`
 * (the 법정동 table) makes addresses follow official areas, else they are cut by words.
 *
 * @example hierarchyFor('age', []).levels // ['exact', '5-year', '10-year', '*']
 */
export function hierarchyFor(kind: HierarchyKind, samples: readonly string[], index?: LegalDongIndex): Hierarchy {
  switch (kind) {
    case 'age':
      return ageHierarchy();
    case 'date':
      return dateHierarchy();
    case 'postal':
      return postalCodeHierarchy();
    case 'address':
      return index ? addressHierarchy(index) : wordAddressHierarchy();
    case 'numeric': {
      let min = Infinity;
      let max = -Infinity;
      for (const s of samples) {
        const text = s.trim().replace(/,/g, '');
        const n = text === '' ? NaN : Number(text);
        if (!Number.isFinite(n)) continue;
        min = Math.min(min, n);
        max = Math.max(max, n);
      }
      if (min > max) return categoricalHierarchy();
      return numericRangeHierarchy(numericWidthsFor(min, max));
    }
    case 'categorical':
      return categoricalHierarchy();
  }
}
