import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  analyzeDocument,
  analyzeQuery,
  analyzeText,
  bm25,
  corpusStats,
  ftsMatchQuery,
  matches,
  normalize,
  stem,
  stripEnding,
  toFtsText,
  tsQuery,
  type AnalyzedDocument,
  type DocumentFields,
} from './analyzer.js';

/**
 * Real entries of the data.go.kr catalog (목록명; description from 목록설명 where given; keywords are the
 * entry's 목록유형 and 분류체계), copied from the 2022-06-30 catalog export. The English keyword on the
 * traffic-accident entry is our translation, standing in for the census form's `titleEn`.
 */
const CATALOG: DocumentFields[] = [
  {
    title: '서울특별시_응급실 위치 정보',
    description:
      '서울특별시 응급실 위치 정보입니다. 주소, 병원분류명, 응급의료기관, 응급실운영여부, 비고, 기관설명상세, 간이약도, 기관명, 대표전화, 응급실 전화, 진료시간, 병원경도, 병원위도 등의 항목을 제공합니다.',
    keywords: ['FILE', '보건의료'],
  },
  {
    title: '도로교통공단_사망 교통사고 정보',
    description:
      '- 사망 교통사고에 대한 개별정보 제공(발생일시, 사고유형, 위치좌표 등)<br/>- 부상자수 = 중상자수 + 경상자수 + 부상신고자수<br/>',
    keywords: ['FILE', '재난안전', 'fatal traffic accident'],
  },
  {
    title: '경찰청_범죄 발생 장소별 통계',
    description:
      '범죄유형별(강력범죄, 폭력범죄, 지능범죄 등)로 범죄장소(아파트, 단독주택, 고속도로, 노상 ,백화점, 슈퍼마켓 등)별로 통계 건수를 제공',
    keywords: ['FILE', '재난안전'],
  },
  {
    title: '산업통상자원부_전국 주유소 등록현황',
    description:
      '전국 주유소 현황 (전국 주유소 신규 등록 , 휴업, 폐업 현황 정보)에 대해 알려드립니다. (연도, 변동사유발생연월일, 판매업종류 등)',
    keywords: ['FILE', '산업고용'],
  },
  {
    title: '한국장학재단_대학별 평균등록금',
    description: '매년 4월 대학정보공시 기준의 대학별 입학정원, 평균입학금, 평균등록금을 확인할 수 있음(분교, 캠퍼스는 본교에 통합 산출)',
    keywords: ['FILE', '교육'],
  },
  { title: '국토교통부_전국 법정동' },
  { title: '전국교통사고다발지역표준데이터' },
  { title: '경기도 광명시_교통사고 집계현황' },
  { title: '서울특별시_응급실 월별 이용 현황 통계' },
  { title: '서울특별시_자치구 년도별 CCTV 설치 현황' },
  { title: '광주광역시_광산구_어린이집 CCTV 설치현황' },
  { title: '전국CCTV표준데이터' },
  { title: '부산광역시 기장군_주유소 현황' },
  { title: '전라남도_나주시_주유소및LPG충전소' },
  {
    title: '성북구도시관리공단_성북구 공영주차장 정보',
    description:
      '성북구도시관리공단에서 운영하고 있는 공영주차장 운영현황입니다.총 주차장수 및 면수, 위치안내, 운영시간, 주차요금 등의 정보를 제공합니다.',
    keywords: ['FILE', '교통물류'],
  },
  { title: '한국공항공사_공항 계류장 및 주차장 정보' },
  { title: '한국공항공사_김포공항 저시정경보 정보' },
  { title: '경기도 김포시_여성복지시설' },
  {
    title: '광주광역시_김치제조업체 현황',
    description: '광주광역시 소재 김치류 식품 제조업체 현황에 대한 데이터입니다. 업체명, 대표자, 소재지도로명주소 등의 항목을 제공합니다.',
    keywords: ['FILE', '농축수산'],
  },
  { title: '국민건강보험공단_65세이상 노인 질병소분류별 다빈도 상병 급여현황' },
  { title: '국토안전관리원_30년이상 노후화된 공공시설물현황' },
  { title: '한국환경정책평가연구원 산업계 이상강우 피해 현황도' },
  { title: '한국도로공사_실시간 영업소별 교통량  API 서비스', keywords: ['API', '교통물류'] },
  { title: '국토교통부_자동차 리콜정보 API 서비스', keywords: ['API', '교통물류'] },
  { title: '인천광역시 미추홀구_어린이보호구역 무인교통단속장비 설치현황 API', keywords: ['API', '교통물류'] },
  { title: '한국도로공사_고속도로 문자정보 제공이력' },
  { title: '경상남도 밀양시_개별공시지가' },
  { title: '한국전력공사_전기차 충전소 설치현황' },
  { title: '한국남동발전㈜_대기오염물질 배출 실적_현황' },
  { title: '환경부 국립환경과학원_권역별 미세먼지(PM2.5) 농도 특성 파악 및 생성과정 연구(Ⅲ)' },
  { title: '(주)한국가스기술공사_Comparative Study of Intelligent Fault Diagnostics for LNG Pump Failure' },
  { title: '동북아역사재단_독도 및 동해 관련 고지도(Old Maps Related to Dokdo and the East Sea)' },
  { title: '금융위원회_금융시장동향' },
  {
    title: '한국산업안전보건공단_안전보건미디어자료(이산화탄소 소화설비에 의한 질식중독재해 예방 안전조치 매뉴얼)',
  },
  {
    title: '서울특별시_버스도착정보조회 서비스',
    description: '특정 정류소에 대한 버스 도착예정 정보 제공',
    keywords: ['API', '교통물류'],
  },
  { title: '경기도 포천시_어린이 놀이시설 현황' },
];

