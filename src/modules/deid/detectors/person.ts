/**
 * PERSON detection: Korean names (홍길동, 남궁민수, 박 과장, 최○○), romanised Korean names (Kim Min-ji)
 * and Latin-script names with a title (Mr. John Smith).
 *
 * A Korean candidate is a surname (SURNAMES_1/2) plus a given name of one or two syllables at the
 * start of a Hangul word, with nothing or only a particle or a title after it inside the word
 * (홍길동이, 홍길동에게, 홍길동님, 봉준호감독): the span is the name alone. Whether it is a name depends
 * on the given-name syllable statistics (names.ts) and on context:
 * - a cue (성명:, 환자, 배우 … before; 씨, 님, 고객님, 과장 … after; an age in parentheses) accepts
 *   any plausible given name, two syllables (이준 씨) included;
 * - a list (홍길동, 김철수, 이영희) or a table cell accepts names of fair plausibility;
 * - without a cue only a three-syllable name whose given syllables are both common is taken.
 * Words in the stop list (이상, 정도, 고객님 …) are never names, and a name whose first two syllables
 * form a stop word (이상한) needs a cue.
 *
 * Decisions: a masked name (최○○, 김OO, 홍**) is reported as PERSON with score 0.5 (the surname is
 * still a quasi-identifier, and a redactor should replace the whole mention uniformly); 김 모씨 / 김모
 *씨 likewise reports 김 모 / 김모 (score 0.5). A lone surname with a job title after a space (박 과장)
 * reports the surname (score 0.6); 이 only before office ranks, since 이 선생님 usually means "this
 * teacher".
 */
import type { Entity } from '../entities.js';
import { type DigitRuns, digitRuns } from './digit-runs.js';
import { HANGUL_FIRST, hasFinalConsonant, isHangulCode, isParticle } from './korean/hangul.js';
import { placeLevel } from './korean/places-index.js';
import {
  COMMON_GIVEN_NAMES,
  COMMON_SURNAME_COUNT,
  CUES_BEFORE,
  GIVEN_B,
  GIVEN_FIRST_A,
  GIVEN_NEVER,
  GLUED_AFTER_KNOWN_NAME,
  GIVEN_SECOND_A,
  LEE_TITLES,
  MASK_CHARS,
  PERSON_NOUNS_AFTER,
  STOP_WORDS,
  SURNAMES_1,
  SURNAMES_2,
  SURNAME_TITLES,
  TITLES_AFTER,
  VERBAL_GIVEN_NAMES,
  WORD_SUFFIXES,
} from './korean/names.js';

// ---------------------------------------------------------------------------------------------
// Tables compiled once into typed arrays indexed by syllable (code - 0xAC00) for speed.

const SYLLABLES = 0xd7a3 - HANGUL_FIRST + 1;

/** Surname weight per syllable: 1 common, 0.7 rare, 0 none. */
const SURNAME_WEIGHT = new Float32Array(SYLLABLES);
[...SURNAMES_1].forEach((s, i) => (SURNAME_WEIGHT[s.charCodeAt(0) - HANGUL_FIRST] = i < COMMON_SURNAME_COUNT ? 1 : 0.7));
/** First syllables of two-syllable surnames, to try them first. */
const COMPOUND_SURNAMES: ReadonlySet<string> = new Set(SURNAMES_2);
const COMPOUND_FIRST = new Uint8Array(SYLLABLES);
for (const s of SURNAMES_2) COMPOUND_FIRST[s.charCodeAt(0) - HANGUL_FIRST] = 1;

/** Weight of a syllable not listed anywhere: possible in a name, but not evidence of one. */
const UNLISTED = 0.25;

