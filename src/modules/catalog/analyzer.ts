/**
 * The data map's text analyzer: a pure engine (no I/O) that turns catalog entries and search queries
 * into index terms, so that neither SQLite nor PostgreSQL ever has to tokenise Korean itself.
 *
 * One token stream serves both engines: `toFtsText(terms)` is stored in an FTS5 column created with
 * `tokenize = "unicode61 remove_diacritics 0"` and in a PostgreSQL `tsvector` built with
 * `to_tsvector('simple', …)`; a search is `ftsMatchQuery(terms)` on FTS5 and `to_tsquery('simple',
 * tsQuery(terms))` on PostgreSQL. Every term is made of letters and ASCII digits only, so both
 * parsers keep it whole and unchanged, and both engines find the same rows. See docs/search-analyzer.md.
 *
 * In short: Hangul words give character bigrams (교통사고 → 교통 통사 사고), a word-initial syllable,
 * and bigrams across a space (교통 사고 → also 통사), so spacing and compound parts do not matter;
 * queries drop trailing particles and endings (교통사고를 → 교통사고); Latin words are lower-cased and
 * lightly stemmed (accidents → accident). A document matches when it holds every query term.
 *
 * @example
 * const doc = analyzeDocument({ title: '도로교통공단_사망 교통사고 정보' });
 * const q = analyzeQuery('교통사고를');          // terms: ['교통', '통사', '사고']
 * matches(q.terms, doc);                           // true
 * ftsMatchQuery(q.terms);                          // '"교통" AND "통사" AND "사고"'
 * tsQuery(q.terms);                                // "'교통' & '통사' & '사고'"
 */

/** Index terms of one entry, per field, so a search can weight the title above the rest. */
export type AnalyzedDocument = { title: string[]; body: string[] };

/** A query's terms (unique, in order) and its normalised words (for highlighting and display). */
export type AnalyzedQuery = { terms: string[]; words: string[] };

/** Fields of an entry that are searched; `description` and `keywords` form the body. */
export type DocumentFields = { title: string; description?: string; keywords?: readonly string[] };

// ---------------------------------------------------------------------------------------------
// Normalisation and runs

/** Latin (and other alphabetic) words longer than this are cut, well under PostgreSQL's 2047-byte limit. */
const MAX_WORD_LENGTH = 64;