const INDEX: AnalyzedDocument[] = CATALOG.map((fields) => analyzeDocument(fields));
const STATS = corpusStats(INDEX);

/** The in-memory search the database reproduces: match with the AND rule, rank with bm25. */
function search(query: string): string[] {
  const { terms } = analyzeQuery(query);
  return INDEX.map((doc, i) => ({ i, doc }))
    .filter(({ doc }) => matches(terms, doc))
    .map(({ i, doc }) => ({ title: CATALOG[i]!.title, score: bm25(terms, doc, STATS) }))
    .sort((a, b) => b.score - a.score)
    .map((hit) => hit.title);
}

function finds(query: string, text: string): boolean {
  return matches(analyzeQuery(query).terms, analyzeDocument({ title: text }));
}

describe('normalisation', () => {
  it('folds full-width forms, case, compatibility symbols and diacritics', () => {
    expect(normalize('ＣＣＴＶ　설치')).toBe('cctv 설치');
    expect(normalize('한국남동발전㈜')).toBe('한국남동발전(주)');
    expect(normalize('Café Ⅲ')).toBe('cafe iii');
    expect(normalize("driver's licence")).toBe('driver licence');
  });

  it('treats middle dots as spaces', () => {
    expect(normalize('시·도')).toBe('시 도');
    expect(normalize('읍ㆍ면ㆍ동')).toBe('읍 면 동');
  });

  it('gives the same terms for NFC and NFD Hangul', () => {
    const title = '서울특별시_응급실 위치 정보';
    expect(title.normalize('NFD')).not.toBe(title);
    expect(analyzeText(title.normalize('NFD'))).toEqual(analyzeText(title));
    expect(analyzeQuery('교통사고를'.normalize('NFD'))).toEqual(analyzeQuery('교통사고를'));
  });
});

