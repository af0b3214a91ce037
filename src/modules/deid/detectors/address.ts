/**
 * ADDRESS detection for Korean text: road-name addresses (도로명주소: 시도 시군구 [읍면] 도로명 +
 * 건물번호 + details), lot-number addresses (지번주소: … 동/리 + 번지) and partial forms of both
 * (테헤란로 152, 역삼동 123-45). A span runs from the first place name to the last detail (동, 호, 층,
 * building name, a parenthesised 법정동), never over a trailing particle (…1203호로, …번지에서).
 *
 * What counts: an address needs a number (building or lot) unless it names places down to the
 * 읍면동/리 level with at least two administrative names (서울 강남구 역삼동). A lone city or
 * district (서울, 강남구), or a road without a number (테헤란로로 가세요), is not an address.
 *
 * Place names come from the 법정동 code table (korean/places.ts, generated); road names are not
 * listed anywhere we ship, so a road is recognised by its form (…로, …길, …대로, …로12길) followed by
 * a building number, and checked against common words that end the same way (도로, 지름길).
 */
import type { Entity } from '../entities.js';
import { type DigitRuns, digitRuns } from './digit-runs.js';
import { isHangulCode, isParticle } from './korean/hangul.js';
import { placeLevel } from './korean/places-index.js';

/** A road token (…로, …길, …대로, …로12길, …로 123번길) followed by a building number (123, 123-4, 지하 12). */
const ROAD_ANCHOR =
  /(?<![가-힣A-Za-z0-9])([가-힣][가-힣0-9.·]*(?:로|길)(?:[ \t]?\d{1,4}번?길)?)[ \t]?(지하[ \t]?)?(\d{1,5}(?:-\d{1,4})?)(?!\d|\.\d|-\d)/y;

/** A road token that is the front of a regional number plate: 2-syllable region, 2 digits, 로. */
const PLATE_LIKE_ROAD = /^(?:서울|부산|대구|인천|광주|대전|울산|세종|경기|강원|충북|충남|전북|전남|경북|경남|제주)\d{2}로$/;

/** A 동/리/가/읍/면 token followed by a lot number (123-45, 산12-3), optionally 번지. */
const LOT_ANCHOR =
  /(?<![가-힣A-Za-z0-9])([가-힣][가-힣0-9.]*(?:동|리|가|읍|면))[ \t]?(산[ \t]?)?(\d{1,5}(?:-\d{1,5})?)(?!\d|\.\d|-\d)([ \t]?번지)?/y;

/**
 * One detail after the building or lot number: 동, 호, 층, a building's name, a parenthesis. A
 * building is named by a word with a building suffix (…아파트, …빌라), by an apartment brand
 * written alone (자이, 더샵, e편한세상), or by any short word right before a 동 number (현대 107동).
 */
const DETAIL =
  /[ \t]*,?[ \t]*(?:지하[ \t]?\d{1,2}층|\d{1,3}층|[A-Za-z가-힣]?\d{1,4}동|제?\d{1,5}호|[가-힣A-Za-z0-9]{0,20}(?:아파트|빌라|빌딩|타워|맨션|오피스텔|상가|센터|하우스|캐슬|자이|푸르지오|래미안|힐스테이트|아이파크|더샵|e편한세상|수자인|쉐르빌|위브|주택|연립|원룸|레지던스|팰리스|프라자|플라자|스퀘어|타운|청사|회관|파크|몰|시티|밸리|캠퍼스|오피스|호텔|병원|IT센터)|[가-힣A-Za-z0-9]{1,12}(?=[ \t]?[A-Za-z가-힣]?\d{1,4}동(?![가-힣]))|\([^()\n]{1,40}\))/y;

