/**
 * The datasheet of a release (Gebru et al., "Datasheets for Datasets", 2021): its seven sections —
 * motivation, composition, collection process, preprocessing/cleaning/labelling, uses,
 * distribution, maintenance — in Korean and English, prefilled from the census entry and the
 * refinery, with whatever the agency wrote for a section replacing the prefilled text. Pure.
 */
import type { CensusForm, Labels } from '../census/census.form.js';
import {
  DEFAULT_DOMAINS,
  MODALITY,
  PERSONAL_INFO,
  PROVISION_SCOPE,
  READINESS,
  RESTRICTION_REASON,
  SENSITIVE_CATEGORY,
  STRUCTURE,
  UPDATE_CYCLE,
} from '../census/census.form.js';

export const DATASHEET_SECTIONS = [
  'motivation',
  'composition',
  'collectionProcess',
  'preprocessing',
  'uses',
  'distribution',
  'maintenance',
] as const;
export type DatasheetSection = (typeof DATASHEET_SECTIONS)[number];

export const SECTION_TITLES: Record<DatasheetSection, Labels> = {
  motivation: { ko: '구축 동기', en: 'Motivation' },
  composition: { ko: '구성', en: 'Composition' },
  collectionProcess: { ko: '수집 과정', en: 'Collection process' },
  preprocessing: { ko: '전처리·정제·라벨링', en: 'Preprocessing, cleaning and labelling' },
  uses: { ko: '활용', en: 'Uses' },
  distribution: { ko: '배포', en: 'Distribution' },
  maintenance: { ko: '유지관리', en: 'Maintenance' },
};

/** Each section as Markdown. */
export type DatasheetLang = Record<DatasheetSection, string>;
export interface Datasheet {
  ko: DatasheetLang;
  en: DatasheetLang;
}
export interface DatasheetOverrides {
  ko?: Partial<DatasheetLang>;
  en?: Partial<DatasheetLang>;
}

export type Tier = 'open' | 'conditional' | 'safe_zone';

export interface LineageStep {
  versionNumber: number;
  origin: 'upload' | 'recipe' | 'deid';
  /** A recipe version: the recipe's steps (op names) and hash, when known. */
  recipe?: { hash?: string; steps: string[] };
  /** A de-identification version: the run and its policy's hash. */
  deid?: { runId: string; policyHash: string };
}

export interface DatasheetInputs {
  title: { ko: string; en?: string | null };
  description: { ko?: string | null; en?: string | null };
  agency: { name: string; nameEn?: string | null };
  semver: string;
  tier: Tier;
  accountRequired: boolean;
  licence: string;
  licenceUrl?: string | null;
  citation: string;
  /** The census entry's form (possibly partial), when the refinery dataset is linked to one. */
  census?: Partial<CensusForm> | null;
  /** The domain labels the deployment uses (default: the census's). */
  domains?: Record<string, Labels>;
  files: { count: number; totalBytes: number; records: number; formats: string[]; columns: number };
  /** From the first upload to the released version, oldest first. */
  lineage: LineageStep[];
  /** The released version's quality indicators (0..1), when the refinery measured them. */
  quality?: Array<{ name: Labels; value: number | null }> | null;
  previousSemver?: string | null;
  /** The changelog's lines per language, when there is a previous release. */
  changelog?: { ko: string[]; en: string[] } | null;
}

const TIER_TEXT: Record<Tier, Labels> = {
  open: { ko: '개방: 이용허락 조건에 동의하면 내려받을 수 있습니다', en: 'Open: downloadable once the licence is accepted' },
  conditional: {
    ko: '조건부 제공: 목적·기관·기간을 밝혀 신청하고 제공기관의 승인을 받아야 합니다',
    en: 'Conditional: a request stating purpose, organisation and duration must be approved by the providing agency',
  },
  safe_zone: {
    ko: '안심구역 전용: 내려받을 수 없고 안심구역 안에서만 분석할 수 있습니다',
    en: 'Safe zone only: never downloadable; analysed inside the safe zone only',
  },
};

const bytes = (n: number) => {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
};
const num = (n: number) => n.toLocaleString('en-US');

type Lang = 'ko' | 'en';
const UNKNOWN: Labels = { ko: '(기재되지 않음)', en: '(not stated)' };

function label<K extends string>(labels: Record<K, Labels>, key: K | undefined, lang: Lang): string | undefined {
  return key !== undefined && labels[key] ? labels[key][lang] : undefined;
}