const HANGUL_SYLLABLE = /^[\uAC00-\uD7A3]$/;
const CJK = /^(?=\p{L})[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u;
const LETTER = /^\p{L}$/u;
const DIGIT = /^[0-9]$/;
const SPACE = /^\s$/u;
/** Middle dots (시·도, 읍ㆍ면ㆍ동) join words like a space does. ㆍ becomes U+119E under NFKC. */
const MIDDLE_DOTS = /[\u00B7\u2027\u2219\u30FB\uFF65\u318D\u119E]/g;

type RunKind = 'hangul' | 'cjk' | 'alpha' | 'digit';
/** A run of characters of one kind; `spaced` when only whitespace separates it from the previous run. */
type Run = { kind: RunKind; text: string; spaced: boolean };

/**
 * NFKC (composes Hangul, folds full-width forms and ㈜-like symbols), lower case, no diacritics.
 *
 * @example normalize('ＣＣＴＶ\u3000설치') // 'cctv 설치'
 */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(MIDDLE_DOTS, ' ')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .normalize('NFC')
    .replace(/(\p{L})['’]s(?![\p{L}\p{N}])/gu, '$1') // possessive: driver's → driver
    .replace(/(\p{L})['’](\p{L})/gu, '$1$2'); // don't → dont
}

function kindOf(ch: string): RunKind | 'space' | 'other' {
  if (HANGUL_SYLLABLE.test(ch)) return 'hangul';
  if (CJK.test(ch)) return 'cjk';
  if (DIGIT.test(ch)) return 'digit';
  if (LETTER.test(ch)) return 'alpha';
  if (SPACE.test(ch)) return 'space';
  return 'other';
}

/** Splits normalised text into runs of Hangul, CJK, letters and digits; everything else separates. */
function runs(normalized: string): Run[] {
  const out: Run[] = [];
  let current: Run | undefined;
  let gap: 'none' | 'space' | 'other' = 'other';
  for (const ch of normalized) {
    const kind = kindOf(ch);
    if (kind === 'space' || kind === 'other') {
      current = undefined;
      if (kind === 'other') gap = 'other';
      else if (gap === 'none') gap = 'space';
      continue;
    }
    if (current && current.kind === kind) {
      current.text += ch;
      continue;
    }
    current = { kind, text: ch, spaced: gap === 'space' };
    out.push(current);
    gap = 'none';
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Korean: particles, endings, stopwords

/**
 * Trailing particles (조사) and verb endings a query word loses: 교통사고를 → 교통사고. Stripped at most
 * twice (학생들을 → 학생들 → 학생), never below two syllables, never from a word in `KEEP_ENDINGS`.
 * 도 and 만 are not listed: 경기도, 시도, 지도, 미만, 항만 are far commoner in searches than the particles.
 */
const SUFFIXES = [
  ...['을', '를', '은', '는', '이', '가', '의', '에', '와', '과', '로', '으로', '에서', '에게', '께서', '한테', '까지', '부터'],
  ...['보다', '처럼', '마다', '이나', '이며', '이란', '라는', '이라는', '들', '에는', '에도', '에서는', '에서도', '에서의', '으로는'],
  ...['으로의', '로는', '로의', '와의', '과의', '에의', '까지의', '부터의', '이다', '입니다', '이고'],
  ...['하는', '하기', '하고', '하여', '해서', '했다', '한다', '합니다', '했던', '되는', '된다', '됩니다', '되어'],
].sort((a, b) => b.length - a.length);

/**
 * Nouns ending in a particle-like syllable that often end a compound (개별공시지가, 고속도로, 조사결과);
 * a word ending in one of them keeps its ending. Nouns that are themselves the end of a common word
 * plus a particle are left out (회의: 사회의; 정의: 행정의; 시가: 서울시가; 고로: 사고로).
 */
const KEEP_ENDINGS = [
  // -가
  ...['국가', '평가', '지가', '허가', '물가', '증가', '단가', '추가', '참가', '휴가', '전문가', '판매가', '거래가', '매매가'],
  ...['분양가', '농가', '상가', '공시가', '예술가', '건축가', '사업가'],
  // -이
  ...['어린이', '높이', '길이', '넓이', '깊이', '놀이', '고양이', '먹이', '종이', '맞이', '나들이'],
  // -의
  ...['협의', '합의', '논의', '결의', '질의', '창의'],
  // -로
  ...['도로', '경로', '항로', '통로', '선로', '진로', '철로', '차로', '근로', '육로', '산책로', '등산로', '탐방로', '원자로'],
  ...['용광로', '활주로', '하수로', '배수로'],
  // -과
  ...['결과', '효과', '성과', '학과', '초과', '부과', '교과', '외과', '내과', '치과'],
  // others
  ...['마을', '가을', '노을', '기와'],
];

/** Words that carry no meaning for search, in documents and queries alike (whole words only). */
const STOPWORDS = new Set([
  ...['및', '등', '또는', '그리고', '관련', '대한', '관한', '위한', '따른', '통한', '의한', '있는', '하는', '각종'],
  ...['a', 'an', 'the', 'of', 'and', 'or', 'for', 'in', 'on', 'to', 'by', 'with', 'from', 'at', 'as', 'is', 'are'],
]);

/**
 * Removes trailing particles and endings from a Hangul word (see `SUFFIXES`).
 *
 * @example stripEnding('교통사고를') // '교통사고'
 * @example stripEnding('고속도로') // '고속도로' (ends in 도로, a noun)
 */
export function stripEnding(word: string): string {
  let current = word;
  for (let round = 0; round < 2; round++) {
    if (KEEP_ENDINGS.some((keep) => current.endsWith(keep))) break;
    const suffix = SUFFIXES.find((s) => current.endsWith(s) && current.length - s.length >= 2);
    if (suffix === undefined) break;
    current = current.slice(0, -suffix.length);
  }
  return current;
}

function bigrams(word: string): string[] {
  const chars = Array.from(word);
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

function firstChar(word: string): string {
  return Array.from(word)[0]!;
}

function lastChar(word: string): string {
  const chars = Array.from(word);
  return chars[chars.length - 1]!;
}

// ---------------------------------------------------------------------------------------------
// Latin: a light stemmer

/**
 * Plural to singular, nothing more (no -ing/-ed: building, need, red would suffer).
 *
 * @example stem('accidents') // 'accident'
 * @example stem('cities') // 'city'
 * @example stem('status') // 'status'
 */
export function stem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  if (word.endsWith('ies') && word.length > 4) return word.slice(0, -3) + 'y';
  if (/(?:ss|ch|sh|x|z)es$/.test(word)) return word.slice(0, -2);
  if (/(?:ss|us|is)$/.test(word)) return word;
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

function alphaTerm(text: string): string | undefined {
  if (STOPWORDS.has(text)) return undefined;
  return stem(Array.from(text).slice(0, MAX_WORD_LENGTH).join(''));
}

// ---------------------------------------------------------------------------------------------
// Documents and queries

/**
 * Index terms of one text, in order, with repeats (repeats count as term frequency):
 * - a Hangul word gives its first syllable and every bigram of its syllables: 응급실 → 응 응급 급실;
 * - a Hangul word that follows another after only whitespace (or a middle dot) also gives the bigram
 *   across the gap, from the previous word as written and without its particle: 교통을 사고 → 을사 통사;
 * - a run of Han or kana gives its first character and its bigrams;
 * - letters and digits are separate words: PM2.5 → pm 2 5; letters are stemmed: accidents → accident.
 * Stopwords (및, 등, the, of …) give nothing and break the join across a space.
 *
 * @example analyzeText('교통 사고') // ['교', '교통', '사', '사고', '통사']
 */
export function analyzeText(text: string): string[] {
  const out: string[] = [];
  let previousHangul: string | undefined;
  for (const run of runs(normalize(text))) {
    if (run.kind !== 'hangul') {
      previousHangul = undefined;
      if (run.kind === 'cjk') out.push(firstChar(run.text), ...bigrams(run.text));
      else {
        const term = run.kind === 'digit' ? run.text.slice(0, MAX_WORD_LENGTH) : alphaTerm(run.text);
        if (term !== undefined) out.push(term);
      }
      continue;
    }
    const word = run.text;
    if (STOPWORDS.has(word) || STOPWORDS.has(stripEnding(word))) {
      previousHangul = undefined;
      continue;
    }
    out.push(firstChar(word), ...bigrams(word));
    if (previousHangul !== undefined && run.spaced) {
      const head = firstChar(word);
      out.push(lastChar(previousHangul) + head);
      const stripped = stripEnding(previousHangul);
      if (stripped !== previousHangul) out.push(lastChar(stripped) + head);
    }
    previousHangul = word;
  }
  return out;
}

/**
 * Index terms of a catalog entry: the title apart, description and keywords together as the body.
 *
 * @example analyzeDocument({ title: '서울특별시_응급실 위치 정보' }).title
 * // ['서', '서울', '울특', '특별', '별시', '응', '응급', '급실', '위', '위치', '실위', '정', '정보', '치정']
 */
export function analyzeDocument(fields: DocumentFields): AnalyzedDocument {
  const body = [fields.description ?? '', ...(fields.keywords ?? [])].flatMap((text) => analyzeText(text));
  return { title: analyzeText(fields.title), body };
}

/**
 * Query terms: each Hangul word loses its particle or ending, then gives its bigrams; no bigrams across
 * spaces, so 교통 사고 finds 교통사고 and, because documents index the bigram across a space, 교통사고
 * finds 교통 사고. A one-syllable word next to another Hangul word (across a space) gives the bigram
 * across that space instead (서울 시 → 서울 울시, so it finds 서울시; 시 교통 → 시교 교통); alone, it
 * gives itself, and matches words that begin with it (쌀 finds 쌀 생산량).
 * Latin words and digits as in documents. Terms are unique; an empty list means "nothing to search".
 *
 * @example analyzeQuery('교통사고를').terms // ['교통', '통사', '사고']
 * @example analyzeQuery('CCTV 설치').terms // ['cctv', '설치']
 */
export function analyzeQuery(query: string): AnalyzedQuery {
  const terms = new Set<string>();
  const words: string[] = [];
  const all = runs(normalize(query));
  const isWord = (run: Run | undefined) => run?.kind === 'hangul' && !STOPWORDS.has(run.text) && !STOPWORDS.has(stripEnding(run.text));
  all.forEach((run, i) => {
    if (run.kind === 'hangul') {
      if (!isWord(run)) return;
      const word = stripEnding(run.text);
      words.push(word);
      if (word.length > 1) for (const term of bigrams(word)) terms.add(term);
      else {
        const before = all[i - 1];
        const after = all[i + 1];
        if (run.spaced && isWord(before)) terms.add(lastChar(stripEnding(before!.text)) + word);
        else if (after?.spaced && isWord(after)) terms.add(word + firstChar(after.text));
        else terms.add(word);
      }
    } else if (run.kind === 'cjk') {
      words.push(run.text);
      for (const term of Array.from(run.text).length === 1 ? [run.text] : bigrams(run.text)) terms.add(term);
    } else {
      const term = run.kind === 'digit' ? run.text.slice(0, MAX_WORD_LENGTH) : alphaTerm(run.text);
      if (term === undefined) return;
      words.push(term);
      terms.add(term);
    }
  });
  return { terms: [...terms], words };
}

// ---------------------------------------------------------------------------------------------
// The matching rule and the two engines' syntax

/**
 * The matching rule: a document matches when every query term is among its title or body terms
 * (AND). An empty query matches nothing. FTS5 `MATCH` and PostgreSQL `@@` implement the same rule.
 */
export function matches(queryTerms: readonly string[], doc: AnalyzedDocument): boolean {
  if (queryTerms.length === 0) return false;
  const present = new Set([...doc.title, ...doc.body]);
  return queryTerms.every((term) => present.has(term));
}

const SAFE_TERM = /^[\p{L}0-9]+$/u;

function checked(terms: readonly string[]): readonly string[] {
  for (const term of terms) {
    if (!SAFE_TERM.test(term)) throw new Error(`not an analyzer term: ${JSON.stringify(term)}`);
  }
  return terms;
}

/**
 * The text to store: terms joined by single spaces. Terms hold only letters and ASCII digits, so the
 * FTS5 `unicode61` tokenizer and PostgreSQL's parser under `to_tsvector('simple', …)` both read back
 * exactly these terms. Throws on anything that is not an analyzer term.
 *
 * @example toFtsText(['교통', 'cctv']) // '교통 cctv'
 */
export function toFtsText(terms: readonly string[]): string {
  return checked(terms).join(' ');
}

/**
 * The FTS5 `MATCH` expression: every term quoted, joined by AND. `null` for no terms (search nothing).
 *
 * @example ftsMatchQuery(['교통', 'cctv']) // '"교통" AND "cctv"'
 */
export function ftsMatchQuery(terms: readonly string[]): string | null {
  if (terms.length === 0) return null;
  return checked(terms)
    .map((term) => `"${term}"`)
    .join(' AND ');
}

/**
 * The PostgreSQL tsquery text for `to_tsquery('simple', $1)`: every term quoted, joined by `&`.
 * `null` for no terms (search nothing).
 *
 * @example tsQuery(['교통', 'cctv']) // "'교통' & 'cctv'"
 */
export function tsQuery(terms: readonly string[]): string | null {
  if (terms.length === 0) return null;
  return checked(terms)
    .map((term) => `'${term}'`)
    .join(' & ');
}

// ---------------------------------------------------------------------------------------------
// Ranking: a reference BM25 with a weighted title, as FTS5's bm25() computes it

/** The title counts this many times a body occurrence (FTS5: `bm25(t, 4.0, 1.0)`; PostgreSQL: weight A vs D). */
export const TITLE_WEIGHT = 4;
/** BM25's term-frequency saturation and length normalisation, FTS5's constants. */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

export type CorpusStats = {
  /** Number of documents. */
  docCount: number;
  /** Mean number of terms per document, title and body together. */
  avgLength: number;
  /** Number of documents holding each term (in title or body). */
  docFreq: ReadonlyMap<string, number>;
};

export type Bm25Options = { k1?: number; b?: number; titleWeight?: number; bodyWeight?: number };

/** Corpus statistics for `bm25`, from analysed documents (a database keeps these in its index). */
export function corpusStats(docs: readonly AnalyzedDocument[]): CorpusStats {
  const docFreq = new Map<string, number>();
  let total = 0;
  for (const doc of docs) {
    total += doc.title.length + doc.body.length;
    for (const term of new Set([...doc.title, ...doc.body])) docFreq.set(term, (docFreq.get(term) ?? 0) + 1);
  }
  return { docCount: docs.length, avgLength: docs.length === 0 ? 0 : total / docs.length, docFreq };
}

/**
 * BM25 as SQLite FTS5's `bm25()` computes it, positive (higher is better): per query term,
 * idf = ln((N − n + 0.5) / (n + 0.5)) (at least 1e-6), f = titleWeight·tf(title) + bodyWeight·tf(body),
 * score += idf · f·(k1 + 1) / (f + k1·(1 − b + b·|doc| / avgLength)). Defaults k1 = 1.2, b = 0.75.
 *
 * @example
 * const docs = [analyzeDocument({ title: '응급실 위치' }), analyzeDocument({ title: '주유소' })];
 * bm25(analyzeQuery('응급실').terms, docs[0]!, corpusStats(docs)) > 0 // true
 */
export function bm25(queryTerms: readonly string[], doc: AnalyzedDocument, stats: CorpusStats, options: Bm25Options = {}): number {
  const terms = [...new Set(queryTerms)];
  const counts = terms.map((term) => ({ title: count(doc.title, term), body: count(doc.body, term) }));
  return bm25FromCounts(terms, counts, doc.title.length + doc.body.length, stats, options);
}

/**
 * BM25's inverse document frequency of each term, as FTS5 computes it: ln((N − n + 0.5) / (n + 0.5)), at least 1e-6.
 *
 * @example bm25Idf(['응급'], { docCount: 2, avgLength: 5, docFreq: new Map([['응급', 1]]) }) // [1e-6]
 */
export function bm25Idf(terms: readonly string[], stats: CorpusStats): number[] {
  return terms.map((term) => {
    const n = stats.docFreq.get(term) ?? 0;
    return Math.max(Math.log((stats.docCount - n + 0.5) / (n + 0.5)), 1e-6);
  });
}

/**
 * `bm25` from what a database can count without handing the document over: for each distinct
 * query term (in `terms`' order) its occurrences in the title and the body, and the document's length in terms.
 *
 * @example
 * bm25FromCounts(['응급'], [{ title: 1, body: 0 }], 5, { docCount: 2, avgLength: 5, docFreq: new Map([['응급', 1]]) }) > 0 // true
 */
export function bm25FromCounts(
  terms: readonly string[],
  counts: ReadonlyArray<{ title: number; body: number }>,
  length: number,
  stats: CorpusStats,
  options: Bm25Options = {},
): number {
  const { k1 = BM25_K1, b = BM25_B, titleWeight = TITLE_WEIGHT, bodyWeight = 1 } = options;
  const norm = k1 * (1 - b + (b * length) / (stats.avgLength || 1));
  const idfs = bm25Idf(terms, stats);
  let score = 0;
  terms.forEach((_, i) => {
    const idf = idfs[i]!;
    const f = titleWeight * (counts[i]?.title ?? 0) + bodyWeight * (counts[i]?.body ?? 0);
    if (f > 0) score += (idf * f * (k1 + 1)) / (f + norm);
  });
  return score;
}

function count(terms: readonly string[], term: string): number {
  let n = 0;
  for (const t of terms) if (t === term) n++;
  return n;
}