function syllableTable(a: string, b: string, weak: string): Float32Array {
  const t = new Float32Array(SYLLABLES).fill(UNLISTED);
  for (const s of b) t[s.charCodeAt(0) - HANGUL_FIRST] = 0.6;
  for (const s of GIVEN_NEVER) t[s.charCodeAt(0) - HANGUL_FIRST] = 0;
  for (const s of a) t[s.charCodeAt(0) - HANGUL_FIRST] = 1;
  for (const s of weak) t[s.charCodeAt(0) - HANGUL_FIRST] = 0.1;
  return t;
}
const GIVEN_FIRST = syllableTable(GIVEN_FIRST_A, GIVEN_B, '');
// A word ending in 하/한/할/해/히 is far more often an adjective or verb (진부하, 강렬한) than a name.
const GIVEN_SECOND = syllableTable(GIVEN_SECOND_A, GIVEN_B, '하한할해히');
/** Given names common enough to be taken without any cue. */
const KNOWN_GIVEN: ReadonlySet<string> = new Set(COMMON_GIVEN_NAMES.split(' ').filter((n) => n.length === 2));

const STOP: ReadonlySet<string> = new Set(STOP_WORDS.split(' ').filter(Boolean));
const VERBAL_GIVEN: ReadonlySet<string> = new Set(VERBAL_GIVEN_NAMES.split(' '));
const WORD_SUFFIX: ReadonlySet<string> = new Set(WORD_SUFFIXES.split(' '));
const CUE_BEFORE: ReadonlySet<string> = new Set(CUES_BEFORE);
const TITLE_AFTER: ReadonlySet<string> = new Set(TITLES_AFTER);
const NOUN_AFTER: ReadonlySet<string> = new Set(PERSON_NOUNS_AFTER);
const GLUED_AFTER_KNOWN: ReadonlySet<string> = new Set(GLUED_AFTER_KNOWN_NAME);
const SURNAME_TITLE: ReadonlySet<string> = new Set(SURNAME_TITLES);
const LEE_TITLE: ReadonlySet<string> = new Set(LEE_TITLES);
const MASKS: ReadonlySet<string> = new Set(MASK_CHARS);

const LEE = '이'.charCodeAt(0);
/** Single syllables that are also determiners before a title: 전 대표 (former), 현 회장 (current), 제 선배 (my). */
const NOT_LONE_SURNAMES = '전현구각총본모동제대소신두세한';

/** Titles that are short words on their own (인형, 원형, 반대측): never taken when glued to a name. */
const NOT_GLUED_TITLES: ReadonlySet<string> = new Set([
  '형',
  '측',
  '옹',
  '명의',
  '가족',
  '본인',
  '동생',
  '신부',
  '수녀',
  '이사',
  '여사',
  '사원',
  '조교',
  '코치',
]);
/** Cue words that introduce a form field (성명: 홍길동): strong enough for a two-syllable name. */
const LABEL_CUES: ReadonlySet<string> = new Set([
  '성명',
  '이름',
  '성함',
  '성명은',
  '이름은',
  '환자',
  '환자명',
  '고객',
  '고객명',
  '담당자',
  '신청인',
  '신청자',
  '민원인',
  '피해자',
  '작성자',
  '보호자',
  '의뢰인',
  '수취인',
  '수령인',
  '받는분',
  '예금주',
  '명의자',
  '계약자',
  '임대인',
  '임차인',
]);
const MO = '모'.charCodeAt(0);

// ---------------------------------------------------------------------------------------------
// Context

/** A title (씨, 고객님, 감독 …), possibly followed by a particle (씨가, 고객님께서). */
function isTitleWithParticle(word: string, glued = false): boolean {
  if (isTitle(word, glued)) return true;
  for (let cut = 1; cut <= 4 && cut < word.length; cut++) {
    if (isTitle(word.slice(0, word.length - cut), glued) && isParticle(word.slice(word.length - cut))) return true;
  }
  return false;
}

function isTitle(title: string, glued: boolean): boolean {
  return TITLE_AFTER.has(title) && !(glued && NOT_GLUED_TITLES.has(title));
}

/** Strip one trailing particle if what remains is in `set` (성명은 → 성명). */
function inSetWithParticle(word: string, set: ReadonlySet<string>): boolean {
  if (set.has(word)) return true;
  for (let cut = 1; cut <= 2 && cut < word.length; cut++) {
    if (set.has(word.slice(0, word.length - cut)) && isParticle(word.slice(word.length - cut))) return true;
  }
  return false;
}

/** The Hangul word starting at `i` (after at most one space), and where it ends. */
function nextWord(text: string, i: number): string {
  let j = i;
  if (text[j] === ' ') j++;
  let k = j;
  while (k < text.length && isHangulCode(text.charCodeAt(k))) k++;
  return text.slice(j, k);
}