function lines(items: Array<[string, string | undefined | null]>, lang: Lang): string {
  return items
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `- **${k}**: ${v}`)
    .concat(items.every(([, v]) => v === undefined || v === null || v === '') ? [`- ${UNKNOWN[lang]}`] : [])
    .join('\n');
}

function section(inputs: DatasheetInputs, lang: Lang, name: DatasheetSection): string {
  const ko = lang === 'ko';
  const c = inputs.census ?? {};
  const t = (k: string, e: string) => (ko ? k : e);
  switch (name) {
    case 'motivation':
      return lines(
        [
          [t('구축 목적', 'Purpose'), c.purpose],
          [t('구축 기관', 'Created by'), ko ? inputs.agency.name : (inputs.agency.nameEn ?? inputs.agency.name)],
          [t('담당 부서', 'Department'), c.department],
          [t('구축 근거 법령', 'Legal mandate'), c.legalMandate],
          [t('설명', 'Description'), ko ? (inputs.description.ko ?? c.description) : (inputs.description.en ?? c.descriptionEn)],
        ],
        lang,
      );
    case 'composition': {
      const domain = c.domain ? ((inputs.domains ?? DEFAULT_DOMAINS)[c.domain]?.[lang] ?? c.domain) : undefined;
      const sensitive = (c.sensitiveCategories ?? []).map((s) => SENSITIVE_CATEGORY.labels[s]?.[lang] ?? s).join(', ');
      return lines(
        [
          [t('분야', 'Domain'), domain],
          [t('데이터 유형', 'Modality'), label(MODALITY.labels, c.modality, lang)],
          [t('데이터 구조', 'Structure'), label(STRUCTURE.labels, c.structure, lang)],
          [t('준비 수준', 'Readiness'), label(READINESS.labels, c.readiness, lang)],
          [t('파일', 'Files'), `${num(inputs.files.count)} (${bytes(inputs.files.totalBytes)})`],
          [t('레코드', 'Records'), num(inputs.files.records)],
          [t('열(표 데이터)', 'Columns (tabular)'), inputs.files.columns > 0 ? num(inputs.files.columns) : undefined],
          [t('형식', 'Formats'), inputs.files.formats.join(', ')],
          [t('개인정보', 'Personal information'), label(PERSONAL_INFO.labels, c.personalInfo, lang)],
          [t('민감정보 범주', 'Sensitive categories'), sensitive],
          [t('알려진 문제', 'Known issues'), c.knownIssues],
        ],
        lang,
      );
    }
    case 'collectionProcess':
      return lines(
        [
          [
            t('수집 기간', 'Collection period'),
            c.collectionStart || c.collectionEnd ? `${c.collectionStart ?? '?'} – ${c.collectionEnd ?? '?'}` : undefined,
          ],
          [t('갱신 주기', 'Update cycle'), label(UPDATE_CYCLE.labels, c.updateCycle, lang)],
          [t('관련 시스템', 'Related systems'), c.relatedSystems],
          [t('규모(원천, 조사 기준)', 'Volume (source, as surveyed)'), c.volumeRecords !== undefined ? num(c.volumeRecords) : undefined],
        ],
        lang,
      );
    case 'preprocessing': {
      const steps = inputs.lineage.map((s) => {
        const head = `v${s.versionNumber}`;
        if (s.origin === 'upload') return `${head}: ${t('업로드 원본', 'uploaded as received')}`;
        if (s.origin === 'deid') {
          return `${head}: ${t('비식별 처리', 'de-identified')}${s.deid ? ` (run ${s.deid.runId}, policy ${s.deid.policyHash.slice(0, 12)})` : ''}`;
        }
        const ops = s.recipe?.steps.length ? `: ${s.recipe.steps.join(' → ')}` : '';
        return `${head}: ${t('정제 레시피', 'refined by a recipe')}${s.recipe?.hash ? ` ${s.recipe.hash.slice(0, 12)}` : ''}${ops}`;
      });
      const quality = (inputs.quality ?? [])
        .filter((q) => q.value !== null)
        .map((q) => `${q.name[lang]} ${(q.value! * 100).toFixed(1)}%`)
        .join(', ');
      return lines(
        [
          [t('품질관리 이력', 'Quality work'), c.qualityWork],
          [t('정제 이력', 'Refinery lineage'), steps.join('; ')],
          [t('품질 지표', 'Quality indicators'), quality],
          [
            t('표 데이터 변환', 'Tabular conversion'),
            t('표 형식 파일은 값의 손실 없이 Parquet(data/)으로 변환', 'tabular files converted to Parquet (data/) without loss of values'),
          ],
        ],
        lang,
      );
    }
    case 'uses':
      return lines(
        [
          [t('제공 범위(조사)', 'Scope of provision (census)'), label(PROVISION_SCOPE.labels, c.provisionScope, lang)],
          [t('제한 사유', 'Reason for restriction'), label(RESTRICTION_REASON.labels, c.restrictionReason, lang)],
          [t('제한 근거', 'Legal basis of restriction'), c.legalBasis],
          [
            t('유의 사항', 'Caution'),
            c.personalInfo && c.personalInfo !== 'none'
              ? t(
                  '개인정보 보호법에 따라 재식별을 시도해서는 안 됩니다',
                  'Re-identification must not be attempted (Personal Information Protection Act)',
                )
              : undefined,
          ],
        ],
        lang,
      );
    case 'distribution':
      return lines(
        [
          [t('버전', 'Version'), inputs.semver],
          [t('접근 등급', 'Access tier'), TIER_TEXT[inputs.tier][lang]],
          [
            t('계정', 'Account'),
            inputs.tier === 'open' ? (inputs.accountRequired ? t('필요', 'required') : t('불필요', 'not required')) : undefined,
          ],
          [t('이용허락', 'Licence'), inputs.licenceUrl ? `[${inputs.licence}](${inputs.licenceUrl})` : inputs.licence],
          [t('저작권자', 'Copyright holder'), c.copyrightHolder],
          [t('인용', 'Citation'), inputs.citation],
        ],
        lang,
      );
    case 'maintenance': {
      const changes = inputs.changelog?.[lang].join('\n') ?? '';
      const base = lines(
        [
          [t('유지관리 기관', 'Maintained by'), ko ? inputs.agency.name : (inputs.agency.nameEn ?? inputs.agency.name)],
          [t('담당자', 'Contact'), [c.contactName, c.contactEmail].filter(Boolean).join(' ') || undefined],
          [t('갱신 주기', 'Update cycle'), label(UPDATE_CYCLE.labels, c.updateCycle, lang)],
          [t('이전 버전', 'Previous version'), inputs.previousSemver ?? t('없음(첫 배포)', 'none (first release)')],
          [
            t('버전 정책', 'Versioning'),
            t(
              '배포는 변경되지 않으며, 수정은 새 유의적 버전으로 배포합니다',
              'releases never change; corrections come as a new semantic version',
            ),
          ],
        ],
        lang,
      );
      return changes ? `${base}\n${changes}` : base;
    }
  }
}

