/**
 * Mappings: how the columns of a source file become fields of the census form, the agency that holds
 * the data, an external id, and extras kept beside the form. Two are built in (`native`, the form's
 * own template, and `data-go-kr`, the data.go.kr open-data catalog); others are loaded from a JSON file.
 */
import { z } from 'zod';
import { AppError } from '../../../core/errors.js';
import {
  DATA_GO_KR_DOMAINS,
  DEFAULT_DOMAINS,
  FIELD_CHOICES,
  FIELD_LABELS,
  FORM_FIELDS,
  censusFormSchema,
  type CensusForm,
  type CensusFormInput,
  type Labels,
} from '../census.form.js';

export type FormField = keyof CensusForm;
/** Targets that are not form fields: the holding agency and the entry's id in the source system. */
export type MetaTarget = 'agencyCode' | 'agencyName' | 'externalId';
/** Where a source column goes: a form field, a meta target, or `extra:<name>` (kept beside the form). */
export type MappingTarget = FormField | MetaTarget | `extra:${string}`;

export interface Mapping {
  name: string;
  /** 'native', 'data-go-kr' or 'file:<name>'; recorded with imported entries. */
  source: string;
  /** Source column (as in the header) → target(s). One column may feed several targets. */
  columns: Record<string, MappingTarget | MappingTarget[]>;
  /** Form values for every row; a non-empty cell mapped to the same field wins. */
  constants: Partial<CensusFormInput>;
  /**
   * By target: source value → the value to read instead (e.g. 분류체계 '교통물류' → 'transport').
   * A value not listed is read as the field reads any cell (an enum's key or label).
   */
  valueMaps?: Partial<Record<MappingTarget, Record<string, string>>>;
  /** Header columns not in `columns` that name a form field (its key or Korean or English label) are read as it. */
  matchLabels?: boolean;
  /** Columns of `columns` the file may lack; any other missing column makes the file unreadable. */
  optionalColumns?: string[];
  /** Meta targets every row must have a value for. */
  requiredTargets?: MetaTarget[];
  /** The domain taxonomy values are checked against (default: `DEFAULT_DOMAINS`). */
  domains?: Record<string, Labels>;
}

/** Form fields that have neither a default nor may be left out. */
export const REQUIRED_FIELDS: FormField[] = FORM_FIELDS.filter((field) => !censusFormSchema.shape[field].safeParse(undefined).success);

/** Form fields that hold lists. */
export const LIST_FIELDS = new Set<FormField>(['formats', 'urls', 'sensitiveCategories']);
/** Form fields that hold numbers. */
export const NUMBER_FIELDS = new Set<FormField>(['volumeRecords', 'volumeFiles', 'volumeBytes', 'volumeHours']);

const META_TARGETS = new Set<string>(['agencyCode', 'agencyName', 'externalId']);
const FIELD_SET = new Set<string>(FORM_FIELDS);

/**
 * Whether a string names a mapping target.
 *
 * @example isMappingTarget('title') // true
 * @example isMappingTarget('extra:views') // true
 */
export function isMappingTarget(target: string): target is MappingTarget {
  return FIELD_SET.has(target) || META_TARGETS.has(target) || /^extra:[^\s:]{1,64}$/.test(target);
}

/**
 * A header or value reduced for lenient matching: NFC, lower case, no spaces or punctuation.
 *
 * @example matchKey(' Volume (Records) ') // 'volumerecords'
 */