/** The Hangul word before `i`, skipping spaces and a colon or dash between (성명: 홍길동). */
function previousWord(text: string, i: number): string {
  let j = i;
  let skipped = 0;
  while (j > 0 && skipped < 4 && isLabelGap(text.charCodeAt(j - 1))) {
    j--;
    skipped++;
  }
  let k = j;
  while (k > 0 && isHangulCode(text.charCodeAt(k - 1))) k--;
  return text.slice(k, j);
}

/** Whitespace, a colon or a dash between a label and its value (the class [\s:：\-–]). */
function isLabelGap(c: number): boolean {
  return (
    c === 32 ||
    c === 58 ||
    c === 0xff1a ||
    c === 45 ||
    c === 0x2013 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x3000 ||
    c === 0xfeff ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x1680
  );
}

const LIST_SEPARATORS = ',·、/;';

/** The nearest character before `i` that is not a space. */
function charBefore(text: string, i: number): string {
  let j = i - 1;
  while (j >= 0 && text[j] === ' ') j--;
  return j >= 0 ? text[j]! : '\n';
}

/** The nearest character at or after `i` that is not a space. */
function charAfter(text: string, i: number): string {
  let j = i;
  while (j < text.length && text[j] === ' ') j++;
  return j < text.length ? text[j]! : '\n';
}

function isCellEdge(c: string): boolean {
  return c === '\n' || c === '\r' || c === '|' || c === '\t';
}

/** How a word sits: in a list of names, alone in a table cell or line, or neither. */
function layout(text: string, start: number, end: number): 'list' | 'cell' | 'none' {
  const before = charBefore(text, start);
  const after = charAfter(text, end);
  if (LIST_SEPARATORS.includes(before) || LIST_SEPARATORS.includes(after)) return 'list';
  if (isCellEdge(before) && isCellEdge(after)) return 'cell';
  if (text[start - 1] === '\t' || text[end] === '\t') return 'cell';
  return 'none';
}

/** An age or sex in parentheses right after the name: 김민지(35), 홍길동(남, 42세). */
function hasAgeAfter(text: string, end: number): boolean {
  return text[end] === '(' && /^\((?:\d{1,3}(?:세|살)?[),]|남|여|만\s?\d)/.test(text.slice(end, end + 6));
}

/**
 * Whether the word sits in a field: after "label:" (받는 분: 홍길동) or at a line start before a
 * colon (홍길동: 기획팀, a chat speaker).
 */
function inField(text: string, start: number, end: number): boolean {
  if (charBefore(text, start) === ':' || charBefore(text, start) === '：') return true;
  const after = charAfter(text, end);
  const before = charBefore(text, start);
  return (after === ':' || after === '：') && (before === '\n' || before === '\r');
}

// ---------------------------------------------------------------------------------------------
// Candidates

interface Candidate {
  start: number;
  end: number;
  /** Plausibility from the syllables alone, in [0, 1]. */
  plausibility: number;
  /** 'strong' cue, list/cell layout, or none. */
  context: 'strong' | 'list' | 'cell' | 'none';
  /** Whether the name needs a cue whatever its plausibility (two syllables, stop-word prefix). */
  needsCue: boolean;
  /** Whether the given name is a common one (KNOWN_GIVEN) and the surname a common one. */
  known: boolean;
}

/** Score of a given name from its syllables; 0 if a syllable never occurs in names. */
function givenScore(text: string, start: number, length: number): number {
  const a = text.charCodeAt(start) - HANGUL_FIRST;
  if (length === 1) return Math.max(GIVEN_FIRST[a]!, GIVEN_SECOND[a]!);
  const b = text.charCodeAt(start + 1) - HANGUL_FIRST;
  return GIVEN_FIRST[a]! * GIVEN_SECOND[b]!;
}

/**
 * One way to read a word as surname + given name (+ particle or title), with everything that
 * depends on the word alone already checked; what the neighbourhood says is decided per occurrence.
 */
