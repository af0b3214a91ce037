/**
 * The standard census form (조사표): one record per data holding of a public body. Pure data and
 * zod schemas, no I/O: the web form, the API, bulk import and export all use these definitions,
 * so a rule is written once. Labels come in Korean and English for forms, templates and errors.
 */
import { z } from 'zod';

/** The version of the form; campaigns name the version their entries are filled in. */
export const FORM_VERSION = '2026.1';

export type Labels = { ko: string; en: string };

/** An enumeration with its Korean and English labels, in display order. */
function choices<const K extends string>(entries: Record<K, Labels>) {
  const keys = Object.keys(entries) as [K, ...K[]];
  return { keys, labels: entries, schema: z.enum(keys) };
}

export const READINESS = choices({
  ai_ready: { ko: 'AI 학습용(라벨링 완료)', en: 'AI-ready (labelled)' },
  processed: { ko: '가공 데이터', en: 'Processed' },
  raw: { ko: '원천 데이터', en: 'Raw' },
});

export const STRUCTURE = choices({
  structured: { ko: '정형', en: 'Structured' },
  semi_structured: { ko: '반정형', en: 'Semi-structured' },
  unstructured: { ko: '비정형', en: 'Unstructured' },
});

export const MODALITY = choices({
  text: { ko: '텍스트', en: 'Text' },
  image: { ko: '이미지', en: 'Image' },
  video: { ko: '영상', en: 'Video' },
  audio: { ko: '음성·음향', en: 'Audio' },
  tabular: { ko: '표(정형)', en: 'Tabular' },
  time_series: { ko: '시계열·센서', en: 'Time series / sensor' },
  geospatial: { ko: '공간정보', en: 'Geospatial' },
  multimodal: { ko: '멀티모달', en: 'Multimodal' },
});

export const PROVISION_SCOPE = choices({
  open: { ko: '개방', en: 'Open' },
  conditional: { ko: '조건부 제공(승인)', en: 'Conditional (approval)' },
  safe_zone: { ko: '안심구역 내 제공', en: 'Safe zone only' },
  not_providable: { ko: '제공 불가', en: 'Not providable' },
});

export const RESTRICTION_REASON = choices({
  pipa: { ko: '개인정보 보호법', en: 'Personal Information Protection Act' },
  copyright: { ko: '저작권', en: 'Copyright' },
  security: { ko: '보안', en: 'Security' },
  other_statute: { ko: '다른 법령', en: 'Another statute' },
});

export const PERSONAL_INFO = choices({
  none: { ko: '없음', en: 'None' },
  pseudonymised: { ko: '가명정보', en: 'Pseudonymised' },
  identifiable: { ko: '식별 가능', en: 'Identifiable' },
});

export const SENSITIVE_CATEGORY = choices({
  health: { ko: '건강', en: 'Health' },
  genetic: { ko: '유전정보', en: 'Genetic' },
  biometric: { ko: '생체인식정보', en: 'Biometric' },
  criminal: { ko: '범죄경력', en: 'Criminal record' },
  beliefs: { ko: '사상·신념', en: 'Beliefs' },
  political: { ko: '정치적 견해', en: 'Political opinions' },
  union: { ko: '노동조합', en: 'Trade union membership' },
  sex_life: { ko: '성생활', en: 'Sex life' },
  race_ethnicity: { ko: '인종·민족', en: 'Race or ethnicity' },
  location: { ko: '위치정보', en: 'Location' },
  minors: { ko: '아동(14세 미만)', en: 'Children under 14' },
});

export const UPDATE_CYCLE = choices({
  realtime: { ko: '실시간', en: 'Real time' },
  daily: { ko: '일간', en: 'Daily' },
  weekly: { ko: '주간', en: 'Weekly' },
  monthly: { ko: '월간', en: 'Monthly' },
  quarterly: { ko: '분기', en: 'Quarterly' },
  yearly: { ko: '연간', en: 'Yearly' },
  irregular: { ko: '수시', en: 'Irregular' },
  once: { ko: '1회성', en: 'Once' },
});

export const SAMPLE_AVAILABILITY = choices({
  available: { ko: '샘플 공개', en: 'Sample available' },
  on_request: { ko: '요청 시 제공', en: 'On request' },
  none: { ko: '없음', en: 'None' },
});

/**
 * The default domain taxonomy, after AI Hub's data domains. Deployments may replace it; entries
 * store the key.
 */