/** A parenthesised detail names a 법정동 (읍 and 면 included) or a building: (역삼동), (역삼동, 래미안아파트), (옥산면, 주공). */
const PAREN_DETAIL =
  /^\([가-힣A-Za-z0-9 ,·.-]*(?:동|리|가|읍|면|아파트|빌라|빌딩|타워|맨션|오피스텔|센터|자이|푸르지오|래미안|힐스테이트)(?:[ ,)]|$)/;

/** Nouns ending in 로/길 that are not roads, even before a number (도로 3개, 지름길 2). */
const ROAD_STOP: ReadonlySet<string> = new Set([
  '도로',
  '경로',
  '진로',
  '통로',
  '항로',
  '미로',
  '활주로',
  '회로',
  '선로',
  '수로',
  '철로',
  '육로',
  '해로',
  '공로',
  '대로',
  '과로',
  '노로',
  '차로',
  '차선로',
  '우회로',
  '비상로',
  '탈출로',
  '출입로',
  '고속도로',
  '국도로',
  '지방도로',
  '산책로',
  '등산로',
  '자전거로',
  '보행로',
  '골목길',
  '산길',
  '지름길',
  '오솔길',
  '뒷길',
  '밤길',
  '눈길',
  '빗길',
  '귀갓길',
  '출근길',
  '퇴근길',
  '등굣길',
  '하굣길',
  '찻길',
  '갈림길',
  '외길',
  '한길',
  '들길',
  '비탈길',
  '물길',
  '뱃길',
  '하늘길',
  '꽃길',
  '흙길',
  '빙판길',
  '오르막길',
  '내리막길',
  '둘레길',
  '올레길',
  '산책길',
  '길',
  '로',
  '이로',
  '그로',
  '저로',
  '정도로',
  '별로',
  '실로',
  '새로',
  '홀로',
  '따로',
  '절로',
  '날로',
  '대대로',
  '마음대로',
  '제대로',
  '멋대로',
  '그대로',
  '이대로',
  '저대로',
  '맘대로',
  '순서대로',
  '차례로',
  '주로',
  '스스로',
  '서로',
  '실제로',
  '최종적으로',
  '추가로',
  '별도로',
  '앞으로',
  '뒤로',
  '위로',
  '아래로',
  '옆으로',
  '밖으로',
  '안으로',
  '쪽으로',
  '곳으로',
  '대체로',
  '무료로',
  '유료로',
  '현금으로',
  '카드로',
]);

/** Common words that are also 법정동 names: a lot anchor on them needs a place name before it. */
const LOT_AMBIGUOUS: ReadonlySet<string> = new Set([
  '이동',
  '행동',
  '중동',
  '신동',
  '정동',
  '본동',
  '수동',
  '자동',
  '공동',
  '노동',
  '감동',
  '변동',
  '활동',
  '작동',
  '출동',
  '충동',
  '가동',
  '운동',
  '연동',
  '발동',
  '진동',
  '반동',
  '난동',
  '폭동',
  '소동',
  '대동',
  '효자동',
  '구동',
  '시동',
  '상동',
  '하동',
  '평가',
  '국가',
  '추가',
  '증가',
  '참가',
  '인가',
  '대가',
  '전문가',
  '작가',
  '부가',
  '단가',
  '원가',
  '시가',
  '정가',
  '물가',
  '휴가',
  '도가',
  '누가',
  '내가',
  '제가',
  '네가',
  '우리',
  '거리',
  '관리',
  '처리',
  '정리',
  '요리',
  '수리',
  '무리',
  '유리',
  '소리',
  '머리',
  '자리',
  '다리',
  '사리',
  '이리',
  '저리',
  '그리',
  '미리',
  '일리',
  '원리',
  '논리',
  '심리',
  '진리',
  '권리',
  '대리',
  '경리',
  '총리',
  '비리',
  '의리',
  '조리',
  '면',
  '측면',
  '방면',
  '반면',
  '이면',
  '정면',
  '전면',
  '후면',
  '화면',
  '장면',
  '표면',
  '국면',
  '지면',
  '단면',
  '당면',
]);

