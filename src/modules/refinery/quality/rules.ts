/**
 * Declared data-quality rules, in the spirit of Great Expectations' expectations and Deequ's
 * checks: a YAML file lists rules, each rule is checked on CSV (UTF-8), Parquet or JSONL files by
 * DuckDB, and each result names the failing rows by their real row number in the file.
 *
 *   version: 1
 *   file: "*.csv"                 # optional: which files the rules apply to (glob, default: all)
 *   rules:
 *     - { kind: not_null, column: 상호명 }
 *     - { kind: unique, columns: [사업자번호, 지점] }
 *     - { kind: range, column: 면적, min: 0, max: 100000 }          # numbers, or ISO dates 'YYYY-MM-DD'
 *     - { kind: pattern, column: 전화번호, pattern: '^0\d{1,2}-\d{3,4}-\d{4}$' }
 *     - { kind: allowed_values, column: 상태, values: [영업, 휴업, 폐업] }
 *     - { kind: length, column: 상호명, min: 1, max: 100 }
 *     - { kind: row_count, min: 1 }
 *     - { kind: condition, when: "상태 = '폐업'", check: "폐업일자 >= 개업일자" }
 *
 * Every rule may also carry `file` (a glob that overrides the top-level one) and `name`. Nothing a
 * user writes is spliced into SQL: columns go through sqlIdentifier, texts through sqlString,
 * numbers through Number, and `condition` is parsed by ./condition.ts.
 *
 * Semantics, all documented in docs/quality-indicators.md:
 * - a missing value is NULL or only white space; CSV files are read with every column as text
 *   (all_varchar) and each rule casts what it needs, so "12a" fails a range rule instead of
 *   stopping the read;
 * - not_null checks every row; the other column rules check the rows that have a value (pair them
 *   with not_null to forbid missing values);
 * - unique fails every row whose key (all key columns present) occurs more than once;
 * - condition checks the rows where `when` holds (all rows without `when`) and fails those where
 *   `check` is false or cannot be decided (a missing or unreadable value): write
 *   `… or 폐업일자 is null` to allow a missing one;
 * - row numbers count data rows from 1 (the CSV header is not a row; a quoted value spanning lines
 *   is still one row), taken from DuckDB's `WITH ORDINALITY` on the file scan, which numbers rows
 *   in file order also with several threads (checked on 1.5 million rows in rules.test.ts).
 */
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { sqlIdentifier, sqlString, type DuckDb } from '../duckdb.js';
import { ExpressionError, compileExpression, expressionColumns, parseExpression, type Expression } from './condition.js';

