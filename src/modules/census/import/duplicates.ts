/**
 * Likely duplicates among census entries of one agency: the same title once spaces, punctuation,
 * case and the data.go.kr `기관명_` prefix are set aside (`normaliseTitle`), or a near-identical one
 * (character-bigram Jaccard similarity of at least 0.9, same numbers).
 *
 * Edit distance is available but off by default: on Korean titles one syllable is a word, and on the
 * 61,359-row data.go.kr catalog "≤ 2 edits" flagged 7,255 rows, nearly all different datasets
 * (대구/부산 지하철 환승정보, 세탁업/미용업 인허가 정보; even one jamo tells 월별 from 일별), against 636
 * exact and 72 more near-identical matches with the default rule.
 *
 * Titles are blocked by agency and by the numbers they carry, and candidates within a block are found
 * with a prefix filter over character bigrams, so checking a title costs a few index look-ups, not a
 * comparison with every title seen.
 */
import { normaliseTitle } from '../census.form.js';

export interface DuplicateRules {
  /** Bigram Jaccard similarity at or above which titles are near-identical (default 0.9; 1 = exact only). */
  minJaccard: number;
  /** Edits allowed between normalised titles, 0 to turn the rule off (default 0). */
  maxEdits: number;
  /** Both titles must be at least this long for the edit rule (default 8; never less than 2 × maxEdits + 2). */
  minEditLength: number;
}

export const DEFAULT_DUPLICATE_RULES: DuplicateRules = { minJaccard: 0.9, maxEdits: 0, minEditLength: 8 };

const EPSILON = 1e-9;

/**
 * Whether two normalised titles are likely the same dataset: equal; or, when they carry the same
 * numbers (so `2021년 …` and `2022년 …`, members of a series, are not flagged), with bigram Jaccard
 * similarity of at least `minJaccard`, or (if turned on) within `maxEdits` edits.
 *
 * @example likelyDuplicateTitles('응급실위치정보조회서비스', '응급실위치정보조회서비스') // true
 * @example likelyDuplicateTitles('전국사업소연락처서비스신', '전국사업소연락처서비스') // true (Jaccard 0.91)
 * @example likelyDuplicateTitles('2021년교통사고현황', '2022년교통사고현황') // false
 */
export function likelyDuplicateTitles(a: string, b: string, rules: Partial<DuplicateRules> = {}): boolean {
  const r = { ...DEFAULT_DUPLICATE_RULES, ...rules };
  return similar(a, tokens(a), numbers(a), { title: b, tokens: new Set(tokens(b)), numbers: numbers(b) }, r);
}

function similar(a: string, aTokens: number[], aNumbers: string, b: Omit<Entry, 'id'>, rules: DuplicateRules): boolean {
  if (a === b.title) return true;
  if (a === '' || b.title === '') return false;
  if (aNumbers !== b.numbers) return false;
  if (rules.minJaccard <= 1) {
    const inter = intersectionSize(aTokens, b.tokens);
    if (inter >= rules.minJaccard * (aTokens.length + b.tokens.size - inter) - EPSILON) return true;
  }
  const minLength = editMinLength(rules);
  return rules.maxEdits > 0 && a.length >= minLength && b.title.length >= minLength && withinEdits(a, b.title, rules.maxEdits);
}

/**
 * The edit rule applies to titles of at least `minEditLength` and at least 2k + 2 characters: k edits
 * destroy at most 2k of a title's bigrams, so such titles still share one, which the index relies on.
 */
function editMinLength(rules: DuplicateRules): number {
  return Math.max(rules.minEditLength, 2 * rules.maxEdits + 2);
}

interface Entry {
  id: string;
  title: string;
  tokens: Set<number>;
  numbers: string;
}

interface Bucket {
  exact: Map<string, string[]>;
  byToken: Map<number, Entry[]>;
}

/**
 * An index of titles by agency that answers, for each new title, which earlier ones it likely
 * duplicates (see `likelyDuplicateTitles`). Pure and in memory, a few hundred bytes per title.
 *
 * @example
 * const index = new DuplicateIndex();
 * index.add('B552895', '15000000', '농림수산식품교육문화정보원_기관조사가격서비스', '농림수산식품교육문화정보원'); // []
 * index.add('B552895', 'row 9', '기관 조사 가격 서비스', '농림수산식품교육문화정보원'); // ['15000000']
 */
export class DuplicateIndex {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rules: DuplicateRules;
  private count = 0;

  constructor(rules: Partial<DuplicateRules> = {}) {
    this.rules = { ...DEFAULT_DUPLICATE_RULES, ...rules };
  }