/** Units written in Latin letters or symbols after a number (3km, 50%): a measure, not an address. */
const UNIT_START = /^(?:%|km|m(?![A-Za-z])|kg|cm|mm|㎡|㎞|평)/i;

/** Nouns that can end a road token as the particle 로 ("학교로", "서울로") rather than a road. */
function isPlausibleRoad(road: string): boolean {
  if (ROAD_STOP.has(road)) return false;
  if (road.endsWith('으로')) return false;
  if (road.endsWith('대로') || road.endsWith('길')) return road.length >= 2;
  const stem = road.slice(0, -1);
  if (stem.length < 1) return false;
  // 서울로, 강남구로, 역삼동으로: a place name with the particle 로, not a road.
  if (placeLevel(stem) > 0 && placeLevel(road) === 0) return false;
  return true;
}

/**
 * Spoken endings that follow an address in chats and transcripts (…225로요, …1203호요, …번지인데요)
 * besides the particles: 요 is left out of PARTICLES because after a name it marks a verb.
 */
const ADDRESS_ENDINGS: ReadonlySet<string> = new Set([
  '요',
  '로요',
  '으로요',
  '이요',
  '인데',
  '인데요',
  '이에요',
  '예요',
  '입니다',
  '이고요',
  '쯤',
  '쯤에',
  '근처',
  '근처요',
  '앞',
  '앞입니다',
  '앞이요',
]);

/** Whether a Hangul word glued to an address is a particle or a spoken ending, so the address ends before it. */
function isAddressEnding(rest: string): boolean {
  return isParticle(rest) || ADDRESS_ENDINGS.has(rest);
}

/** Whether what follows a number at `i` lets it be a building or lot number (end, punctuation, a particle). */
function numberEndsCleanly(text: string, i: number): boolean {
  if (i >= text.length) return true;
  const code = text.charCodeAt(i);
  if (isHangulCode(code)) {
    let j = i;
    while (j < text.length && isHangulCode(text.charCodeAt(j))) j++;
    return isAddressEnding(text.slice(i, j));
  }
  // Hangul counters (도로 3개, 학교로 2시) are not particles and fail above; here only Latin units.
  return !UNIT_START.test(text.slice(i, i + 3));
}

/** Hangul-or-digit word ending at `end` (exclusive), or '' if none. */
function wordBefore(text: string, end: number): [number, string] {
  let k = end;
  while (k > 0) {
    const c = text.charCodeAt(k - 1);
    if (isHangulCode(c) || (c >= 48 && c <= 57)) k--;
    else break;
  }
  return [k, text.slice(k, end)];
}

/** A word shaped like a 시/군/구 (원미구, 청원군): districts merged or renamed since the table was made. */
const DISTRICT_SHAPE = /^[가-힣]{1,4}(?:시|군|구)$/;

/**
 * Extend an address start backwards over administrative names (강남구, 서울특별시 …), each separated
 * by spaces. Returns the new start and how many known names were taken; a word merely shaped like a
 * district (원미구, abolished in 2016) extends the span but is not counted, so it cannot make an
 * address on its own.
 */
function extendBack(text: string, start: number): [number, number] {
  let known = 0;
  let s = start;
  for (let taken = 0; taken < 5; taken++) {
    let j = s;
    while (j > 0 && (text[j - 1] === ' ' || text[j - 1] === '\t')) j--;
    if (j === s) break;
    const [k, word] = wordBefore(text, j);
    if (word === '') break;
    if (placeLevel(word) > 0) known++;
    else if (!DISTRICT_SHAPE.test(word) || known > 0) break;
    s = k;
  }
  return [s, known];
}

/** A parenthesis whose first item is a 법정동 not ending in 동/리/가/읍/면 (시장북로, 종로1가 are in the table). */
function namesPlaceFirst(piece: string): boolean {
  const first = /^\(([가-힣0-9]+)[,)]/.exec(piece);
  return first !== null && placeLevel(first[1]!) >= 3;
}