export const DEFAULT_DOMAINS: Record<string, Labels> = {
  korean_language: { ko: '한국어', en: 'Korean language' },
  vision: { ko: '영상이미지', en: 'Vision' },
  healthcare: { ko: '헬스케어', en: 'Healthcare' },
  disaster_safety: { ko: '재난안전', en: 'Disaster and safety' },
  environment: { ko: '환경기상', en: 'Environment and weather' },
  agriculture: { ko: '농축수산', en: 'Agriculture and fisheries' },
  education: { ko: '교육', en: 'Education' },
  autonomous_driving: { ko: '자율주행', en: 'Autonomous driving' },
  transport: { ko: '교통물류', en: 'Transport and logistics' },
  daily_life: { ko: '일상생활', en: 'Daily life' },
  culture_tourism: { ko: '문화관광', en: 'Culture and tourism' },
  public_administration: { ko: '공공행정', en: 'Public administration' },
  industry_finance: { ko: '산업금융', en: 'Industry and finance' },
  welfare: { ko: '사회복지', en: 'Social welfare' },
  land: { ko: '국토공간', en: 'Land and space' },
  science: { ko: '과학기술', en: 'Science and technology' },
  law_security: { ko: '법률·안보', en: 'Law and security' },
  food: { ko: '식품', en: 'Food' },
};

/** data.go.kr's 분류체계 onto the default domains. */
export const DATA_GO_KR_DOMAINS: Record<string, string> = {
  공공행정: 'public_administration',
  문화관광: 'culture_tourism',
  산업고용: 'industry_finance',
  교통물류: 'transport',
  환경기상: 'environment',
  재정금융: 'industry_finance',
  국토관리: 'land',
  농축수산: 'agriculture',
  사회복지: 'welfare',
  교육: 'education',
  보건의료: 'healthcare',
  재난안전: 'disaster_safety',
  과학기술: 'science',
  식품건강: 'food',
  통일외교안보: 'law_security',
  법률: 'law_security',
};

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v === '' ? undefined : v));

/** A date as the form accepts it: a year, a month, or a day (ISO 8601). */
const partialDate = z
  .string()
  .trim()
  .regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, 'YYYY, YYYY-MM or YYYY-MM-DD');

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * One census entry as filled in. Required fields are those a steward can always answer; the rest
 * may be left empty in a draft and are asked for by `submissionProblems` before submitting.
 */
export const censusFormSchema = z
  .object({
    title: z.string().trim().min(2).max(300),
    titleEn: optionalText(300),
    description: z.string().trim().min(1).max(20_000),
    descriptionEn: optionalText(20_000),
    department: optionalText(200),
    contactName: optionalText(100),
    contactEmail: z
      .email()
      .max(320)
      .optional()
      .or(z.literal('').transform(() => undefined)),
    contactPhone: optionalText(40),
    readiness: READINESS.schema,
    structure: STRUCTURE.schema,
    modality: MODALITY.schema,
    domain: z.string().trim().min(1).max(64),
    purpose: optionalText(5_000),
    legalMandate: optionalText(2_000),
    volumeRecords: count.optional(),
    volumeFiles: count.optional(),
    volumeBytes: count.optional(),
    volumeHours: z.number().min(0).max(1e9).optional(),
    formats: z.array(z.string().trim().min(1).max(40)).max(30).default([]),
    collectionStart: partialDate.optional(),
    collectionEnd: partialDate.optional(),
    updateCycle: UPDATE_CYCLE.schema.optional(),
    provisionScope: PROVISION_SCOPE.schema,
    restrictionReason: RESTRICTION_REASON.schema.optional(),
    legalBasis: optionalText(2_000),
    personalInfo: PERSONAL_INFO.schema,
    sensitiveCategories: z.array(SENSITIVE_CATEGORY.schema).max(20).default([]),
    copyrightHolder: optionalText(300),
    licence: optionalText(200),
    qualityWork: optionalText(5_000),
    knownIssues: optionalText(5_000),
    sampleAvailability: SAMPLE_AVAILABILITY.schema.default('none'),
    relatedSystems: optionalText(2_000),
    urls: z.array(z.url().max(2_000)).max(20).default([]),
  })
  .superRefine((form, ctx) => {
    if (form.provisionScope !== 'open' && form.restrictionReason === undefined) {
      ctx.addIssue({ code: 'custom', path: ['restrictionReason'], message: 'required when the data is not open' });
    }
    if (form.personalInfo === 'none' && form.sensitiveCategories.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['sensitiveCategories'], message: 'sensitive categories need personal information' });
    }
    if (form.collectionStart && form.collectionEnd && form.collectionEnd < form.collectionStart) {
      ctx.addIssue({ code: 'custom', path: ['collectionEnd'], message: 'before the start of collection' });
    }
  });

export type CensusForm = z.output<typeof censusFormSchema>;
export type CensusFormInput = z.input<typeof censusFormSchema>;