export const RULE_KINDS = ['not_null', 'unique', 'range', 'pattern', 'allowed_values', 'length', 'row_count', 'condition'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
/** Failing rows listed per rule; the count covers them all. */
export const MAX_FAILING_ROWS = 100;

const common = { file: z.string().min(1).optional(), name: z.string().optional() };
const column = z.string().min(1);
const bound = z.union([z.number(), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a number or a date YYYY-MM-DD')]);
const count = z.number().int().nonnegative();

const SCHEMAS = {
  not_null: z.strictObject({ kind: z.literal('not_null'), column, ...common }),
  unique: z.strictObject({ kind: z.literal('unique'), column: column.optional(), columns: z.array(column).min(1).optional(), ...common }),
  range: z.strictObject({ kind: z.literal('range'), column, min: bound.optional(), max: bound.optional(), ...common }),
  pattern: z.strictObject({ kind: z.literal('pattern'), column, pattern: z.string().min(1), ...common }),
  allowed_values: z.strictObject({
    kind: z.literal('allowed_values'),
    column,
    values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
    ...common,
  }),
  length: z.strictObject({ kind: z.literal('length'), column, min: count.optional(), max: count.optional(), ...common }),
  row_count: z.strictObject({ kind: z.literal('row_count'), min: count.optional(), max: count.optional(), ...common }),
  condition: z.strictObject({ kind: z.literal('condition'), when: z.string().min(1).optional(), check: z.string().min(1), ...common }),
} satisfies Record<RuleKind, z.ZodType>;

type Parsed<K extends RuleKind> = z.infer<(typeof SCHEMAS)[K]>;

/** A checked rule, ready to run. */
export type Rule =
  | (Parsed<'not_null'> & { index: number })
  | (Omit<Parsed<'unique'>, 'column' | 'columns'> & { index: number; columns: string[]; columnField: 'column' | 'columns' })
  | (Parsed<'range'> & { index: number })
  | (Parsed<'pattern'> & { index: number })
  | (Parsed<'allowed_values'> & { index: number })
  | (Parsed<'length'> & { index: number })
  | (Parsed<'row_count'> & { index: number })
  | (Parsed<'condition'> & { index: number; whenTree?: Expression; checkTree: Expression });

export interface RuleSet {
  /** Top-level glob: which files the rules apply to (undefined: every tabular file). */
  file?: string;
  rules: Rule[];
}

export interface RuleProblem {
  /** e.g. `rules[3].column` */
  field: string;
  message: string;
}

/** A rule file that cannot be used as written; `problems` name each rule and field. */
export class RuleFileError extends Error {
  constructor(readonly problems: RuleProblem[]) {
    super(`The rule file is not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'RuleFileError';
  }
}

function fieldPath(base: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, key) => (typeof key === 'number' ? `${s}[${key}]` : `${s}.${String(key)}`), base);
}

function zodProblems(base: string, error: z.ZodError): RuleProblem[] {
  return error.issues.flatMap((issue): RuleProblem[] => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ field: fieldPath(base, [...issue.path, key]), message: 'unknown field' }));
    if (issue.code === 'invalid_type' && issue.input === undefined) return [{ field: fieldPath(base, issue.path), message: 'is required' }];
    if (issue.code === 'invalid_type') return [{ field: fieldPath(base, issue.path), message: `expected ${issue.expected}` }];
    return [{ field: fieldPath(base, issue.path), message: issue.message }];
  });
}

/**
 * A problem with a pattern, or undefined when both JavaScript and DuckDB (RE2) can run it: RE2 has
 * no look-around and no back-references, so those are refused here instead of failing mid-check.
 */
export function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    return `not a valid regular expression: ${(error as Error).message}`;
  }
  if (/\(\?<?[=!]/u.test(pattern)) return 'look-ahead and look-behind ((?=, (?!, (?<=, (?<!) are not supported by DuckDB (RE2)';
  if (/\\[1-9]|\\k</u.test(pattern)) return 'back-references (\\1, \\k<name>) are not supported by DuckDB (RE2)';
  return undefined;
}

function parseCondition(source: string, field: string, problems: RuleProblem[]): Expression | undefined {
  try {
    return parseExpression(source);
  } catch (error) {
    if (error instanceof ExpressionError) {
      problems.push({ field, message: error.message });
      return undefined;
    }
    throw error;
  }
}

/**
 * Parses and checks a YAML rule file; throws {@link RuleFileError} naming every problem
 * (`rules[3].pattern: look-ahead … not supported`).
 *
 * @example parseRuleFile('rules:\n  - { kind: not_null, column: 상호명 }').rules[0] // { kind: 'not_null', column: '상호명', index: 0 }
 */
export function parseRuleFile(text: string): RuleSet {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new RuleFileError([{ field: '(file)', message: `not valid YAML: ${(error as Error).message.split('\n')[0]}` }]);
  }
  const top = z.strictObject({ version: z.literal(1).optional(), file: z.string().min(1).optional(), rules: z.array(z.unknown()).min(1) });
  const parsedTop = top.safeParse(document);
  if (!parsedTop.success) {
    const problems = zodProblems('', parsedTop.error).map((p) => ({ ...p, field: p.field.replace(/^\./u, '') || '(file)' }));
    throw new RuleFileError(problems);
  }
  const problems: RuleProblem[] = [];
  const rules: Rule[] = [];
  parsedTop.data.rules.forEach((raw, index) => {
    const base = `rules[${index}]`;
    const kind = (raw as { kind?: unknown } | null)?.kind;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push({ field: base, message: 'expected a mapping with a kind' });
      return;
    }
    if (!(RULE_KINDS as readonly unknown[]).includes(kind)) {
      problems.push({
        field: `${base}.kind`,
        message: `${kind === undefined ? 'is required' : `unknown kind "${String(kind)}"`}: use ${RULE_KINDS.join(', ')}`,
      });
      return;
    }
    const result = SCHEMAS[kind as RuleKind].safeParse(raw);
    if (!result.success) {
      problems.push(...zodProblems(base, result.error));
      return;
    }
    const rule = result.data;
    const before = problems.length;
    if (rule.kind === 'range' || rule.kind === 'length' || rule.kind === 'row_count') {
      const { min, max } = rule as { min?: number | string; max?: number | string };
      if (min === undefined && max === undefined) problems.push({ field: base, message: 'give min, max or both' });
      else if (min !== undefined && max !== undefined) {
        if (typeof min !== typeof max) problems.push({ field: `${base}.max`, message: 'min and max must both be numbers or both dates' });
        else if (min > max) problems.push({ field: `${base}.max`, message: `is below min (${min})` });
      }
    }
    switch (rule.kind) {
      case 'unique': {
        if ((rule.column === undefined) === (rule.columns === undefined)) {
          problems.push({ field: base, message: 'give column or columns (one of them)' });
          break;
        }
        const { column: single, columns: several, ...rest } = rule;
        if (problems.length === before)
          rules.push({ ...rest, columns: several ?? [single!], columnField: several ? 'columns' : 'column', index });
        return;
      }
      case 'pattern': {
        const problem = patternProblem(rule.pattern);
        if (problem) problems.push({ field: `${base}.pattern`, message: problem });
        break;
      }
      case 'condition': {
        const whenTree = rule.when === undefined ? undefined : parseCondition(rule.when, `${base}.when`, problems);
        const checkTree = parseCondition(rule.check, `${base}.check`, problems);
        if (problems.length === before && checkTree) rules.push({ ...rule, index, checkTree, ...(whenTree ? { whenTree } : {}) });
        return;
      }
      case 'not_null':
      case 'range':
      case 'allowed_values':
      case 'length':
      case 'row_count':
        break;
    }
    if (problems.length === before) rules.push({ ...rule, index } as Rule);
  });
  if (problems.length) throw new RuleFileError(problems);
  return { ...(parsedTop.data.file ? { file: parsedTop.data.file } : {}), rules };
}

/** The columns a rule reads. */
export function ruleColumns(rule: Rule): string[] {
  switch (rule.kind) {
    case 'unique':
      return rule.columns;
    case 'row_count':
      return [];
    case 'condition':
      return [...new Set([...(rule.whenTree ? expressionColumns(rule.whenTree) : []), ...expressionColumns(rule.checkTree)])];
    case 'not_null':
    case 'range':
    case 'pattern':
    case 'allowed_values':
    case 'length':
      return [rule.column];
  }
}

/** Glob (`*` within a folder, `**` across folders, `?` one character) as a regular expression. */
function globRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/gu, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}

/**
 * Whether a rule applies to a file: its own `file` glob, else the rule set's, else yes. The glob
 * is matched against the path relative to the checked folder (with /) and against the bare name.
 *
 * @example ruleApplies({ kind: 'row_count', min: 1, index: 0, file: '*.csv' }, undefined, 'sub/a.csv') // true
 */
export function ruleApplies(rule: Rule, setGlob: string | undefined, relativePath: string): boolean {
  const glob = rule.file ?? setGlob;
  if (glob === undefined) return true;
  const pattern = globRegExp(glob);
  const posix = relativePath.split(path.sep).join('/');
  return pattern.test(posix) || pattern.test(path.posix.basename(posix));
}

export type TabularFormat = 'csv' | 'parquet' | 'jsonl';

/**
 * The format a file is read as, from its extension; undefined for files the rules do not read.
 *
 * @example tabularFormat('상가.csv') // 'csv'
 */
export function tabularFormat(file: string): TabularFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.parquet') return 'parquet';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return undefined;
}

function scanSql(file: string, format: TabularFormat): string {
  const source = sqlString(path.resolve(file));
  switch (format) {
    case 'csv':
      return `read_csv(${source}, header = true, all_varchar = true)`;
    case 'parquet':
      return `read_parquet(${source})`;
    case 'jsonl':
      return `read_json(${source}, format = 'newline_delimited')`;
  }
}

export interface FailingRow {
  /** 1-based data row number in the file (the CSV header is not counted). */
  row: number;
  /** The rule's columns, as text (null when missing). */
  values: Record<string, string | null>;
}

export interface RuleResult {
  rule: number;
  name?: string;
  kind: RuleKind;
  file: string;
  columns: string[];
  passed: boolean;
  /** Rows the rule looked at (row_count: the file, 1). */
  checked: number;
  failed: number;
  /** The first {@link MAX_FAILING_ROWS} failing rows in file order. */
  failingRows: FailingRow[];
  message: { ko: string; en: string };
}

interface RuleSql {
  /** Rows the rule looks at. */
  applies: string;
  /** Of those, the failing ones. */
  fails: string;
  /** A window column the predicate needs (unique). */
  window?: string;
}

const ROW = '"__datadam_row"';
const DUPLICATES = '"__datadam_duplicates"';

function present(columnName: string): string {
  const id = sqlIdentifier(columnName);
  return `(${id} IS NOT NULL AND trim(CAST(${id} AS VARCHAR)) <> '')`;
}

function text(columnName: string): string {
  return `CAST(${sqlIdentifier(columnName)} AS VARCHAR)`;
}

function boundSql(value: number | string): string {
  return typeof value === 'number' ? `CAST(${String(value)} AS DOUBLE)` : `CAST(${sqlString(value)} AS DATE)`;
}

function ruleSql(rule: Exclude<Rule, { kind: 'row_count' }>): RuleSql {
  switch (rule.kind) {
    case 'not_null':
      return { applies: 'true', fails: `NOT ${present(rule.column)}` };
    case 'unique': {
      const keys = rule.columns.map((c) => text(c)).join(', ');
      return {
        applies: rule.columns.map(present).join(' AND '),
        fails: `${DUPLICATES} > 1`,
        window: `count(*) OVER (PARTITION BY ${keys}) AS ${DUPLICATES}`,
      };
    }
    case 'range': {
      const type = typeof (rule.min ?? rule.max) === 'number' ? 'DOUBLE' : 'DATE';
      const value = `TRY_CAST(trim(${text(rule.column)}) AS ${type})`;
      const outside = [
        `${value} IS NULL`,
        ...(rule.min !== undefined ? [`${value} < ${boundSql(rule.min)}`] : []),
        ...(rule.max !== undefined ? [`${value} > ${boundSql(rule.max)}`] : []),
      ];
      return { applies: present(rule.column), fails: `(${outside.join(' OR ')})` };
    }
    case 'pattern':
      return { applies: present(rule.column), fails: `NOT regexp_matches(${text(rule.column)}, ${sqlString(rule.pattern)})` };
    case 'allowed_values':
      return {
        applies: present(rule.column),
        fails: `${text(rule.column)} NOT IN (${rule.values.map((v) => sqlString(String(v))).join(', ')})`,
      };
    case 'length': {
      const length = `length(${text(rule.column)})`;
      const outside = [
        ...(rule.min !== undefined ? [`${length} < ${rule.min}`] : []),
        ...(rule.max !== undefined ? [`${length} > ${rule.max}`] : []),
      ];
      return { applies: present(rule.column), fails: `(${outside.join(' OR ')})` };
    }
    case 'condition':
      return {
        applies: rule.whenTree ? `coalesce(${compileExpression(rule.whenTree)}, false)` : 'true',
        fails: `NOT coalesce(${compileExpression(rule.checkTree)}, false)`,
      };
  }
}

function describeRule(rule: Rule): { ko: string; en: string } {
  const columns = ruleColumns(rule).join(', ');
  const limits = (r: { min?: number | string; max?: number | string }) =>
    r.min !== undefined && r.max !== undefined ? `${r.min}–${r.max}` : r.min !== undefined ? `≥ ${r.min}` : `≤ ${r.max}`;
  switch (rule.kind) {
    case 'not_null':
      return { ko: `${columns} 값 있음`, en: `${columns} has a value` };
    case 'unique':
      return { ko: `${columns} 중복 없음`, en: `${columns} is unique` };
    case 'range':
      return { ko: `${columns} 범위 ${limits(rule)}`, en: `${columns} within ${limits(rule)}` };
    case 'pattern':
      return { ko: `${columns} 형식 /${rule.pattern}/`, en: `${columns} matches /${rule.pattern}/` };
    case 'allowed_values':
      return { ko: `${columns} 허용값 ${rule.values.join(', ')}`, en: `${columns} is one of ${rule.values.join(', ')}` };
    case 'length':
      return { ko: `${columns} 글자 수 ${limits(rule)}`, en: `${columns} has ${limits(rule)} characters` };
    case 'row_count':
      return { ko: `행 수 ${limits(rule)}`, en: `row count ${limits(rule)}` };
    case 'condition':
      return rule.when
        ? { ko: `${rule.when}이면 ${rule.check}`, en: `when ${rule.when}: ${rule.check}` }
        : { ko: `${rule.check}`, en: `${rule.check}` };
  }
}

function message(rule: Rule, checked: number, failed: number): { ko: string; en: string } {
  const what = describeRule(rule);
  if (rule.kind === 'row_count') {
    return failed
      ? { ko: `${what.ko}: 실패 (${checked}행)`, en: `${what.en}: failed (${checked} rows)` }
      : { ko: `${what.ko}: 통과 (${checked}행)`, en: `${what.en}: passed (${checked} rows)` };
  }
  return failed
    ? { ko: `${what.ko}: ${checked}행 중 ${failed}행 위반`, en: `${what.en}: ${failed} of ${checked} rows fail` }
    : { ko: `${what.ko}: ${checked}행 모두 통과`, en: `${what.en}: all ${checked} rows pass` };
}

/**
 * The columns of a tabular file, as DuckDB reads it.
 *
 * @example await fileColumns(db, '/data/a.csv', 'csv') // ['상호명', '개업일자', …]
 */
export async function fileColumns(db: DuckDb, file: string, format: TabularFormat): Promise<string[]> {
  const rows = await db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${scanSql(file, format)}`);
  return rows.map((r) => r.column_name);
}

/**
 * Problems of the rules that apply to a file whose columns are known: unknown columns, named as
 * `rules[3].column: unknown column "주소" in a.csv`.
 */
export function columnProblems(rules: readonly Rule[], columns: readonly string[], fileLabel: string): RuleProblem[] {
  const known = new Set(columns);
  const problems: RuleProblem[] = [];
  for (const rule of rules) {
    const names = ruleColumns(rule);
    for (const name of names) {
      if (known.has(name)) continue;
      const field =
        rule.kind === 'unique'
          ? `rules[${rule.index}].${rule.columnField}`
          : rule.kind === 'condition'
            ? `rules[${rule.index}].${rule.whenTree && expressionColumns(rule.whenTree).includes(name) ? 'when' : 'check'}`
            : `rules[${rule.index}].column`;
      problems.push({ field, message: `unknown column "${name}" in ${fileLabel} (columns: ${columns.join(', ')})` });
    }
  }
  return problems;
}

/**
 * Runs rules on one file through DuckDB and returns one result per rule, in rule order. Throws
 * {@link RuleFileError} when a rule names a column the file does not have.
 *
 * @example
 * const db = await openDuckDb({ allowedDirectories: ['/data/up-1'] });
 * const results = await runRules(db, parseRuleFile(yamlText).rules, '/data/up-1/상가.csv', '상가.csv');
 */
export async function runRules(db: DuckDb, rules: readonly Rule[], file: string, fileLabel = path.basename(file)): Promise<RuleResult[]> {
  const format = tabularFormat(file);
  if (!format) throw new Error(`${fileLabel} is not a CSV, Parquet or JSONL file`);
  const columns = await fileColumns(db, file, format);
  const problems = columnProblems(rules, columns, fileLabel);
  if (problems.length) throw new RuleFileError(problems);
  if (columns.includes('ordinality')) throw new Error(`${fileLabel} has a column named "ordinality", which the row numbering needs`);
  const source = `(SELECT *, ordinality AS ${ROW} FROM ${scanSql(file, format)} WITH ORDINALITY)`;
  const results: RuleResult[] = [];
  for (const rule of rules) {
    const base = {
      rule: rule.index,
      ...(rule.name !== undefined ? { name: rule.name } : {}),
      kind: rule.kind,
      file: fileLabel,
      columns: ruleColumns(rule),
    };
    if (rule.kind === 'row_count') {
      const [row] = await db.all<{ n: number }>(`SELECT count(*) AS n FROM ${scanSql(file, format)}`);
      const n = Number(row!.n);
      const failed = (rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max) ? 1 : 0;
      results.push({ ...base, passed: failed === 0, checked: n, failed, failingRows: [], message: message(rule, n, failed) });
      continue;
    }
    const sql = ruleSql(rule);
    const scoped = sql.window ? `(SELECT *, ${sql.window} FROM ${source} WHERE ${sql.applies})` : source;
    let counts: { checked: number; failed: number };
    let failing: Array<Record<string, unknown>>;
    try {
      [counts] = (await db.all<{ checked: number; failed: number }>(
        `SELECT count(*) FILTER (WHERE ${sql.applies}) AS checked, count(*) FILTER (WHERE (${sql.applies}) AND (${sql.fails})) AS failed FROM ${scoped}`,
      )) as [{ checked: number; failed: number }];
      const values = base.columns.map((c, i) => `${text(c)} AS "v${i}"`).join(', ');
      failing = await db.all(
        `SELECT ${ROW} AS "row"${values ? `, ${values}` : ''} FROM ${scoped} WHERE (${sql.applies}) AND (${sql.fails}) ORDER BY ${ROW} LIMIT ${MAX_FAILING_ROWS}`,
      );
    } catch (error) {
      // The only user text DuckDB can still refuse is a pattern RE2 does not accept.
      if (rule.kind === 'pattern')
        throw new RuleFileError([{ field: `rules[${rule.index}].pattern`, message: `DuckDB refused it: ${(error as Error).message}` }]);
      throw error;
    }
    const checked = Number(counts.checked);
    const failed = Number(counts.failed);
    results.push({
      ...base,
      passed: failed === 0,
      checked,
      failed,
      failingRows: failing.map((row) => ({
        row: Number(row.row),
        values: Object.fromEntries(base.columns.map((c, i) => [c, (row[`v${i}`] as string | null) ?? null])),
      })),
      message: message(rule, checked, failed),
    });
  }
  return results;
}