/** Extend an address end forwards over details (동, 호, 층, building, parenthesis). */
function extendDetails(text: string, end: number): number {
  let e = end;
  for (let n = 0; n < 6; n++) {
    DETAIL.lastIndex = e;
    const m = DETAIL.exec(text);
    if (!m) break;
    const piece = m[0].trimStart().replace(/^,[ \t]*/, '');
    if (piece.startsWith('(') && !PAREN_DETAIL.test(piece) && !namesPlaceFirst(piece)) break;
    const after = DETAIL.lastIndex;
    if (!piece.startsWith('(') && !numberEndsCleanlyAfterDetail(text, after)) break;
    e = after;
  }
  return e;
}

function numberEndsCleanlyAfterDetail(text: string, i: number): boolean {
  if (i >= text.length || !isHangulCode(text.charCodeAt(i))) return true;
  let j = i;
  while (j < text.length && isHangulCode(text.charCodeAt(j))) j++;
  return isAddressEnding(text.slice(i, j));
}

/** Strip a trailing particle from a word if what is left is a place name. */
function placeWithParticle(word: string): number {
  const level = placeLevel(word);
  if (level > 0) return level;
  for (let cut = 1; cut <= 3 && cut < word.length; cut++) {
    if (isParticle(word.slice(word.length - cut))) {
      const l = placeLevel(word.slice(0, word.length - cut));
      if (l > 0) return l;
    }
  }
  return 0;
}

interface Span {
  start: number;
  end: number;
  score: number;
}

/**
 * Find Korean postal addresses (road-name and lot-number, full or partial) in a text.
 *
 * @example
 * detectAddresses('주소: 서울특별시 강남구 테헤란로 152, 101동 1203호로 보내 주세요.')
 * // [{ type: 'ADDRESS', start: 4, end: 33, score: 0.95 }]  (서울특별시 … 1203호, without 로)
 */