describe('Korean words', () => {
  it('strips particles and endings from query words', () => {
    expect(stripEnding('교통사고를')).toBe('교통사고');
    expect(stripEnding('자료는')).toBe('자료');
    expect(stripEnding('서울에서는')).toBe('서울');
    expect(stripEnding('학생들을')).toBe('학생');
    expect(stripEnding('응급실의')).toBe('응급실');
    expect(stripEnding('운영하는')).toBe('운영');
  });

  it('keeps nouns that end like a particle, and never leaves one syllable', () => {
    for (const word of [
      '나이',
      '국가',
      '평가',
      '고속도로',
      '어린이',
      '개별공시지가',
      '조사결과',
      '마을',
      '경기도',
      '미만',
      '도로',
      '거리',
    ]) {
      expect(stripEnding(word)).toBe(word);
    }
    expect(stripEnding('국가의')).toBe('국가');
    expect(stripEnding('사회의')).toBe('사회');
    expect(stripEnding('사고가')).toBe('사고');
  });

  it('indexes a word by its first syllable and its bigrams, and bigrams across a space', () => {
    expect(analyzeText('교통 사고')).toEqual(['교', '교통', '사', '사고', '통사']);
    expect(analyzeText('교통사고')).toEqual(['교', '교통', '통사', '사고']);
    // not across other punctuation: 서울특별시_응급실 gives no 시응
    expect(analyzeText('서울특별시_응급실')).not.toContain('시응');
    // the previous word with and without its particle
    expect(analyzeText('교통을 사고')).toEqual(expect.arrayContaining(['을사', '통사']));
  });

  it('queries by bigrams of the stripped word, one-syllable words by themselves', () => {
    expect(analyzeQuery('교통사고를').terms).toEqual(['교통', '통사', '사고']);
    expect(analyzeQuery('교통 사고').terms).toEqual(['교통', '사고']);
    expect(analyzeQuery('쌀').terms).toEqual(['쌀']);
    expect(analyzeQuery('서울 시').terms).toEqual(['서울', '울시']);
    expect(analyzeQuery('시 교통').terms).toEqual(['시교', '교통']);
    expect(finds('쌀', '쌀 생산량')).toBe(true);
    expect(finds('쌀', '햅쌀 생산량')).toBe(false);
    expect(analyzeQuery('서울 및 부산').terms).toEqual(['서울', '부산']);
    expect(analyzeQuery('  ... ').terms).toEqual([]);
  });
});

describe('English and mixed text', () => {
  it('stems plurals only', () => {
    expect(['accidents', 'cities', 'boxes', 'maps', 'status', 'analysis', 'gas', 'data', 'building'].map(stem)).toEqual([
      'accident',
      'city',
      'box',
      'map',
      'status',
      'analysis',
      'gas',
      'data',
      'building',
    ]);
  });

  it('splits Latin letters, digits and Hangul', () => {
    expect(analyzeQuery('PM2.5').terms).toEqual(['pm', '2', '5']);
    expect(analyzeQuery('CCTV설치').terms).toEqual(['cctv', '설치']);
    expect(analyzeQuery('The Maps of Dokdo').terms).toEqual(['map', 'dokdo']);
  });
});