export function matchKey(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** The form's own columns: a form field's key or label, plus the columns `writeCsv` adds. */
export const NATIVE_MAPPING: Mapping = {
  name: 'native',
  source: 'native',
  columns: {},
  constants: {},
  matchLabels: true,
};

/**
 * The data.go.kr open-data catalog (목록개방현황): one row per published dataset or API. What the
 * catalog does not say is filled in honestly: published, processed, tabular data, open to all, no
 * personal information, updated irregularly; the licence is left empty.
 */
export const DATA_GO_KR_MAPPING: Mapping = {
  name: 'data-go-kr',
  source: 'data-go-kr',
  columns: {
    목록키: 'externalId',
    목록유형: ['formats', 'structure', 'extra:listType'],
    목록명: 'title',
    목록설명: 'description',
    조회수: 'extra:views',
    분류체계: ['domain', 'extra:category'],
    기관코드: 'agencyCode',
    기관명: 'agencyName',
    국가중점여부: 'extra:nationalPriority',
    표준데이터여부: 'extra:standardData',
    '목록.등록일': 'extra:registeredAt',
    '목록.수정일': 'extra:modifiedAt',
    '목록.URL': 'urls',
  },
  constants: {
    readiness: 'processed',
    modality: 'tabular',
    provisionScope: 'open',
    personalInfo: 'none',
    purpose: '공공데이터 개방(data.go.kr)',
    updateCycle: 'irregular',
  },
  valueMaps: {
    formats: { FILE: 'CSV', STD: 'CSV', API: 'API' },
    structure: { FILE: 'structured', STD: 'structured', API: 'semi_structured' },
    domain: DATA_GO_KR_DOMAINS,
  },
  optionalColumns: ['조회수', '국가중점여부', '표준데이터여부', '목록.등록일', '목록.수정일', '목록.URL'],
  requiredTargets: ['externalId', 'agencyCode', 'agencyName'],
};

/** The built-in mappings by name. */
export const NAMED_MAPPINGS: Record<string, Mapping> = { native: NATIVE_MAPPING, 'data-go-kr': DATA_GO_KR_MAPPING };

/** Header names the native mapping reads besides the form fields (the columns exports add). */
const NATIVE_ALIASES: Record<string, MappingTarget> = {
  id: 'externalId',
  externalid: 'externalId',
  외부식별자: 'externalId',
  기관명: 'agencyName',
  기관: 'agencyName',
  agency: 'agencyName',
  agencyname: 'agencyName',
  orgname: 'agencyName',
  기관코드: 'agencyCode',
  agencycode: 'agencyCode',
  orgcode: 'agencyCode',
  상태: 'extra:status',
  status: 'extra:status',
  버전: 'extra:version',
  version: 'extra:version',
  수정일시: 'extra:updatedAt',
  updatedat: 'extra:updatedAt',
};

/** Form fields by `matchKey` of their key and their Korean and English labels. */
const LABEL_INDEX: Map<string, FormField> = (() => {
  const index = new Map<string, FormField>();
  for (const field of FORM_FIELDS) {
    for (const name of [field, FIELD_LABELS[field].ko, FIELD_LABELS[field].en]) index.set(matchKey(name), field);
  }
  return index;
})();

/**
 * The target a header names under the native mapping, if any.
 *
 * @example nativeTarget('데이터명') // 'title'
 * @example nativeTarget('Volume (records)') // 'volumeRecords'
 */
export function nativeTarget(header: string): MappingTarget | undefined {
  const key = matchKey(header);
  return LABEL_INDEX.get(key) ?? NATIVE_ALIASES[key];
}

/** A mapping bound to one header: which column feeds which targets. */
export interface BoundMapping {
  mapping: Mapping;
  /** The columns read, in header order. */
  columns: Array<{ column: string; targets: MappingTarget[] }>;
  /** The first source column feeding each target, for error messages. */
  columnOf: Map<MappingTarget, string>;
  /** Header columns the mapping does not read. */
  ignored: string[];
  /** Columns the mapping names (and does not allow to be missing) that the header lacks. */
  missingColumns: string[];
  /** Required form fields no column or constant gives. */
  missingRequired: FormField[];
}

/**
 * Bind a mapping to a file's header. Mapped columns are found by exact name, else leniently
 * (`matchKey`); with `matchLabels`, remaining columns are read as the form field they name.
 *
 * @example bindMapping(DATA_GO_KR_MAPPING, ['목록키', '목록명', …]).columnOf.get('title') // '목록명'
 */
export function bindMapping(mapping: Mapping, header: string[]): BoundMapping {
  const columns: BoundMapping['columns'] = [];
  const columnOf = new Map<MappingTarget, string>();
  const ignored: string[] = [];
  const byKey = new Map<string, string>();
  for (const name of Object.keys(mapping.columns)) byKey.set(matchKey(name), name);
  const used = new Set<string>();

  for (const column of header) {
    let mapped = mapping.columns[column];
    if (mapped === undefined) {
      const name = byKey.get(matchKey(column));
      if (name !== undefined && !used.has(name) && !header.includes(name)) {
        mapped = mapping.columns[name];
        used.add(name);
      }
    } else used.add(column);
    let targets: MappingTarget[] = mapped === undefined ? [] : Array.isArray(mapped) ? mapped : [mapped];
    if (targets.length === 0 && mapping.matchLabels) {
      const target = nativeTarget(column);
      if (target !== undefined) targets = [target];
    }
    // A target already fed by an earlier column keeps that column.
    targets = targets.filter((target) => !columnOf.has(target));
    if (targets.length === 0) {
      ignored.push(column);
      continue;
    }
    for (const target of targets) columnOf.set(target, column);
    columns.push({ column, targets });
  }

  const optional = new Set(mapping.optionalColumns ?? []);
  const missingColumns = Object.keys(mapping.columns).filter((name) => !used.has(name) && !optional.has(name));
  const missingRequired = REQUIRED_FIELDS.filter(
    (field) => !columnOf.has(field) && (mapping.constants as Record<string, unknown>)[field] === undefined,
  );
  return { mapping, columns, columnOf, ignored, missingColumns, missingRequired };
}

// ---------------------------------------------------------------------------------------------
// Mapping files

/** A mapping file that cannot be used; `problems` says what is wrong where. */
export class MappingFileError extends AppError {
  readonly messageKo: string;
  constructor(problems: Array<{ field: string; message: string; messageKo: string }>) {
    const summary = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    super('validation', `the mapping file cannot be used: ${summary}`, {
      problems: problems.map(({ field, message }) => ({ field, message })),
    });
    this.name = 'MappingFileError';
    this.messageKo = `매핑 파일을 사용할 수 없습니다: ${problems.map((p) => `${p.field}: ${p.messageKo}`).join('; ')}`;
  }
}

const targetList = `${FORM_FIELDS.join(', ')}, agencyCode, agencyName, externalId, extra:<name>`;

/** The candidate(s) a misspelt word most likely meant: those it begins, else the nearest by edit distance. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const starting = lower.length >= 3 ? candidates.filter((c) => c.toLowerCase().startsWith(lower)) : [];
  if (starting.length > 0 && starting.length <= 3) return starting.join('" or "');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = levenshtein(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

const mappingFileSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(2_000).optional(),
    columns: z.record(z.string().trim().min(1), z.union([z.string(), z.array(z.string()).min(1)])),
    constants: z.record(z.string(), z.unknown()).optional(),
    valueMaps: z.record(z.string(), z.record(z.string(), z.string())).optional(),
    matchLabels: z.boolean().optional(),
    optionalColumns: z.array(z.string()).optional(),
    requiredTargets: z.array(z.enum(['agencyCode', 'agencyName', 'externalId'])).optional(),
  })
  .strict();

/**
 * Read and check a user's mapping file (JSON). Every mistake is reported at once, with where it is
 * and, for a misspelt target, the nearest valid one.
 *
 * @example
 * loadMappingFile('{"name":"기관 목록","columns":{"자료명":"title","설명":"description"},"constants":{"readiness":"raw", …}}')
 * // → { name: '기관 목록', source: 'file:기관 목록', columns: { 자료명: 'title', … }, … }
 */
export function loadMappingFile(input: string | unknown): Mapping {
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input.replace(/^\uFEFF/, ''));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new MappingFileError([{ field: 'file', message: `not valid JSON: ${detail}`, messageKo: `올바른 JSON이 아닙니다: ${detail}` }]);
    }
  }
  const parsed = mappingFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new MappingFileError(
      parsed.error.issues.map((issue) => {
        const field = issue.path.join('.') || 'file';
        const message =
          issue.code === 'unrecognized_keys'
            ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')} (allowed: name, description, columns, constants, valueMaps, matchLabels, optionalColumns, requiredTargets)`
            : issue.message;
        return { field, message, messageKo: issue.code === 'unrecognized_keys' ? `알 수 없는 키: ${issue.keys.join(', ')}` : message };
      }),
    );
  }
  const file = parsed.data;
  const problems: Array<{ field: string; message: string; messageKo: string }> = [];
  const targetsUsed = new Set<string>();

  for (const [column, mapped] of Object.entries(file.columns)) {
    for (const target of Array.isArray(mapped) ? mapped : [mapped]) {
      if (isMappingTarget(target)) {
        targetsUsed.add(target);
        continue;
      }
      const near = closest(target, [...FORM_FIELDS, 'agencyCode', 'agencyName', 'externalId']);
      problems.push({
        field: `columns.${column}`,
        message: `unknown target "${target}"${near ? ` (did you mean "${near}"?)` : ''}; targets are ${targetList}`,
        messageKo: `알 수 없는 대상 "${target}"${near ? ` ("${near}"인가요?)` : ''}; 가능한 대상: ${targetList}`,
      });
    }
  }

  const constants: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(file.constants ?? {})) {
    if (!FIELD_SET.has(field)) {
      const near = closest(field, FORM_FIELDS);
      problems.push({
        field: `constants.${field}`,
        message: `not a form field${near ? ` (did you mean "${near}"?)` : ''}`,
        messageKo: `조사표 항목이 아닙니다${near ? ` ("${near}"인가요?)` : ''}`,
      });
      continue;
    }
    const check = censusFormSchema.shape[field as FormField].safeParse(value);
    if (!check.success) {
      const detail = check.error.issues.map((i) => i.message).join('; ');
      problems.push({ field: `constants.${field}`, message: `invalid value: ${detail}`, messageKo: `값이 올바르지 않습니다: ${detail}` });
      continue;
    }
    constants[field] = value;
  }

  for (const [target, map] of Object.entries(file.valueMaps ?? {})) {
    if (!targetsUsed.has(target)) {
      problems.push({
        field: `valueMaps.${target}`,
        message: `no column is mapped to "${target}"`,
        messageKo: `"${target}"에 연결된 열이 없습니다`,
      });
      continue;
    }
    const choices = FIELD_CHOICES[target as FormField];
    const allowed = target === 'domain' ? Object.keys(DEFAULT_DOMAINS) : choices ? Object.keys(choices) : undefined;
    if (!allowed) continue;
    for (const [from, to] of Object.entries(map)) {
      if (!allowed.includes(to)) {
        problems.push({
          field: `valueMaps.${target}.${from}`,
          message: `"${to}" is not a value of ${target} (allowed: ${allowed.join(', ')})`,
          messageKo: `"${to}"은(는) ${FIELD_LABELS[target as FormField].ko}의 값이 아닙니다 (가능: ${allowed.join(', ')})`,
        });
      }
    }
  }

  for (const column of file.optionalColumns ?? []) {
    if (!(column in file.columns)) {
      problems.push({
        field: 'optionalColumns',
        message: `"${column}" is not one of the mapped columns`,
        messageKo: `"${column}"은(는) 매핑된 열이 아닙니다`,
      });
    }
  }

  if (!file.matchLabels) {
    for (const field of REQUIRED_FIELDS) {
      if (!targetsUsed.has(field) && constants[field] === undefined) {
        problems.push({
          field: 'columns',
          message: `no column or constant gives the required field "${field}" (${FIELD_LABELS[field].en})`,
          messageKo: `필수 항목 "${FIELD_LABELS[field].ko}"(${field})을(를) 채우는 열이나 상수가 없습니다`,
        });
      }
    }
  }

  if (problems.length > 0) throw new MappingFileError(problems);
  const mapping: Mapping = {
    name: file.name,
    source: `file:${file.name}`,
    columns: file.columns as Record<string, MappingTarget | MappingTarget[]>,
    constants: constants as Partial<CensusFormInput>,
  };
  if (file.valueMaps) mapping.valueMaps = file.valueMaps as Mapping['valueMaps'] & object;
  if (file.matchLabels !== undefined) mapping.matchLabels = file.matchLabels;
  if (file.optionalColumns) mapping.optionalColumns = file.optionalColumns;
  if (file.requiredTargets) mapping.requiredTargets = file.requiredTargets;
  return mapping;
}

/**
 * A mapping by name ('native', 'data-go-kr') or, given the text of a mapping file, loaded from it.
 *
 * @example resolveMapping('data-go-kr').source // 'data-go-kr'
 */
export function resolveMapping(nameOrFile: string): Mapping {
  const named = NAMED_MAPPINGS[nameOrFile];
  if (named) return named;
  if (nameOrFile.trimStart().startsWith('{')) return loadMappingFile(nameOrFile);
  throw new MappingFileError([
    {
      field: 'mapping',
      message: `unknown mapping "${nameOrFile}" (built in: ${Object.keys(NAMED_MAPPINGS).join(', ')}, or a mapping file)`,
      messageKo: `알 수 없는 매핑 "${nameOrFile}" (내장: ${Object.keys(NAMED_MAPPINGS).join(', ')}, 또는 매핑 파일)`,
    },
  ]);
}