export function detectAddresses(text: string, runs: DigitRuns = digitRuns(text)): Entity[] {
  const spans: Span[] = [];
  const { roads, lots, chains } = anchorCandidates(text, runs);

  let resumeAt = 0;
  for (const at of roads) {
    if (at < resumeAt) continue;
    ROAD_ANCHOR.lastIndex = at;
    const m = ROAD_ANCHOR.exec(text);
    if (!m) continue;
    const road = m[1]!;
    const numberEnd = m.index + m[0].length;
    resumeAt = numberEnd;
    // 대전95로1059: an old regional number plate (region, 2 digits, 로, 4 digits), not a road.
    if (PLATE_LIKE_ROAD.test(road) && m[3]!.length === 4 && m[2] === undefined) continue;
    if (!numberEndsCleanly(text, numberEnd)) continue;
    const [start, admins] = extendBack(text, m.index);
    if (admins === 0 && !isPlausibleRoad(road)) continue;
    if (admins > 0 && (road.endsWith('으로') || ROAD_STOP.has(road))) continue;
    spans.push({ start, end: extendDetails(text, numberEnd), score: admins > 0 ? 0.95 : 0.8 });
  }

  resumeAt = 0;
  for (const at of lots) {
    if (at < resumeAt) continue;
    LOT_ANCHOR.lastIndex = at;
    const m = LOT_ANCHOR.exec(text);
    if (!m) continue;
    const place = m[1]!;
    const hasBeonji = m[4] !== undefined;
    const numberEnd = m.index + m[0].length;
    resumeAt = numberEnd;
    if (!hasBeonji && !numberEndsCleanly(text, numberEnd)) continue;
    const [start, admins] = extendBack(text, m.index);
    const known = placeLevel(place) >= 3;
    const ambiguous = LOT_AMBIGUOUS.has(place);
    if (!(hasBeonji || (known && (!ambiguous || admins > 0)) || (admins > 0 && /[동리]$/.test(place)))) continue;
    spans.push({ start, end: extendDetails(text, numberEnd), score: admins > 0 || hasBeonji ? 0.95 : 0.85 });
  }

  resumeAt = 0;
  for (let c = 0; c < chains.length; c += 2) {
    const chainStart = chains[c]!;
    if (chainStart < resumeAt) continue;
    const first = placeLevel(text.slice(chainStart, chains[c + 1]));
    if (first === 0 || first > 2) continue;
    let end = chains[c + 1]!;
    let count = 1;
    let deepest: number = first;
    for (;;) {
      let j = end;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
      if (j === end) break;
      let k = j;
      while (k < text.length && isHangulCode(text.charCodeAt(k))) k++;
      while (k < text.length && isDigitCode(text.charCodeAt(k))) k++;
      while (k < text.length && isHangulCode(text.charCodeAt(k))) k++;
      const word = text.slice(j, k);
      if (!word) break;
      const exact = placeLevel(word);
      if (exact > 0) {
        end = k;
        count++;
        deepest = Math.max(deepest, exact);
        continue;
      }
      const level = placeWithParticle(word);
      if (level > 0) {
        // The particle ends the chain and stays outside it.
        let cut = 1;
        while (placeLevel(word.slice(0, word.length - cut)) === 0) cut++;
        end = k - cut;
        count++;
        deepest = Math.max(deepest, level);
      }
      break;
    }
    if (count >= 2 && deepest >= 3) spans.push({ start: chainStart, end, score: 0.7 });
    resumeAt = end;
  }

  // Romanised addresses have capitalised names (Teheran-ro, Gangnam-gu): most texts need no scan.
  if (runs.capitalised && ROMANISED_HINT.test(text)) {
    ROMANISED_ADDRESS.lastIndex = 0;
    for (let m = ROMANISED_ADDRESS.exec(text); m; m = ROMANISED_ADDRESS.exec(text))
      spans.push({ start: m.index, end: m.index + m[0].length, score: 0.85 });
  }

  return mergeSpans(spans).map((s) => ({ type: 'ADDRESS', start: s.start, end: s.end, score: s.score }));
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLatinOrDigitCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Per syllable: 1 road ending (로, 길), 2 lot ending (동, 리, 가, 읍, 면), 4 chain ending (시, 도, 구, 군). */
const SYLLABLE_FLAGS = new Uint8Array(0xd7a3 - 0xac00 + 1);
for (const c of '로길') SYLLABLE_FLAGS[c.charCodeAt(0) - 0xac00] = 1;
for (const c of '동리가읍면') SYLLABLE_FLAGS[c.charCodeAt(0) - 0xac00] = 2;
for (const c of '시도구군') SYLLABLE_FLAGS[c.charCodeAt(0) - 0xac00] = 4;
const SAN = 0xc0b0; // 산
const JI = 0xc9c0; // 지
const HA = 0xd558; // 하
const SIDO_SHORT: ReadonlySet<string> = new Set([
  '서울',
  '부산',
  '대구',
  '인천',
  '광주',
  '대전',
  '울산',
  '세종',
  '경기',
  '강원',
  '충북',
  '충남',
  '전북',
  '전남',
  '경북',
  '경남',
  '제주',
]);

/**
 * Where the road, lot and chain patterns can start, found in one pass instead of three regex scans
 * over the whole text: a road or lot token is a Hangul word (digits and dots allowed inside:
 * 넙도289번길, 종로1가) holding 로/길 or 동/리/가/읍/면 with a digit after it, inside the token or
 * right after it (after a space, 산 or 지하); a chain starts at a whole Hangul word followed by a
 * space or comma that ends in 시/도/구/군 or is a short 시도 name. The patterns decide at each start.
 * `chains` holds start and end pairs.
 */
/** The SYLLABLE_FLAGS of every syllable in [start, end), or-ed. */
function wordFlags(text: string, start: number, end: number): number {
  let flags = 0;
  for (let k = start; k < end; k++) flags |= SYLLABLE_FLAGS[text.charCodeAt(k) - 0xac00]!;
  return flags;
}

function anchorCandidates(text: string, runs: DigitRuns): { roads: number[]; lots: number[]; chains: number[] } {
  const roads: number[] = [];
  const lots: number[] = [];
  const chains: number[] = [];
  const n = text.length;
  const { starts, ends, count } = runs.words;
  for (let w = 0; w < count; w++) {
    const start = starts[w]!;
    const i = ends[w]!;
    let c = i < n ? text.charCodeAt(i) : 0;
    // Chains: the whole Hangul word, followed by a space, a tab or a comma.
    const length = i - start;
    if (length >= 2 && length <= 13 && (c === 32 || c === 9 || c === 44)) {
      const last = text.charCodeAt(i - 1) - 0xac00;
      if (SYLLABLE_FLAGS[last] === 4 || (length === 2 && SIDO_SHORT.has(text.slice(start, i)))) chains.push(start, i);
    }
    // Roads and lots: the token runs on over digits, dots and more Hangul (넙도289번길).
    if (start > 0 && isLatinOrDigitCode(text.charCodeAt(start - 1))) continue;
    let digit = false;
    let k = i;
    // The word's syllables are only looked at once a number can follow (most words never get here).
    let flags = -1;
    if (isDigitCode(c) || c === 46 || c === 0xb7) {
      flags = wordFlags(text, start, i);
      while (k < n && (isDigitCode(c) || c === 46 || c === 0xb7 || (c >= 0xac00 && c <= 0xd7a3))) {
        if (c >= 0xac00) flags |= SYLLABLE_FLAGS[c - 0xac00]!;
        else if (c !== 46 && c !== 0xb7 && (flags & 3) !== 0) digit = true;
        c = ++k < n ? text.charCodeAt(k) : 0;
      }
    }
    if (!digit) {
      // [ \t]? (산|지하)? [ \t]? then the number, as the patterns allow.
      let j = k;
      if (c === 32 || c === 9) c = text.charCodeAt(++j);
      let prefixed = true;
      if (c === SAN) j += 1;
      else if (c === JI && text.charCodeAt(j + 1) === HA) j += 2;
      else prefixed = false;
      if (prefixed) {
        c = text.charCodeAt(j);
        if (c === 32 || c === 9) c = text.charCodeAt(j + 1);
      }
      digit = isDigitCode(c);
    }
    if (!digit) continue;
    if (flags === -1) flags = wordFlags(text, start, i);
    if ((flags & 3) === 0) continue;
    if (flags & 1) roads.push(start);
    if (flags & 2) lots.push(start);
  }
  return { roads, lots, chains };
}

/** Romanised addresses name a road with -ro, -gil or -daero. */
const ROMANISED_HINT = /[a-z]-(?:ro|gil|daero)\b/;

/** A romanised road-name address: 152 Teheran-ro, Gangnam-gu, Seoul (building number first). */
const ROMANISED_ADDRESS =
  /\b(?:\d{1,5}(?:-\d{1,4})?,? )(?:[A-Z][a-z]+(?:-[a-z0-9]+)*-(?:ro|gil|daero)(?: ?\d+(?:beon)?-?gil)?)(?:, ?[A-Z][a-z]+(?:-[a-z]+)*-(?:gu|gun|si|eup|myeon|dong))+(?:, ?(?:Seoul|Busan|Daegu|Incheon|Gwangju|Daejeon|Ulsan|Sejong|Jeju|[A-Z][a-z]+-do))?/g;

/** Merge overlapping spans, keeping the highest score. */
function mergeSpans(spans: Span[]): Span[] {
  if (spans.length <= 1) return spans;
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      last.score = Math.max(last.score, s.score);
    } else out.push({ ...s });
  }
  return out;
}