describe('the Korean behaviours of issue 4, on real catalog titles', () => {
  it('particles and endings do not matter: 교통사고를 finds 교통사고', () => {
    const hits = search('교통사고를');
    expect(hits).toEqual(
      expect.arrayContaining(['도로교통공단_사망 교통사고 정보', '전국교통사고다발지역표준데이터', '경기도 광명시_교통사고 집계현황']),
    );
    expect(hits).toHaveLength(3);
    expect(search('응급실의 위치는')[0]).toBe('서울특별시_응급실 위치 정보');
  });

  it('spacing does not matter: 교통 사고 finds 교통사고, and 교통사고 finds 교통 사고', () => {
    expect(new Set(search('교통 사고'))).toEqual(new Set(search('교통사고')));
    expect(finds('교통사고', '교통 사고 현황')).toBe(true);
    expect(finds('응급실위치', '서울특별시_응급실 위치 정보')).toBe(true);
    expect(finds('교통량 api', '한국도로공사_실시간 영업소별 교통량  API 서비스')).toBe(true);
    expect(finds('시도', '시·도별 인구')).toBe(true);
  });

  it('parts of compounds match: 응급실 finds 서울특별시_응급실 위치 정보', () => {
    expect(search('응급실')).toEqual(expect.arrayContaining(['서울특별시_응급실 위치 정보', '서울특별시_응급실 월별 이용 현황 통계']));
    expect(search('다발지역')).toEqual(['전국교통사고다발지역표준데이터']);
    expect(search('공시지가')).toEqual(['경상남도 밀양시_개별공시지가']);
    expect(search('등록금')).toEqual(['한국장학재단_대학별 평균등록금']);
  });

  it('English and Korean mixed', () => {
    expect(search('CCTV 설치')).toEqual(
      expect.arrayContaining(['서울특별시_자치구 년도별 CCTV 설치 현황', '광주광역시_광산구_어린이집 CCTV 설치현황']),
    );
    expect(search('CCTV 설치')).not.toContain('전국CCTV표준데이터');
    expect(search('API 교통')).toEqual(
      expect.arrayContaining([
        '한국도로공사_실시간 영업소별 교통량  API 서비스',
        '인천광역시 미추홀구_어린이보호구역 무인교통단속장비 설치현황 API',
        '국토교통부_자동차 리콜정보 API 서비스',
      ]),
    );
    expect(search('LPG 충전소')).toEqual(['전라남도_나주시_주유소및LPG충전소']);
    expect(search('미세먼지 PM 2.5')).toEqual(['환경부 국립환경과학원_권역별 미세먼지(PM2.5) 농도 특성 파악 및 생성과정 연구(Ⅲ)']);
  });

  it('English: accidents finds accident, plural and singular alike', () => {
    expect(search('traffic accidents')).toEqual(['도로교통공단_사망 교통사고 정보']);
    expect(search('pumps failures')).toEqual([
      '(주)한국가스기술공사_Comparative Study of Intelligent Fault Diagnostics for LNG Pump Failure',
    ]);
    expect(search('old map dokdo')).toEqual(['동북아역사재단_독도 및 동해 관련 고지도(Old Maps Related to Dokdo and the East Sea)']);
  });

  it('precision: near neighbours are not found', () => {
    expect(search('김치')).toEqual(['광주광역시_김치제조업체 현황']);
    expect(search('김포')).toEqual(expect.arrayContaining(['한국공항공사_김포공항 저시정경보 정보', '경기도 김포시_여성복지시설']));
    expect(search('김포')).toHaveLength(2);
    const fuel = search('주유소');
    expect(fuel).toHaveLength(3);
    expect(fuel.some((title) => title.includes('주차장'))).toBe(false);
    expect(search('주차장').some((title) => title.includes('주유소'))).toBe(false);
    expect(search('이상')).not.toContain(
      '한국산업안전보건공단_안전보건미디어자료(이산화탄소 소화설비에 의한 질식중독재해 예방 안전조치 매뉴얼)',
    );
    expect(search('교통사고')).not.toContain('한국도로공사_실시간 영업소별 교통량  API 서비스');
    expect(search('응급실 주차장')).toEqual([]);
    expect(finds('서울 응급실', '부산광역시 응급실 위치 정보')).toBe(false);
  });

  it('known limits, decided: bigrams cannot tell homonyms or words inside words apart', () => {
    // 이상 ("or more") also finds 이상한 ("strange") and 이상강우 ("abnormal rain"): without a
    // dictionary a bigram is a bigram. We accept it: "parts of compounds match" needs it.
    expect(search('이상')).toEqual(
      expect.arrayContaining([
        '국민건강보험공단_65세이상 노인 질병소분류별 다빈도 상병 급여현황',
        '국토안전관리원_30년이상 노후화된 공공시설물현황',
        '한국환경정책평가연구원 산업계 이상강우 피해 현황도',
      ]),
    );
    expect(finds('이상', '이상한 자료')).toBe(true);
    // 시장 (market) inside 서울특별시장애인 (서울특별시 + 장애인) is found too.
    expect(finds('시장', '서울특별시장애인복지관')).toBe(true);
    // a two-syllable word with a particle keeps it: 쌀을 does not find 쌀.
    expect(finds('쌀을', '쌀 생산량')).toBe(false);
  });
});