/** The form's fields in display order, with labels, for templates, exports and error messages. */
export const FIELD_LABELS: Record<keyof CensusForm, Labels> = {
  title: { ko: '데이터명', en: 'Title' },
  titleEn: { ko: '데이터명(영문)', en: 'Title (English)' },
  description: { ko: '설명', en: 'Description' },
  descriptionEn: { ko: '설명(영문)', en: 'Description (English)' },
  department: { ko: '담당 부서', en: 'Department' },
  contactName: { ko: '담당자', en: 'Contact name' },
  contactEmail: { ko: '담당자 이메일', en: 'Contact email' },
  contactPhone: { ko: '담당자 전화', en: 'Contact phone' },
  readiness: { ko: '데이터 준비 수준', en: 'Readiness' },
  structure: { ko: '데이터 구조', en: 'Structure' },
  modality: { ko: '데이터 유형', en: 'Modality' },
  domain: { ko: '분야', en: 'Domain' },
  purpose: { ko: '구축 목적', en: 'Purpose of construction' },
  legalMandate: { ko: '구축 근거 법령', en: 'Legal mandate' },
  volumeRecords: { ko: '규모(건수)', en: 'Volume (records)' },
  volumeFiles: { ko: '규모(파일 수)', en: 'Volume (files)' },
  volumeBytes: { ko: '규모(바이트)', en: 'Volume (bytes)' },
  volumeHours: { ko: '규모(시간)', en: 'Volume (hours)' },
  formats: { ko: '파일 형식', en: 'Formats' },
  collectionStart: { ko: '수집 시작', en: 'Collection start' },
  collectionEnd: { ko: '수집 종료', en: 'Collection end' },
  updateCycle: { ko: '갱신 주기', en: 'Update cycle' },
  provisionScope: { ko: '제공 범위', en: 'Scope of provision' },
  restrictionReason: { ko: '제한 사유', en: 'Reason for restriction' },
  legalBasis: { ko: '제한 근거', en: 'Legal basis of restriction' },
  personalInfo: { ko: '개인정보 포함 여부', en: 'Personal information' },
  sensitiveCategories: { ko: '민감정보 범주', en: 'Sensitive categories' },
  copyrightHolder: { ko: '저작권자', en: 'Copyright holder' },
  licence: { ko: '이용허락 조건', en: 'Licence' },
  qualityWork: { ko: '품질관리 이력', en: 'Quality work done' },
  knownIssues: { ko: '알려진 문제', en: 'Known issues' },
  sampleAvailability: { ko: '샘플 제공', en: 'Sample availability' },
  relatedSystems: { ko: '관련 시스템', en: 'Related systems' },
  urls: { ko: '관련 URL', en: 'Related URLs' },
};

export const FORM_FIELDS = Object.keys(FIELD_LABELS) as Array<keyof CensusForm>;

/** The enumerations by field, for templates, imports (labels accepted as values) and exports. */
export const FIELD_CHOICES: Partial<Record<keyof CensusForm, Record<string, Labels>>> = {
  readiness: READINESS.labels,
  structure: STRUCTURE.labels,
  modality: MODALITY.labels,
  provisionScope: PROVISION_SCOPE.labels,
  restrictionReason: RESTRICTION_REASON.labels,
  personalInfo: PERSONAL_INFO.labels,
  sensitiveCategories: SENSITIVE_CATEGORY.labels,
  updateCycle: UPDATE_CYCLE.labels,
  sampleAvailability: SAMPLE_AVAILABILITY.labels,
};

/**
 * What must still be filled in before an entry can be submitted (a draft may lack these).
 *
 * @example submissionProblems({ ...form, purpose: undefined }) // [{ field: 'purpose', … }]
 */
export function submissionProblems(form: CensusForm): Array<{ field: keyof CensusForm; message: Labels }> {
  const problems: Array<{ field: keyof CensusForm; message: Labels }> = [];
  const need = (field: keyof CensusForm, present: boolean) => {
    if (!present)
      problems.push({
        field,
        message: { ko: `${FIELD_LABELS[field].ko}을(를) 입력하세요`, en: `${FIELD_LABELS[field].en} is required to submit` },
      });
  };
  need('purpose', form.purpose !== undefined);
  need('formats', form.formats.length > 0);
  need('updateCycle', form.updateCycle !== undefined);
  need(
    'volumeRecords',
    [form.volumeRecords, form.volumeFiles, form.volumeBytes, form.volumeHours].some((v) => v !== undefined),
  );
  return problems;
}

/**
 * A title reduced to what makes two titles "the same" for duplicate detection: NFC, without the
 * `기관명_` prefix data.go.kr puts before titles, spaces, punctuation and letter case.
 *
 * @example normaliseTitle('서울특별시_응급실 위치 정보', '서울특별시') // '응급실위치정보'
 */
export function normaliseTitle(title: string, agencyName?: string): string {
  let t = title.normalize('NFC').trim();
  if (agencyName) {
    const prefix = `${agencyName.normalize('NFC')}_`;
    if (t.startsWith(prefix)) t = t.slice(prefix.length);
  }
  return t.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}