  /** Add a title; returns the ids of titles added before under the same agency that it likely duplicates. */
  add(agencyKey: string, id: string, title: string, agencyName?: string): string[] {
    this.count++;
    const norm = normaliseTitle(title, agencyName);
    const digits = numbers(norm);
    // Titles with different numbers are never duplicates, so they need not meet: block by agency and numbers.
    const blockKey = `${agencyKey}\u0000${digits}`;
    let bucket = this.buckets.get(blockKey);
    if (!bucket) this.buckets.set(blockKey, (bucket = { exact: new Map(), byToken: new Map() }));
    const key = norm === '' ? `\u0000${title.trim()}` : norm;
    const found = new Set<string>(bucket.exact.get(key) ?? []);

    if (norm !== '' && (this.rules.minJaccard <= 1 || this.rules.maxEdits > 0)) {
      const ordered = orderedTokens(norm);
      const prefix = ordered.slice(0, this.prefixLength(ordered.length));
      const checked = new Set<Entry>();
      for (const token of prefix) {
        for (const entry of bucket.byToken.get(token) ?? []) {
          if (checked.has(entry) || found.has(entry.id)) continue;
          checked.add(entry);
          if (similar(norm, ordered, digits, entry, this.rules)) found.add(entry.id);
        }
      }
      const entry: Entry = { id, title: norm, tokens: new Set(ordered), numbers: digits };
      for (const token of prefix) {
        const list = bucket.byToken.get(token);
        if (list) list.push(entry);
        else bucket.byToken.set(token, [entry]);
      }
    }
    const same = bucket.exact.get(key);
    if (same) same.push(id);
    else bucket.exact.set(key, [id]);
    found.delete(id);
    return [...found];
  }

  /** How many titles have been added. */
  get size(): number {
    return this.count;
  }

  /**
   * How many of a title's tokens (in the global order) must be indexed and probed so that any pair
   * passing a test shares one (prefix filtering): Jaccard ≥ j means an overlap of at least
   * ⌈j · max(|A|, |B|)⌉ tokens, so a prefix of |A| − ⌈j · |A|⌉ + 1; k edits destroy at most 2k
   * bigrams, so a prefix of 2k + 1.
   */
  private prefixLength(size: number): number {
    const byJaccard = this.rules.minJaccard <= 1 ? size - Math.ceil(this.rules.minJaccard * size - EPSILON) + 1 : 0;
    const byEdits = this.rules.maxEdits > 0 ? 2 * this.rules.maxEdits + 1 : 0;
    return Math.min(size, Math.max(1, byJaccard, byEdits));
  }
}

/** The distinct character bigrams of a string, as numbers (a one-character string is its own token). */
function tokens(text: string): number[] {
  if (text.length === 1) return [text.charCodeAt(0)];
  const out = new Set<number>();
  for (let i = 0; i + 1 < text.length; i++) out.add(text.charCodeAt(i) * 0x10000 + text.charCodeAt(i + 1));
  return [...out];
}

/** Tokens in a fixed global order (by a hash, so that common bigrams are not always first). */
function orderedTokens(text: string): number[] {
  return tokens(text).sort((a, b) => mix(a) - mix(b) || a - b);
}

function mix(x: number): number {
  let h = Math.imul((x ^ (x / 0x100000000)) >>> 0, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  h ^= h >>> 13;
  return h >>> 0;
}

function intersectionSize(items: number[], set: Set<number>): number {
  let n = 0;
  for (const item of items) if (set.has(item)) n++;
  return n;
}

/** The numbers in a title (any script: 2022, ２０２２, Ⅱ, ①), which must agree for titles to be near-identical. */
function numbers(text: string): string {
  return (text.match(/\p{N}+/gu) ?? []).join(',');
}

/**
 * Whether the edit distance between two strings is at most `k` (Ukkonen's band: O(k · n)).
 *
 * @example withinEdits('정류장', '정류소', 1) // true
 */
export function withinEdits(a: string, b: string, k: number): boolean {
  if (Math.abs(a.length - b.length) > k) return false;
  if (a === b) return true;
  const n = a.length;
  const m = b.length;
  const INF = k + 1;
  let prev = new Array<number>(m + 1).fill(INF);
  for (let j = 0; j <= Math.min(m, k); j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    const cur = new Array<number>(m + 1).fill(INF);
    if (i <= k) cur[0] = i;
    let best = cur[0]!;
    const from = Math.max(1, i - k);
    const to = Math.min(m, i + k);
    for (let j = from; j <= to; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j - 1]! + cost, prev[j]! + 1, cur[j - 1]! + 1, INF);
      if (cur[j]! < best) best = cur[j]!;
    }
    if (best > k) return false;
    prev = cur;
  }
  return prev[m]! <= k;
}