describe('ranking', () => {
  it('puts the expected entry first for realistic queries', () => {
    const expectations: Array<[string, string]> = [
      ['응급실 위치', '서울특별시_응급실 위치 정보'],
      ['서울 응급실 이용 통계', '서울특별시_응급실 월별 이용 현황 통계'],
      ['사망 교통사고', '도로교통공단_사망 교통사고 정보'],
      ['범죄 장소', '경찰청_범죄 발생 장소별 통계'],
      ['전국 주유소', '산업통상자원부_전국 주유소 등록현황'],
      ['대학 등록금', '한국장학재단_대학별 평균등록금'],
      ['법정동', '국토교통부_전국 법정동'],
      ['어린이집 CCTV', '광주광역시_광산구_어린이집 CCTV 설치현황'],
      ['공영주차장', '성북구도시관리공단_성북구 공영주차장 정보'],
      ['전기차 충전소', '한국전력공사_전기차 충전소 설치현황'],
      ['대기오염물질 배출', '한국남동발전㈜_대기오염물질 배출 실적_현황'],
      ['버스 도착 정보', '서울특별시_버스도착정보조회 서비스'],
      ['금융 시장 동향', '금융위원회_금융시장동향'],
      ['어린이 놀이시설', '경기도 포천시_어린이 놀이시설 현황'],
      ['김포공항', '한국공항공사_김포공항 저시정경보 정보'],
    ];
    for (const [query, top] of expectations) expect(search(query)[0], query).toBe(top);
  });

  it('weights the title above the body', () => {
    // 고속도로 is in the title of one entry and in the description of another
    expect(search('고속도로')).toEqual(['한국도로공사_고속도로 문자정보 제공이력', '경찰청_범죄 발생 장소별 통계']);
    const doc = analyzeDocument({ title: '주유소 현황', description: '주차장' });
    const other = analyzeDocument({ title: '주차장 현황', description: '주유소' });
    const stats = corpusStats([doc, other]);
    const q = analyzeQuery('주유소').terms;
    expect(bm25(q, doc, stats)).toBeGreaterThan(bm25(q, other, stats));
    expect(bm25(q, doc, stats, { titleWeight: 1 })).toBeCloseTo(bm25(q, other, stats, { titleWeight: 1 }));
  });

  it('scores zero when no term is present, and more for rarer terms', () => {
    expect(bm25(['없는말'], INDEX[0]!, STATS)).toBe(0);
    const rare = bm25(analyzeQuery('응급실').terms, INDEX[0]!, STATS);
    const common = bm25(analyzeQuery('정보').terms, INDEX[0]!, STATS);
    expect(rare).toBeGreaterThan(common);
  });
});