interface Reading {
  /** Surname and given-name lengths in syllables. */
  sl: number;
  gl: number;
  surnameWeight: number;
  given: number;
  known: boolean;
  /** A title is glued on (홍길동님, 봉준호감독). */
  titled: boolean;
  /** Nothing follows the name inside the word. */
  bare: boolean;
  /** What follows is 와/과/랑/이랑 (lists: 홍길동과 김철수). */
  conjunction: boolean;
  plausibility: number;
  needsCue: boolean;
}

const NO_READINGS: readonly Reading[] = [];

/**
 * Readings of words, memoised in a two-way set-associative cache keyed by a hash of the word's
 * code units: words repeat (Zipf) and most have no reading, so the common case is a hash over a
 * few syllables and one comparison in place, with no substring cut. A full set only evicts; the
 * cache holds nothing but what the pure function `wordReadings` returns, so results never depend
 * on what was seen before.
 */
const MEMO_BITS = 16;
const MEMO_WORDS: Array<string | undefined> = new Array<string | undefined>(1 << MEMO_BITS).fill(undefined);
const MEMO_READINGS: Array<readonly Reading[]> = new Array<readonly Reading[]>(1 << MEMO_BITS).fill(NO_READINGS);

function memoisedReadings(text: string, start: number, end: number): readonly Reading[] {
  let h = 0x811c9dc5;
  for (let k = start; k < end; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
  const first = (h >>> (32 - MEMO_BITS)) & ~1;
  for (let slot = first; slot <= first + 1; slot++) {
    const cached = MEMO_WORDS[slot];
    if (cached !== undefined && cached.length === end - start && text.startsWith(cached, start)) return MEMO_READINGS[slot]!;
  }
  const word = text.slice(start, end);
  const readings = wordReadings(word);
  // Fill the empty way of the set, else replace the way the low hash bit picks.
  const slot = MEMO_WORDS[first] === undefined ? first : MEMO_WORDS[first + 1] === undefined ? first + 1 : first + (h & 1);
  MEMO_WORDS[slot] = word;
  MEMO_READINGS[slot] = readings;
  return readings;
}

/**
 * Every reading of `word` that some context could accept, best first: a two-syllable surname
 * before a one-syllable one, a two-syllable given name before a one-syllable one.
 */
function wordReadings(word: string): readonly Reading[] {
  if (STOP.has(word) || placeLevel(word) > 0) return NO_READINGS;
  const first = word.charCodeAt(0) - HANGUL_FIRST;
  const surnameLengths = COMPOUND_FIRST[first] && COMPOUND_SURNAMES.has(word.slice(0, 2)) ? [2, 1] : [1];
  const readings: Reading[] = [];
  for (const sl of surnameLengths) {
    const surnameWeight = sl === 2 ? 1 : SURNAME_WEIGHT[first]!;
    if (surnameWeight === 0) continue;
    for (const gl of [2, 1]) {
      if (sl + gl > word.length) continue;
      const given = givenScore(word, sl, gl);
      if (given === 0) continue;
      const name = word.slice(0, sl + gl);
      if (STOP.has(name)) continue;
      const rest = word.slice(sl + gl);
      const known = gl === 2 && surnameWeight === 1 && given >= 0.2 && KNOWN_GIVEN.has(word.slice(sl, sl + 2));
      // 군/양 glued to a word are endings as often as titles (명작이군): only after a likely name.
      const titled = rest !== '' && isTitleWithParticle(rest, true) && !(/^[군양]/.test(rest) && given < 0.6);
      if (!titled && !isParticle(rest) && !(known && inSetWithParticle(rest, GLUED_AFTER_KNOWN))) continue;
      if (gl === 2 && VERBAL_GIVEN.has(word.slice(sl, sl + 2))) continue;
      // 진정한, 이상한, 최고인: a stop word with a particle or an adjectival ending, not a name.
      if (sl === 1 && gl === 2 && STOP.has(word.slice(0, 2)) && (isParticle(word.slice(2)) || WORD_SUFFIX.has(word.slice(2)))) continue;
      const plausibility = surnameWeight * given;
      // A two-syllable name (surname + one syllable) stands only on a firm cue and a common syllable.
      if (sl + gl === 2 && !(surnameWeight === 1 && given >= 1)) continue;
      // Not even a strong cue takes a name this implausible.
      if (plausibility < (sl + gl >= 3 ? 0.12 : 0.5)) continue;
      if (placeLevel(name) > 0) continue;
      // A one-syllable given name, or a name whose first two syllables are a word (이상한), needs a cue.
      const needsCue = gl === 1 || (STOP.has(word.slice(0, 2)) && !known);
      const conjunction = rest === '와' || rest === '과' || rest === '랑' || rest === '이랑';
      readings.push({ sl, gl, surnameWeight, given, known, titled, bare: rest === '', conjunction, plausibility, needsCue });
    }
  }
  return readings.length === 0 ? NO_READINGS : readings;
}

/**
 * The best name reading of the Hangul word [start, end), or null. Tries a two-syllable surname
 * first, and a two-syllable given name before a one-syllable one.
 */
function readName(text: string, start: number, end: number): Candidate | null {
  const readings = memoisedReadings(text, start, end);
  if (readings.length === 0) return null;
  let best: Candidate | null = null;
  // What the words around say is the same for every reading: worked out once, and only when needed.
  const spaceAfter = text.charCodeAt(end) === 32;
  let prev: string | undefined;
  let following: string | undefined;
  let titleNext: boolean | undefined;
  let topicalNext: boolean | undefined;
  let field: boolean | undefined;
  let placement: ReturnType<typeof layout> | undefined;
  for (const r of readings) {
    const nameEnd = start + r.sl + r.gl;
    let context: Candidate['context'] = 'none';
    /** A cue that vouches even for a two-syllable name: an honorific or job title, a form label, an age. */
    let firmCue = false;
    if (r.titled || hasAgeAfter(text, nameEnd)) {
      context = 'strong';
      firmCue = true;
    } else {
      // Only a bare name (nothing glued on) looks at the next word, and only across one space.
      const lookNext = r.bare && spaceAfter;
      if (lookNext && titleNext === undefined) {
        following = nextWord(text, end);
        titleNext = following !== '' && isTitleWithParticle(following);
      }
      prev ??= previousWord(text, start);
      // A form label vouches for a two-syllable name only with its colon (성명: 이준), not in running text (환자 문진).
      const labelled = prev !== '' && LABEL_CUES.has(prev) && (r.gl === 2 || (field ??= inField(text, start, end)));
      if ((lookNext && titleNext) || labelled) {
        context = 'strong';
        firmCue = true;
      } else if (
        (lookNext && (topicalNext ??= following !== '' && inSetWithParticle(following!, NOUN_AFTER))) ||
        (prev !== '' && CUE_BEFORE.has(prev))
      ) {
        // A topical cue (배우 …, … 연기) is weaker than a title: the name must look like one.
        if (r.plausibility >= 0.5 || r.known) context = 'strong';
      } else if (r.bare || r.conjunction) {
        placement ??= layout(text, start, end);
        if (placement !== 'none') context = placement;
        else if (r.bare && (field ??= inField(text, start, end))) context = 'cell';
      }
    }
    if (r.sl + r.gl === 2 && !firmCue) continue;
    const candidate: Candidate = { start, end: nameEnd, plausibility: r.plausibility, context, needsCue: r.needsCue, known: r.known };
    if (accept(candidate) && (!best || rank(candidate) > rank(best))) best = candidate;
  }
  return best;
}

function rank(c: Candidate): number {
  return (c.end - c.start) * 10 + c.plausibility;
}

/** Thresholds on plausibility per context (lists are judged again with their neighbours). */
function accept(c: Candidate): boolean {
  const length = c.end - c.start;
  switch (c.context) {
    case 'strong':
      return length >= 3 ? c.plausibility >= 0.12 : c.plausibility >= 0.5;
    case 'list':
    case 'cell':
      return !c.needsCue && (c.known || c.plausibility >= 0.36);
    case 'none':
      // Without a cue only a common given name: two syllables frequent in names (전해지, 기다린) are
      // as often a verb form, which measured on real reviews cost more precision than it won recall.
      return !c.needsCue && c.known;
  }
}

function score(c: Candidate): number {
  switch (c.context) {
    case 'strong':
      return 0.9;
    case 'list':
    case 'cell':
      return 0.75;
    case 'none':
      return 0.7;
  }
}

// ---------------------------------------------------------------------------------------------
// Latin script

const ROMAN_SURNAMES =
  'Kim|Lee|Yi|Rhee|Park|Pak|Choi|Choe|Jung|Jeong|Chung|Kang|Cho|Jo|Yoon|Yun|Jang|Chang|Lim|Im|Han|Oh|Seo|Suh|Shin|Kwon|Hwang|Ahn|Song|Ryu|Yoo|Yu|Jeon|Jun|Hong|Ko|Koh|Moon|Mun|Yang|Son|Sohn|Bae|Baek|Paik|Heo|Hur|Nam|Shim|Sim|Noh|Roh|Ha|Kwak|Sung|Seong|Cha|Joo|Ju|Woo|Koo|Ku|Min|Jin|Na|Ra|Ji|Um|Eom|Chae|Won|Chun|Cheon|Bang|Kong|Gong|Hyun|Ham|Byun|Yeom|Yeo|Choo|Chu|Seok|Suk|Seol|Gil|Yeon|Pyo|Myung|Ban|Wang|Keum|Yook|Maeng|Tak|Bong|Namgung|Jegal|Hwangbo|Sunwoo|Dokgo|Sagong';
const ROMAN_SURNAME_ALT = `(?:${ROMAN_SURNAMES}|${ROMAN_SURNAMES.toUpperCase()})`;
/** A romanised given name with its hyphen (Min-ji, Gil-dong, Min-Ji). */
const ROMAN_GIVEN = '[A-Z][a-z]{1,5}-[A-Za-z][a-z]{1,5}';
const ROMANISED = new RegExp(`\\b(?:${ROMAN_SURNAME_ALT} ${ROMAN_GIVEN}|${ROMAN_GIVEN} ${ROMAN_SURNAME_ALT})\\b`, 'g');

/** A title and a capitalised name: Mr. John Smith, Dr Jane Doe, Prof. Lee. */
const TITLED_LATIN = /\b(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Madam|Mx)\.? ((?:[A-Z][a-z]+|[A-Z]\.)(?:[ -](?:[A-Z][a-z]+|[A-Z]\.)){0,2})\b/g;

/** A name after an English label: Name: John Smith, patient Jane Doe. */
const LABELLED_LATIN =
  /\b(?:[Nn]ame|[Pp]atient|[Cc]ustomer|[Cc]ontact|[Aa]pplicant|[Aa]uthor|[Ss]igned by|[Rr]ecipient)(?: is|:)? ?([A-Z][a-z]+(?: [A-Z][a-z]+){1,2})\b/g;

/** Latin-script names; the caller checks first that the text has a capitalised word (Kim, Mr, Name) at all. */
function latinNames(text: string, out: Entity[]): void {
  ROMANISED.lastIndex = 0;
  for (let m = ROMANISED.exec(text); m !== null; m = ROMANISED.exec(text))
    out.push({ type: 'PERSON', start: m.index, end: m.index + m[0].length, score: 0.8 });
  for (const [pattern, score] of [
    [TITLED_LATIN, 0.7],
    [LABELLED_LATIN, 0.65],
  ] as const) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const start = m.index + m[0].length - m[1]!.length;
      out.push({ type: 'PERSON', start, end: start + m[1]!.length, score });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Masked names and lone surnames

/** 최○○, 김OO, 홍**, 김모씨, 김 모 씨: surname + mask, or surname + 모 before 씨 or an age. */
function maskedOrLone(text: string, start: number, end: number, out: Entity[]): boolean {
  const code = text.charCodeAt(start);
  const weight = SURNAME_WEIGHT[code - HANGUL_FIRST]!;
  const compound = end - start >= 2 && COMPOUND_FIRST[code - HANGUL_FIRST] === 1 && COMPOUND_SURNAMES.has(text.slice(start, start + 2));
  const surnameLength = end - start === 2 && compound ? 2 : end - start === 1 ? 1 : 0;
  if (surnameLength === 0 && !(end - start === 2 && text.charCodeAt(start + 1) === MO && weight > 0)) return false;
  if (weight === 0 && !compound) return false;

  // 김모 씨, 김모씨(glued: the word is 김모씨, handled by the caller), 김 모씨, 김모(35)
  if (end - start === 2 && text.charCodeAt(start + 1) === MO) {
    const next = nextWord(text, end);
    if ((text[end] === ' ' && (next === '씨' || next.startsWith('씨'))) || hasAgeAfter(text, end)) {
      out.push({ type: 'PERSON', start, end, score: 0.5 });
      return true;
    }
    return false;
  }
  // Masked: 최○○ (the mask follows the surname directly).
  let m = end;
  while (m < text.length && m - end < 3 && MASKS.has(text[m]!)) m++;
  // After the mask: the end, punctuation, or a particle or title glued on (김OO씨, 최○○이).
  let after = m;
  while (after < text.length && isHangulCode(text.charCodeAt(after))) after++;
  const glued = text.slice(m, after);
  const cleanEnd = glued === '' || isParticle(glued) || isTitleWithParticle(glued);
  if (m > end && m - end <= 2 && cleanEnd && (m >= text.length || !/[A-Za-z0-9*○]/.test(text[m]!))) {
    if (m - end >= 2 || (m - end === 1 && text[m - 1] !== 'o' && text[m - 1] !== 'x')) {
      out.push({ type: 'PERSON', start, end: m, score: 0.5 });
      return true;
    }
  }
  if (text[end] !== ' ') return false;
  const next = nextWord(text, end);
  // 김 모씨, 김 모 씨
  if (next === '모씨' || next.startsWith('모씨') || (next === '모' && nextWord(text, end + 2) === '씨')) {
    out.push({ type: 'PERSON', start, end: end + 2, score: 0.5 });
    return true;
  }
  // 박 과장, 김 대리님, 이 과장이
  if (end - start !== 1 || NOT_LONE_SURNAMES.includes(text[start]!)) return false;
  for (let cut = 0; cut <= 3 && cut < next.length; cut++) {
    const title = next.slice(0, next.length - cut);
    const tail = next.slice(next.length - cut);
    if (title.endsWith('님') && SURNAME_TITLE.has(title.slice(0, -1)) && isParticle(tail)) {
      if (code === LEE && !LEE_TITLE.has(title.slice(0, -1))) return false;
      out.push({ type: 'PERSON', start, end, score: 0.6 });
      return true;
    }
    if (SURNAME_TITLE.has(title) && isParticle(tail)) {
      if (code === LEE && !LEE_TITLE.has(title)) return false;
      out.push({ type: 'PERSON', start, end, score: 0.6 });
      return true;
    }
  }
  return false;
}

/** First syllables of the titles a surname may be glued to, to skip the check for most words. */
const TITLE_FIRST = new Uint8Array(SYLLABLES);
for (const t of SURNAME_TITLES) TITLE_FIRST[t.charCodeAt(0) - HANGUL_FIRST] = 1;

/** A surname glued to a job title: 김과장님, 박부장이, 이감독님 (but not 이사장, a word). */
function gluedSurnameTitle(text: string, start: number, end: number): boolean {
  if (!TITLE_FIRST[text.charCodeAt(start + 1) - HANGUL_FIRST]) return false;
  const word = text.slice(start, end);
  if (STOP.has(word) || NOT_LONE_SURNAMES.includes(word[0]!)) return false;
  for (let len = 2; len <= 3 && 1 + len <= word.length; len++) {
    const title = word.slice(1, 1 + len);
    if (!SURNAME_TITLE.has(title) || title === '씨') continue;
    let rest = word.slice(1 + len);
    const honorific = rest.startsWith('님');
    if (honorific) rest = rest.slice(1);
    // Glued, only office ranks stand alone (김과장); other titles need 님 (이감독님), or 연기자 reads as 연 + 기자.
    if (!honorific && !LEE_TITLE.has(title)) continue;
    if (!isParticle(rest)) continue;
    if (STOP.has(word.slice(0, 1 + len))) return false;
    if (word.charCodeAt(0) === LEE && !LEE_TITLE.has(title) && title !== '감독') return false;
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------

/**
 * Find names of persons in a text (Korean, romanised Korean, Latin with a title or label).
 *
 * @example
 * detectPersons('담당자 홍길동에게 전화 주세요. 김민지 고객님, 박 과장도 왔습니다.')
 * // PERSON spans: 홍길동 (4–7), 김민지 (18–21), 박 (28–29)
 */
export function detectPersons(text: string, runs: DigitRuns = digitRuns(text)): Entity[] {
  const out: Entity[] = [];
  const maybeList: Candidate[] = [];
  const accepted: Candidate[] = [];
  const { starts, ends, count } = runs.words;
  for (let w = 0; w < count; w++) {
    const start = starts[w]!;
    const end = ends[w]!;
    const code = text.charCodeAt(start);
    // A word glued to a number (241,900원정은, 3번째) is a unit or a counter, never a name.
    if (start > 0 && isDigitCode(text.charCodeAt(start - 1))) continue;
    if (end - start === 3 && isVocative(text, start)) {
      out.push({ type: 'PERSON', start, end: start + 2, score: 0.75 });
      continue;
    }
    if (SURNAME_WEIGHT[code - HANGUL_FIRST] === 0 && !COMPOUND_FIRST[code - HANGUL_FIRST]) continue;
    if (end - start <= 2 && maskedOrLone(text, start, end, out)) continue;
    if (end - start === 3 && text.charCodeAt(start + 1) === MO && text.charCodeAt(start + 2) === '씨'.charCodeAt(0)) {
      out.push({ type: 'PERSON', start, end: start + 2, score: 0.5 });
      continue;
    }
    if (end - start < 2) continue;
    // Cheap rejections before any string is cut: a run too long to be a name plus a particle or
    // title, or whose second syllable never starts a given name.
    if (end - start > 10) continue;
    const second = text.charCodeAt(start + 1) - HANGUL_FIRST;
    if (GIVEN_FIRST[second] === 0 && !COMPOUND_FIRST[code - HANGUL_FIRST] && end - start > 3) continue;
    if (gluedSurnameTitle(text, start, end)) {
      out.push({ type: 'PERSON', start, end: start + 1, score: 0.6 });
      continue;
    }
    const c = readName(text, start, end);
    if (!c) continue;
    if (c.context === 'list' && !c.known) maybeList.push(c);
    else accepted.push(c);
  }
  // A weak name in a list stands if a neighbour in the same list is a name too.
  if (maybeList.length === 0) {
    for (const c of accepted) out.push({ type: 'PERSON', start: c.start, end: c.end, score: score(c) });
  } else {
    const all = [...accepted, ...maybeList].sort((a, b) => a.start - b.start);
    for (let k = 0; k < all.length; k++) {
      const c = all[k]!;
      if (!c.known && c.context === 'list' && !isNear(c, all[k - 1]) && !isNear(c, all[k + 1])) continue;
      out.push({ type: 'PERSON', start: c.start, end: c.end, score: score(c) });
    }
  }
  if (runs.capitalised) latinNames(text, out);
  return dedupe(out);
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

const VOCATIVE_A = '아'.charCodeAt(0);
const VOCATIVE_YA = '야'.charCodeAt(0);

/**
 * A common given name called out with the vocative particle: 지민아 (아 after a final consonant),
 * 지수야 (야 after a vowel). Friends and family address each other by
 * given name alone, so 성진아 is 성진 called, not a person surnamed 성 named 진아 — the particle
 * agreeing with the second syllable's final consonant is what tells them apart (김서아 cannot be a
 * vocative: 서 has none).
 */
function isVocative(text: string, start: number): boolean {
  const last = text.charCodeAt(start + 2);
  if (last !== VOCATIVE_A && last !== VOCATIVE_YA) return false;
  if (hasFinalConsonant(text.charCodeAt(start + 1)) !== (last === VOCATIVE_A)) return false;
  const given = text.slice(start, start + 2);
  return KNOWN_GIVEN.has(given) && !STOP.has(given);
}

/** Whether another candidate sits within a short distance (the next item of the same list). */
function isNear(c: Candidate, other: Candidate | undefined): boolean {
  return other !== undefined && Math.abs(other.start - c.start) <= 12;
}

/** Sort by start and drop spans overlapping an earlier, longer one. */
function dedupe(entities: Entity[]): Entity[] {
  entities.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Entity[] = [];
  for (const e of entities) {
    const last = out[out.length - 1];
    if (last && e.start < last.end) continue;
    out.push(e);
  }
  return out;
}
