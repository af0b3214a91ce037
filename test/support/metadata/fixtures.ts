/** Realistic Korean datasets for the metadata tests (titles after data.go.kr listings). */
import { censusFormSchema } from '../../../src/modules/census/census.form.js';
import { catalogDatasetFromCensus } from '../../../src/modules/catalog/metadata/from-census.js';
import type { CatalogDataset, CatalogInfo } from '../../../src/modules/catalog/metadata/types.js';

export const BASE = 'https://data.example.kr';

/** Released, bilingual, with a CSV and its record set. */
export const ER: CatalogDataset = {
  id: 'seoul-er-locations',
  url: `${BASE}/datasets/seoul-er-locations`,
  title: { ko: '서울특별시_응급실 위치 정보', en: 'Seoul emergency rooms: locations' },
  description: {
    ko: '서울특별시 내 응급의료기관과 응급실의 명칭, 주소, 위도·경도, 응급실 병상 수를 제공합니다. 응급의료정보센터 자료를 월 1회 갱신합니다.',
    en: 'Names, addresses, coordinates and emergency-bed counts of the emergency medical institutions and emergency rooms in Seoul, refreshed monthly.',
  },
  publisher: { name: '서울특별시', nameEn: 'Seoul Metropolitan Government', code: '6110000', url: 'https://www.seoul.go.kr' },
  domain: { key: 'healthcare', labels: { ko: '헬스케어', en: 'Healthcare' } },
  keywords: ['응급실', '응급의료기관', '병상'],
  modality: 'tabular',
  formats: ['CSV'],
  licence: '공공누리 제1유형',
  provisionScope: 'open',
  personalInfo: 'none',
  temporal: { start: '2015-01', end: '2025-12-31' },
  updateCycle: 'monthly',
  created: '2025-03-02T09:00:00Z',
  modified: '2026-01-15T06:30:00Z',
  issued: '2025-04-01T00:00:00Z',
  version: '1.2.0',
  relatedUrls: ['https://www.data.go.kr/data/15000563/openapi.do'],
  distributions: [
    {
      id: 'er_locations.csv',
      name: '응급실 위치 정보 (CSV)',
      contentUrl: `${BASE}/files/er_locations.csv`,
      encodingFormat: 'text/csv',
      sizeBytes: 482_133,
      sha256: '9f2b5c3e8a1d4f6b7c0e2a9d8b7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a99',
      recordSet: {
        fields: [
          { name: '기관ID', dataType: 'text', description: '응급의료기관 고유 ID' },
          { name: '기관명', dataType: 'text' },
          { name: '주소', dataType: 'text' },
          { name: '위도', dataType: 'float' },
          { name: '경도', dataType: 'float' },
          { name: '응급실 병상수', dataType: 'integer', column: 'hvec' },
        ],
      },
    },
  ],
};

/** Released, Korean only, a JSON file without a record set. */
export const ACCIDENTS: CatalogDataset = {
  id: 'koroad-fatal-accidents',
  url: `${BASE}/datasets/koroad-fatal-accidents`,
  title: { ko: '도로교통공단_사망 교통사고 정보' },
  description: {
    ko: '경찰에 신고된 사망 교통사고의 발생 일시, 장소(시군구), 사고 유형, 가해자 법규 위반, 도로 형태, 사망자 수 등을 연 단위로 제공합니다.',
  },
  publisher: { name: '도로교통공단', code: 'B552061' },
  domain: { key: 'transport', labels: { ko: '교통물류', en: 'Transport and logistics' } },
  keywords: ['교통사고', '사망사고'],
  modality: 'tabular',
  formats: ['JSON'],
  licence: 'https://www.kogl.or.kr/info/licenseType1.do',
  provisionScope: 'open',
  personalInfo: 'none',
  temporal: { start: '2012', end: '2024' },
  updateCycle: 'yearly',
  created: '2024-11-20T01:00:00Z',
  modified: '2025-02-10T01:00:00Z',
  relatedUrls: [],
  distributions: [
    {
      id: 'fatal_accidents_2024.json',
      name: '사망 교통사고 정보 2024',
      contentUrl: `${BASE}/files/fatal_accidents_2024.json`,
      encodingFormat: 'application/json',
      sizeBytes: 3_201_554,
      sha256: '0000000000000000000000000000000000000000000000000000000000000abc',
    },
  ],
};

/** Census-only (no release), conditional access, a licence given by name only. */
export const CORPUS: CatalogDataset = catalogDatasetFromCensus(
  {
    id: 'nikl-spoken-corpus',
    form: censusFormSchema.parse({
      title: '국립국어원_모두의 말뭉치 구어 말뭉치',
      description:
        '일상 대화, 방송, 강의 등 다양한 구어 상황을 전사하고 형태 분석 정보를 부착한 말뭉치입니다. 연구 목적 이용 신청 후 제공합니다.',
      readiness: 'ai_ready',
      structure: 'semi_structured',
      modality: 'text',
      domain: 'korean_language',
      formats: ['JSON'],
      collectionStart: '2019',
      collectionEnd: '2021',
      updateCycle: 'once',
      provisionScope: 'conditional',
      restrictionReason: 'copyright',
      personalInfo: 'pseudonymised',
      licence: '국립국어원 말뭉치 이용 약관',
      urls: ['https://kli.korean.go.kr/corpus/main/requestMain.do'],
    }),
    createdAt: '2026-05-04T02:00:00Z',
    updatedAt: '2026-05-06T08:15:00Z',
  },
  { name: '국립국어원', nameEn: 'National Institute of Korean Language', url: 'https://www.korean.go.kr' },
  { baseUrl: BASE },
);

/** Hostile text: quotes, a backslash, a newline, a script end tag; safe-zone only. */
export const HOSTILE: CatalogDataset = {
  ...ACCIDENTS,
  id: 'airkorea-hostile',
  url: `${BASE}/datasets/airkorea-hostile`,
  title: { ko: '한국환경공단_에어코리아 "대기오염" 측정\\정보\n(시간별)', en: 'AirKorea \'hourly\' "PM2.5" \\ data' },
  description: { ko: '짧은 설명 </script><script>alert(1)</script> <!-- \u2028 & 끝' },
  publisher: { name: '한국환경공단 "K-eco"', code: 'B552584' },
  domain: { key: 'environment', labels: { ko: '환경기상', en: 'Environment and weather' } },
  licence: undefined,
  provisionScope: 'safe_zone',
  temporal: { start: '2020-03-01' },
  updateCycle: 'realtime',
  distributions: [],
};

export const ALL = [ER, ACCIDENTS, CORPUS, HOSTILE];

export const CATALOG: CatalogInfo = {
  id: `${BASE}/api/v1/catalog/dcat`,
  title: { ko: '데이터댐 데이터 지도', en: 'datadam data map' },
  description: { ko: '공공기관이 보유한 AI 학습용 데이터의 목록입니다.', en: 'The AI training data held by public bodies.' },
  homepage: BASE,
  publisher: { name: '데이터댐 운영기관', nameEn: 'datadam operator', url: `${BASE}/about` },
  language: ['ko', 'en'],
};