describe('database syntax', () => {
  it('writes FTS5 and tsquery expressions with every term quoted', () => {
    const { terms } = analyzeQuery('CCTV 설치를');
    expect(toFtsText(terms)).toBe('cctv 설치');
    expect(ftsMatchQuery(terms)).toBe('"cctv" AND "설치"');
    expect(tsQuery(terms)).toBe("'cctv' & '설치'");
    // FTS5 operators are just words once quoted and lower-cased
    expect(ftsMatchQuery(analyzeQuery('NOT NEAR').terms)).toBe('"not" AND "near"');
  });

  it('has nothing to search for an empty query', () => {
    expect(ftsMatchQuery([])).toBeNull();
    expect(tsQuery([])).toBeNull();
    expect(matches([], INDEX[0]!)).toBe(false);
  });

  it('refuses anything that is not an analyzer term', () => {
    expect(() => toFtsText(['a b'])).toThrow();
    expect(() => ftsMatchQuery(['"x'])).toThrow();
    expect(() => tsQuery(["x'"])).toThrow();
    expect(() => tsQuery([''])).toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Laws

const syllable = fc.integer({ min: 0xac00, max: 0xd7a3 }).map((code) => String.fromCharCode(code));
const hangulWord = fc.array(syllable, { minLength: 1, maxLength: 5 }).map((chars) => chars.join(''));
const separator = fc.constantFrom(' ', '  ', '_', '', '·', '(', ') ', ', ', '\t');
const piece = fc.oneof(
  hangulWord,
  fc.constantFrom('CCTV', 'API', 'accidents', 'PM2.5', '65세이상', '을', '를', '및', 'the', 'Ｌ', '㈜', 'Ⅲ', '漢字', 'café', "driver's"),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
/** Catalog-like text: Hangul words, Latin words, symbols and arbitrary strings, mixed separators. */
const catalogText = fc
  .array(fc.tuple(piece, separator), { maxLength: 8 })
  .map((parts) => parts.map(([p, s]) => p + s).join(''))
  .chain((text) => fc.constantFrom(text, ...CATALOG.map((c) => c.title + ' ' + text)));

const NOUNS = [
  '교통',
  '사고',
  '응급실',
  '위치',
  '정보',
  '주유소',
  '등록',
  '현황',
  '서울',
  '시',
  '공영',
  '주차장',
  '김치',
  '어린이',
  '놀이',
  '시설',
];
const PARTICLES = ['', '을', '를', '의', '에서', '는', '이', '가', '으로'];

describe('laws', () => {
  it('a text always finds itself: query terms are among its document terms', () => {
    fc.assert(
      fc.property(fc.oneof(catalogText, fc.string({ unit: 'binary', maxLength: 30 })), (text) => {
        const { terms } = analyzeQuery(text);
        const doc = analyzeDocument({ title: text });
        const own = new Set(doc.title);
        expect(terms.filter((t) => !own.has(t))).toEqual([]);
        if (terms.length > 0) expect(matches(terms, doc)).toBe(true);
        expect(matches(terms, analyzeDocument({ title: 'x', description: text }))).toBe(terms.length > 0);
      }),
      { numRuns: 500 },
    );
  });

  it('NFC and NFD (and NFKC) spellings analyse alike', () => {
    fc.assert(
      fc.property(catalogText, (text) => {
        expect(analyzeText(text.normalize('NFD'))).toEqual(analyzeText(text));
        expect(analyzeQuery(text.normalize('NFD'))).toEqual(analyzeQuery(text));
        expect(analyzeText(text.normalize('NFKC'))).toEqual(analyzeText(text));
      }),
      { numRuns: 300 },
    );
  });

  it('spacing does not matter: a joined query finds the spaced words, and a spaced query the joined ones', () => {
    const words = fc.array(fc.constantFrom(...NOUNS), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(words, fc.constantFrom(...PARTICLES), fc.constantFrom('', '_앞', '앞 '), (ws, particle, prefix) => {
        fc.pre(particle === '' || ws[ws.length - 1]!.length >= 2); // 쌀을 keeps its 을 (a known limit)
        fc.pre(!(ws.length === 1 && ws[0]!.length === 1 && prefix === '_앞')); // 시 alone finds words beginning with 시
        const spaced = ws.join(' ');
        const joined = ws.join('');
        expect(finds(joined + particle, prefix + spaced)).toBe(true);
        expect(finds(ws.join(' ') + particle, prefix + joined)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('spacing does not matter for arbitrary syllables either (joined query, spaced document)', () => {
    fc.assert(
      fc.property(fc.array(hangulWord, { minLength: 1, maxLength: 4 }), (ws) => {
        fc.pre(ws.every((w) => analyzeText(w).length > 0)); // not a stopword
        expect(finds(ws.join(''), ws.join(' '))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('every term survives the FTS5 unicode61 and PostgreSQL simple tokenisers unchanged', () => {
    fc.assert(
      fc.property(catalogText, (text) => {
        const terms = analyzeText(text);
        const stored = toFtsText(terms);
        // unicode61 and the PostgreSQL parser split on everything but letters and digits
        expect(stored === '' ? [] : stored.split(/[^\p{L}\p{N}]+/u)).toEqual(terms);
        expect(stored.toLowerCase()).toBe(stored);
        const { terms: q } = analyzeQuery(text);
        expect(new Set(q).size).toBe(q.length);
        if (q.length > 0) {
          expect(ftsMatchQuery(q)).toBe(q.map((t) => `"${t}"`).join(' AND '));
          expect(tsQuery(q)).toBe(q.map((t) => `'${t}'`).join(' & '));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('adding a word to a query never finds more', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CATALOG.map((c) => c.title)), fc.constantFrom(...NOUNS, 'CCTV', 'API'), (title, extra) => {
        const words = title.split(/[_ ]/).slice(0, 2).join(' ');
        const narrower = search(words + ' ' + extra);
        const wider = new Set(search(words));
        expect(narrower.every((t) => wider.has(t))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
