import { describe, expect, it } from 'vitest';
import { buildDatasheet, DATASHEET_SECTIONS, datasheetMarkdown, defaultCitation, type DatasheetInputs } from './datasheet.js';

const inputs: DatasheetInputs = {
  title: { ko: '전국 주차장 정보', en: 'Parking lots of Korea' },
  description: { ko: '전국 공영주차장의 위치와 요금', en: null },
  agency: { name: '한국지능정보사회진흥원', nameEn: 'National Information Society Agency' },
  semver: '1.1.0',
  tier: 'conditional',
  accountRequired: true,
  licence: '공공누리 제1유형',
  licenceUrl: 'https://www.kogl.or.kr/info/licenseType1.do',
  citation: 'NIA (2026). 전국 주차장 정보 (Version 1.1.0) [Data set]. https://x/api/v1/releases/r1',
  census: {
    title: '전국 주차장 정보',
    description: '전국 공영주차장의 위치와 요금',
    domain: 'transport',
    modality: 'tabular',
    structure: 'structured',
    readiness: 'processed',
    purpose: '주차 수요 예측 모델 학습',
    legalMandate: '주차장법 제5조',
    personalInfo: 'pseudonymised',
    sensitiveCategories: ['location'],
    provisionScope: 'conditional',
    restrictionReason: 'pipa',
    legalBasis: '개인정보 보호법 제28조의2',
    updateCycle: 'monthly',
    collectionStart: '2020',
    collectionEnd: '2025-12',
    volumeRecords: 120000,
    qualityWork: '중복 제거, 주소 표준화',
    contactName: '이담당',
    contactEmail: 'steward@demo.datadam.kr',
  },
  files: { count: 3, totalBytes: 2048, records: 1234, formats: ['parquet', 'png'], columns: 5 },
  lineage: [
    { versionNumber: 1, origin: 'upload' },
    { versionNumber: 2, origin: 'recipe', recipe: { hash: 'a'.repeat(64), steps: ['trim', 'dedupe'] } },
    { versionNumber: 3, origin: 'deid', deid: { runId: 'run-1', policyHash: 'b'.repeat(64) } },
  ],
  quality: [
    { name: { ko: '완전성', en: 'Completeness' }, value: 0.975 },
    { name: { ko: '유일성', en: 'Uniqueness' }, value: null },
  ],
  previousSemver: '1.0.0',
  changelog: {
    ko: ['- 1.0.0 대비 변경 사항:', '  - 추가: `data/b.parquet`'],
    en: ['- Changes since 1.0.0:', '  - Added: `data/b.parquet`'],
  },
};

describe('buildDatasheet', () => {
  it('fills every section in both languages from the census entry and the refinery', () => {
    const sheet = buildDatasheet(inputs);
    for (const lang of ['ko', 'en'] as const) for (const s of DATASHEET_SECTIONS) expect(sheet[lang][s].length).toBeGreaterThan(10);
    expect(sheet.ko.motivation).toContain('주차 수요 예측 모델 학습');
    expect(sheet.ko.motivation).toContain('주차장법 제5조');
    expect(sheet.en.motivation).toContain('National Information Society Agency');
    expect(sheet.ko.composition).toContain('교통물류');
    expect(sheet.en.composition).toContain('Transport and logistics');
    expect(sheet.en.composition).toContain('Pseudonymised');
    expect(sheet.en.composition).toContain('Location');
    expect(sheet.en.composition).toContain('1,234');
    expect(sheet.en.collectionProcess).toContain('2020 – 2025-12');
    expect(sheet.ko.collectionProcess).toContain('월간');
    expect(sheet.en.preprocessing).toContain('v2: refined by a recipe aaaaaaaaaaaa: trim → dedupe');
    expect(sheet.en.preprocessing).toContain('v3: de-identified (run run-1, policy bbbbbbbbbbbb)');
    expect(sheet.en.preprocessing).toContain('Completeness 97.5%');
    expect(sheet.en.preprocessing).not.toContain('Uniqueness');
    expect(sheet.en.uses).toContain('개인정보 보호법 제28조의2');
    expect(sheet.en.uses).toContain('Re-identification must not be attempted');
    expect(sheet.en.distribution).toContain('1.1.0');
    expect(sheet.en.distribution).toContain('[공공누리 제1유형](https://www.kogl.or.kr/info/licenseType1.do)');
    expect(sheet.ko.distribution).toContain('조건부 제공');
    expect(sheet.en.maintenance).toContain('1.0.0');
    expect(sheet.en.maintenance).toContain('Added: `data/b.parquet`');
    expect(sheet.ko.maintenance).toContain('steward@demo.datadam.kr');
  });

  it('lets overrides win, section by section and language by language', () => {
    const sheet = buildDatasheet(inputs, { en: { uses: 'Research on parking demand only.' }, ko: { motivation: '직접 쓴 동기' } });
    expect(sheet.en.uses).toBe('Research on parking demand only.');
    expect(sheet.ko.uses).toContain('개인정보 보호법');
    expect(sheet.ko.motivation).toBe('직접 쓴 동기');
    expect(sheet.en.motivation).toContain('Purpose');
    // An empty override does not blank a section.
    expect(buildDatasheet(inputs, { en: { uses: '  ' } }).en.uses).toContain('Caution');
  });

  it('says what is not stated when there is no census entry', () => {
    const sheet = buildDatasheet({
      ...inputs,
      census: null,
      description: { ko: null, en: null },
      quality: null,
      changelog: null,
      previousSemver: null,
    });
    expect(sheet.en.collectionProcess).toBe('- (not stated)');
    expect(sheet.ko.collectionProcess).toBe('- (기재되지 않음)');
    expect(sheet.en.maintenance).toContain('none (first release)');
  });

  it('renders Markdown, Korean then English, and a default citation', () => {
    const md = datasheetMarkdown(buildDatasheet(inputs), '전국 주차장 정보', 'Parking lots of Korea');
    expect(md.startsWith('# 전국 주차장 정보\n\n## 데이터시트\n\n### 구축 동기\n')).toBe(true);
    expect(md.indexOf('# Parking lots of Korea')).toBeGreaterThan(md.indexOf('### 유지관리'));
    expect(md).toContain('### Preprocessing, cleaning and labelling');
    expect(defaultCitation({ agency: 'NIA', title: '주차장', year: 2026, semver: '1.0.0', url: 'https://x/r/1' })).toBe(
      'NIA (2026). 주차장 (Version 1.0.0) [Data set]. https://x/r/1',
    );
  });
});