/**
 * The datasheet: every section in both languages, prefilled, then replaced where `overrides` says.
 *
 * @example buildDatasheet(inputs, { en: { uses: 'Research only.' } }).en.uses // 'Research only.'
 */
export function buildDatasheet(inputs: DatasheetInputs, overrides: DatasheetOverrides = {}): Datasheet {
  const make = (lang: Lang): DatasheetLang => {
    const out = {} as DatasheetLang;
    for (const name of DATASHEET_SECTIONS) {
      const given = overrides[lang]?.[name];
      out[name] = given !== undefined && given.trim() !== '' ? given.trim() : section(inputs, lang, name);
    }
    return out;
  };
  return { ko: make('ko'), en: make('en') };
}

/**
 * The datasheet as Markdown, Korean then English.
 *
 * @example datasheetMarkdown(sheet, '주차장 정보', 'Parking lots').startsWith('# 주차장 정보') // true
 */
export function datasheetMarkdown(sheet: Datasheet, title: string, titleEn?: string | null, level = 1): string {
  const h = '#'.repeat(level);
  const part = (lang: Lang, heading: string) =>
    [
      `${h} ${heading}`,
      '',
      `${h}# ${lang === 'ko' ? '데이터시트' : 'Datasheet'}`,
      '',
      ...DATASHEET_SECTIONS.flatMap((name) => [`${h}## ${SECTION_TITLES[name][lang]}`, '', sheet[lang][name], '']),
    ].join('\n');
  return `${part('ko', title)}\n${part('en', titleEn ?? title)}`.trimEnd() + '\n';
}

/**
 * The default citation: agency, year, title, version, URL.
 *
 * @example defaultCitation({ agency: 'NIA', title: '주차장', year: 2026, semver: '1.0.0', url: 'https://x/r/1' })
 * // 'NIA (2026). 주차장 (Version 1.0.0) [Data set]. https://x/r/1'
 */
export function defaultCitation(p: { agency: string; title: string; year: number; semver: string; url: string }): string {
  return `${p.agency} (${p.year}). ${p.title} (Version ${p.semver}) [Data set]. ${p.url}`;
}
