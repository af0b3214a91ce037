/**
 * Turns a recipe into SQL, step by step, against the columns the data actually has. Each step
 * becomes one `select … from <previous>` (a CTE in the end), plus the aggregates that count what it
 * did (rows removed, values nulled). Nothing from the recipe reaches SQL except through
 * `sqlIdentifier` and `sqlString`; `filter` conditions are compiled from the parsed tree.
 */
import { AppError, type FieldProblem } from '../../../core/errors.js';
import { sqlIdentifier, sqlString } from '../duckdb.js';
import { conditionColumns, duckDbType, parseCondition, type Condition, type Literal, type Recipe, type RecipeStep } from './recipe.js';

/** The hidden column that keeps file order; a recipe may not use the name. */
export const ROW_COLUMN = '__datadam_row';

export interface Column {
  name: string;
  /** DuckDB's type name, e.g. VARCHAR, BIGINT, DATE, DECIMAL(10,2). */
  type: string;
}

/** One count a step reports, computed as an aggregate over the step's input. */
export interface StepCount {
  /** nulled: a value that became null because it could not be read; precision_lost: an id in E notation; changed; filled; scientific. */
  kind: 'nulled' | 'precision_lost' | 'changed' | 'filled' | 'scientific';
  column: string;
  /** An aggregate expression, e.g. `count(*) filter (where …)`. */
  sql: string;
}

export interface CompiledStep {
  /** Where the step came from: `input` (the implicit normalisation), `steps[3]`, or `schema`. */
  at: string;
  op: string;
  /** `select … from {input}`; `{input}` is replaced by the previous stage's name. */
  select: string;
  columns: Column[];
  counts: StepCount[];
  /** Set for steps that stop the run when a count is above 0 (parse_number with on_precision_loss: fail). */
  failOn?: { kind: StepCount['kind']; message: string };
}

/** SQL macros the compiled steps call; created once per connection before the queries run. */
export const RECIPE_MACROS: readonly string[] = [
  // Unicode-aware trim: spaces, tabs, no-break space, ideographic (full-width) space, BOM.
  `create or replace temp macro datadam_trim(v) as regexp_replace(v, '^[\\s\\x{a0}\\x{3000}\\x{feff}]+|[\\s\\x{a0}\\x{3000}\\x{feff}]+$', '', 'g')`,
  `create or replace temp macro datadam_blank(v) as v is null or datadam_trim(cast(v as varchar)) = ''`,
  // Dates: 2020.12.31, 2020. 12. 31., 2020-12-31, 2020/12/31, 2020년 12월 31일, 20201231; with_time
  // also lets a trailing time (2004.4.26 16:49) through, dropped. Each form is rewritten to Y-M-D and
  // read by try_strptime, which rejects impossible days (2021-02-30).
  `create or replace temp macro datadam_date_ymd(s, with_time) as case
     when regexp_matches(s, '^\\d{4}\\s*(?:[./-]|년)\\s*\\d{1,2}\\s*(?:[./-]|월)\\s*\\d{1,2}\\s*(?:\\.|일)?' || (case when with_time then '(?:[\\sT]+\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?)?$' else '$' end))
       then regexp_replace(s, '^(\\d{4})\\s*(?:[./-]|년)\\s*(\\d{1,2})\\s*(?:[./-]|월)\\s*(\\d{1,2}).*$', '\\1-\\2-\\3')
     when regexp_matches(s, '^\\d{8}' || (case when with_time then '(?:[\\sT]+\\d{1,2}:?\\d{2}(?::?\\d{2})?)?$' else '$' end))
       then regexp_replace(s, '^(\\d{4})(\\d{2})(\\d{2}).*$', '\\1-\\2-\\3')
     end`,
  `create or replace temp macro datadam_parse_date(v, with_time) as
     cast(try_strptime(datadam_date_ymd(datadam_trim(cast(v as varchar)), with_time), '%Y-%m-%d') as date)`,
  // Numbers: full-width digits and signs to ASCII, spaces out, thousands separators out (only when
  // they are in thousands positions, so a decimal comma is not silently misread).
  `create or replace temp macro datadam_number_clean(v) as
     regexp_replace(translate(datadam_trim(cast(v as varchar)), '０１２３４５６７８９，．－＋ｅＥ', '0123456789,.-+eE'), '\\s+', '', 'g')`,
  `create or replace temp macro datadam_drop_thousands(s) as
     case when regexp_matches(s, '^[+-]?\\d{1,3}(,\\d{3})+(\\.\\d+)?$') then replace(s, ',', '') else s end`,
  `create or replace temp macro datadam_number_text(v) as datadam_drop_thousands(datadam_number_clean(v))`,
  `create or replace temp macro datadam_scientific(s) as regexp_matches(s, '^[+-]?\\d+(\\.\\d+)?[eE][+-]?\\d+$')`,
];

const TEXT = 'VARCHAR';
const isText = (type: string) => type === TEXT;
const isNumeric = (type: string) =>
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/.test(type);

/** A recipe that does not fit the data: names the field, exits 2 from the CLI. */
function misfit(problems: FieldProblem[]): AppError {
  return new AppError('validation', `The recipe does not fit the data: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, {
    problems,
  });
}

function listColumns(columns: readonly Column[]): string {
  const names = columns.map((c) => c.name);
  return names.length > 12 ? `${names.slice(0, 12).join(', ')}, … (${names.length})` : names.join(', ');
}

/** Checks column names exist; returns them as Column objects. */
function pick(columns: readonly Column[], names: readonly string[], field: string): Column[] {
  const problems: FieldProblem[] = [];
  const picked: Column[] = [];
  for (const name of names) {
    const column = columns.find((c) => c.name === name);
    if (column) picked.push(column);
    else problems.push({ field, message: `no column "${name}" at this step (columns: ${listColumns(columns)})` });
  }
  if (problems.length) throw misfit(problems);
  return picked;
}

/** `all` → every text column; a list → those columns, which must be text. */
function pickText(columns: readonly Column[], selection: 'all' | readonly string[], field: string): Column[] {
  if (selection === 'all') return columns.filter((c) => isText(c.type));
  const picked = pick(columns, selection, field);
  const notText = picked.filter((c) => !isText(c.type));
  if (notText.length) throw misfit(notText.map((c) => ({ field, message: `"${c.name}" is ${c.type}, not text` })));
  return picked;
}

/** `select <row>, <expr or column>… from {input}` with the given replacements. */
function selectWith(columns: readonly Column[], replacements: ReadonlyMap<string, string>): string {
  const list = columns.map((c) => {
    const expr = replacements.get(c.name);
    return expr === undefined ? sqlIdentifier(c.name) : `${expr} as ${sqlIdentifier(c.name)}`;
  });
  return `select ${[sqlIdentifier(ROW_COLUMN), ...list].join(', ')} from {input}`;
}

const countWhere = (condition: string) => `count(*) filter (where ${condition})`;

/** Counts of values the expression nulled (non-blank before, null after). */
function nulledCount(column: Column, expr: string, except?: string): StepCount {
  const id = sqlIdentifier(column.name);
  const unless = except === undefined ? '' : ` and not (${except})`;
  return { kind: 'nulled', column: column.name, sql: countWhere(`not datadam_blank(${id}) and (${expr}) is null${unless}`) };
}

function changedCount(column: Column, expr: string): StepCount {
  return { kind: 'changed', column: column.name, sql: countWhere(`${sqlIdentifier(column.name)} is distinct from (${expr})`) };
}

/** The SQL literal of a recipe value, cast to a column type. */
function typedLiteral(value: Literal, type: string): string {
  if (typeof value === 'number') return isNumeric(type) ? String(value) : `cast(${String(value)} as ${type})`;
  if (typeof value === 'boolean') return `cast(${value ? 'true' : 'false'} as ${type})`;
  return isText(type) ? sqlString(value) : `cast(${sqlString(value)} as ${type})`;
}

/** Compiles a parsed filter condition against the columns' types. */
export function conditionSql(condition: Condition, columns: readonly Column[]): string {
  const typeOf = (name: string) => columns.find((c) => c.name === name)!.type;
  /** The column side of a comparison with this literal: text compared with a number is read as a number. */
  const side = (name: string, value: Literal) => {
    const type = typeOf(name);
    if (typeof value === 'number' && !isNumeric(type)) return { column: `try_cast(${sqlIdentifier(name)} as double)`, type: 'DOUBLE' };
    if (typeof value === 'boolean' && type !== 'BOOLEAN') return { column: `try_cast(${sqlIdentifier(name)} as boolean)`, type: 'BOOLEAN' };
    return { column: sqlIdentifier(name), type };
  };
  switch (condition.kind) {
    case 'and':
    case 'or':
      return `(${conditionSql(condition.left, columns)} ${condition.kind} ${conditionSql(condition.right, columns)})`;
    case 'not':
      return `(not ${conditionSql(condition.operand, columns)})`;
    case 'null':
      return `(${sqlIdentifier(condition.column)} is ${condition.negated ? 'not ' : ''}null)`;
    case 'compare': {
      const { column, type } = side(condition.column, condition.value);
      return `(${column} ${condition.operator} ${typedLiteral(condition.value, type)})`;
    }
    case 'in': {
      const tests = condition.values.map((value) => {
        const { column, type } = side(condition.column, value);
        return `${column} = ${typedLiteral(value, type)}`;
      });
      return `(${condition.negated ? 'not ' : ''}(${tests.join(' or ')}))`;
    }
    case 'text': {
      const fn = { contains: 'contains', starts_with: 'starts_with', ends_with: 'suffix' }[condition.operator];
      return `${fn}(cast(${sqlIdentifier(condition.column)} as varchar), ${sqlString(condition.value)})`;
    }
  }
}

/** A check the caller runs in DuckDB before the data is touched (a regex compiles, a fill value fits). */
export interface PlanCheck {
  field: string;
  /** A query that throws when the recipe is wrong. */
  sql: string;
  message: string;
}

export interface CompiledRecipe {
  stages: CompiledStep[];
  /** The columns of the output, in order. */
  columns: Column[];
  checks: PlanCheck[];
}

/**
 * Compiles a recipe against the columns of its input (as DuckDB describes them), checking every
 * column name a step uses. A recipe that does not fit throws AppError('validation') naming the step.
 *
 * @example compileRecipe(parseRecipe('version: 1\nsteps: [{op: trim}]'), [{ name: '이름', type: 'VARCHAR' }]).stages.length // 2
 */
export function compileRecipe(recipe: Recipe, inputColumns: readonly Column[]): CompiledRecipe {
  if (inputColumns.some((c) => c.name === ROW_COLUMN))
    throw misfit([{ field: 'input', message: `a column may not be called ${ROW_COLUMN}` }]);
  const checks: PlanCheck[] = [];
  const stages: CompiledStep[] = [];
  let columns: Column[] = [...inputColumns];

  // Step 0, always: every text column in Unicode NFC (the bytes are UTF-8 already).
  stages.push(normalizeStage('input', columns, 'all'));

  recipe.steps.forEach((step, index) => {
    const stage = compileStep(step, `steps[${index}]`, columns, checks);
    stages.push(stage);
    columns = stage.columns;
  });

  if (recipe.schema) {
    const stage = schemaStage(recipe.schema.columns, columns);
    stages.push(stage);
    columns = stage.columns;
  }
  return { stages, columns, checks };
}

function normalizeStage(at: string, columns: Column[], selection: 'all' | string[]): CompiledStep {
  const picked = pickText(columns, selection, `${at}.columns`);
  const replacements = new Map(picked.map((c) => [c.name, `nfc_normalize(${sqlIdentifier(c.name)})`]));
  return {
    at,
    op: 'normalize_text',
    select: selectWith(columns, replacements),
    columns,
    counts: picked.map((c) => changedCount(c, replacements.get(c.name)!)),
  };
}

function compileStep(step: RecipeStep, at: string, columns: Column[], checks: PlanCheck[]): CompiledStep {
  switch (step.op) {
    case 'normalize_text':
      return normalizeStage(at, columns, step.columns === 'all' ? 'all' : step.columns);

    case 'trim': {
      const picked = pickText(columns, step.columns, `${at}.columns`);
      const replacements = new Map(
        picked.map((c) => {
          const trimmed = `datadam_trim(${sqlIdentifier(c.name)})`;
          return [c.name, step.empty_as_null ? `nullif(${trimmed}, '')` : trimmed];
        }),
      );
      return {
        at,
        op: step.op,
        select: selectWith(columns, replacements),
        columns,
        counts: picked.map((c) => changedCount(c, replacements.get(c.name)!)),
      };
    }

    case 'rename': {
      const renames = Object.entries(step.map);
      pick(
        columns,
        renames.map(([from]) => from),
        `${at}.map`,
      );
      const kept = step.drop_others ? columns.filter((c) => step.map[c.name] !== undefined) : columns;
      const next = kept.map((c) => ({ ...c, name: step.map[c.name] ?? c.name }));
      const seen = new Set<string>();
      for (const c of next) {
        if (seen.has(c.name)) throw misfit([{ field: `${at}.map`, message: `two columns would be called "${c.name}"` }]);
        seen.add(c.name);
      }
      if (seen.has(ROW_COLUMN)) throw misfit([{ field: `${at}.map`, message: `a column may not be called ${ROW_COLUMN}` }]);
      const list = kept.map((c) => `${sqlIdentifier(c.name)} as ${sqlIdentifier(step.map[c.name] ?? c.name)}`);
      return {
        at,
        op: step.op,
        select: `select ${[sqlIdentifier(ROW_COLUMN), ...list].join(', ')} from {input}`,
        columns: next,
        counts: [],
      };
    }

    case 'parse_date': {
      const picked = pick(columns, step.columns, `${at}.columns`);
      const withTime = step.time === 'drop' ? 'true' : 'false';
      const replacements = new Map<string, string>();
      const counts: StepCount[] = [];
      for (const c of picked) {
        const id = sqlIdentifier(c.name);
        const expr =
          c.type === 'DATE' ? id : c.type.startsWith('TIMESTAMP') ? `cast(${id} as date)` : `datadam_parse_date(${id}, ${withTime})`;
        replacements.set(c.name, expr);
        counts.push(nulledCount(c, expr));
      }
      const next = columns.map((c) => (replacements.has(c.name) ? { ...c, type: 'DATE' } : c));
      return { at, op: step.op, select: selectWith(columns, replacements), columns: next, counts };
    }

    case 'parse_number': {
      const picked = pick(columns, step.columns, `${at}.columns`);
      const targetType = step.type === 'text' ? TEXT : duckDbType(step.type)!;
      const replacements = new Map<string, string>();
      const counts: StepCount[] = [];
      for (const c of picked) {
        const { expr, extra } = numberExpr(c, targetType, step.id);
        replacements.set(c.name, expr);
        // An id nulled for precision loss is counted as that, not as unreadable.
        counts.push(
          nulledCount(c, expr, step.id ? `datadam_scientific(datadam_number_text(${sqlIdentifier(c.name)}))` : undefined),
          ...extra,
        );
      }
      const next = columns.map((c) => (replacements.has(c.name) ? { ...c, type: targetType } : c));
      const stage: CompiledStep = { at, op: step.op, select: selectWith(columns, replacements), columns: next, counts };
      if (step.id && step.on_precision_loss === 'fail') {
        stage.failOn = {
          kind: 'precision_lost',
          message: `${at} parse_number: identifiers in scientific notation (e.g. 3.62E+17) lost their digits in a spreadsheet; fix the source file`,
        };
      }
      return stage;
    }

    case 'cast': {
      const entries = Object.entries(step.columns);
      const picked = pick(
        columns,
        entries.map(([name]) => name),
        `${at}.columns`,
      );
      const replacements = new Map<string, string>();
      const counts: StepCount[] = [];
      for (const c of picked) {
        const type = duckDbType(step.columns[c.name]!)!;
        const source = isText(c.type) ? `datadam_trim(${sqlIdentifier(c.name)})` : sqlIdentifier(c.name);
        const expr = type === c.type ? sqlIdentifier(c.name) : `try_cast(${source} as ${type})`;
        replacements.set(c.name, expr);
        counts.push(nulledCount(c, expr));
      }
      const next = columns.map((c) => (replacements.has(c.name) ? { ...c, type: duckDbType(step.columns[c.name]!)! } : c));
      return { at, op: step.op, select: selectWith(columns, replacements), columns: next, counts };
    }

    case 'drop_columns': {
      pick(columns, step.columns, `${at}.columns`);
      const next = columns.filter((c) => !step.columns.includes(c.name));
      return { at, op: step.op, select: selectWith(next, new Map()), columns: next, counts: [] };
    }

    case 'filter': {
      const condition = parseCondition(step.where);
      pick(columns, [...new Set(conditionColumns(condition))], `${at}.where`);
      return { at, op: step.op, select: `select * from {input} where ${conditionSql(condition, columns)}`, columns, counts: [] };
    }

    case 'deduplicate': {
      const keys = step.columns === 'all' ? columns : pick(columns, step.columns, `${at}.columns`);
      const partition = keys.map((c) => sqlIdentifier(c.name)).join(', ');
      return {
        at,
        op: step.op,
        select: `select * from {input} qualify row_number() over (partition by ${partition} order by ${sqlIdentifier(ROW_COLUMN)}) = 1`,
        columns,
        counts: [],
      };
    }

    case 'fill_null': {
      const entries = Object.entries(step.values);
      const picked = pick(
        columns,
        entries.map(([name]) => name),
        `${at}.values`,
      );
      const replacements = new Map<string, string>();
      const counts: StepCount[] = [];
      for (const c of picked) {
        const value = step.values[c.name]!;
        const literal = typedLiteral(value, c.type);
        checks.push({ field: `${at}.values.${c.name}`, sql: `select ${literal}`, message: `${JSON.stringify(value)} is not a ${c.type}` });
        replacements.set(c.name, `coalesce(${sqlIdentifier(c.name)}, ${literal})`);
        counts.push({ kind: 'filled', column: c.name, sql: countWhere(`${sqlIdentifier(c.name)} is null`) });
      }
      return { at, op: step.op, select: selectWith(columns, replacements), columns, counts };
    }

    case 'replace': {
      const picked = pickText(columns, step.columns, `${at}.columns`);
      const replacements = new Map<string, string>();
      if (step.pattern !== undefined) {
        checks.push({
          field: `${at}.pattern`,
          sql: `select regexp_matches('', ${sqlString(step.pattern)})`,
          message: 'not a valid regular expression (RE2)',
        });
        for (const c of picked) {
          replacements.set(
            c.name,
            `regexp_replace(${sqlIdentifier(c.name)}, ${sqlString(step.pattern)}, ${sqlString(step.replacement ?? '')}, 'g')`,
          );
        }
      } else {
        const pairs = Object.entries(step.values ?? {});
        for (const c of picked) {
          const id = sqlIdentifier(c.name);
          const whens = pairs.map(([from, to]) => `when ${sqlString(from)} then ${to === null ? 'null' : sqlString(to)}`).join(' ');
          replacements.set(c.name, `case ${id} ${whens} else ${id} end`);
        }
      }
      return {
        at,
        op: step.op,
        select: selectWith(columns, replacements),
        columns,
        counts: picked.map((c) => changedCount(c, replacements.get(c.name)!)),
      };
    }
  }
}

/** Number repair to a type; ids in scientific notation are nulled and counted, never expanded. */
function numberExpr(column: Column, targetType: string, isId: boolean): { expr: string; extra: StepCount[] } {
  const text = `datadam_number_text(${sqlIdentifier(column.name)})`;
  const scientific = `datadam_scientific(${text})`;
  const integer = /INT/.test(targetType);
  let parsed: string;
  if (targetType === TEXT) parsed = `case when regexp_matches(${text}, '^[+-]?\\d+(\\.\\d+)?$') then ${text} end`;
  else if (integer) {
    // DuckDB would round '12.5' to 13 on a cast to an integer: only whole numbers are taken.
    parsed = `case when regexp_matches(${text}, '^[+-]?\\d+(\\.0+)?$') then try_cast(${text} as ${targetType})
      when ${scientific} and try_cast(${text} as double) = floor(try_cast(${text} as double)) then try_cast(try_cast(${text} as double) as ${targetType}) end`;
  } else parsed = `try_cast(${text} as ${targetType})`;
  const extra: StepCount[] = [];
  if (isId) {
    parsed = `case when ${scientific} then null else ${parsed} end`;
    extra.push({ kind: 'precision_lost', column: column.name, sql: countWhere(scientific) });
  } else {
    extra.push({ kind: 'scientific', column: column.name, sql: countWhere(`${scientific} and (${parsed}) is not null`) });
  }
  return { expr: parsed, extra };
}

/** The standard schema: exactly its columns, in its order, cast to its types. */
function schemaStage(schema: NonNullable<Recipe['schema']>['columns'], columns: Column[]): CompiledStep {
  const names = new Set(schema.map((c) => c.name));
  const missing = schema.filter((c) => !columns.some((have) => have.name === c.name)).map((c) => c.name);
  const unknown = columns.filter((c) => !names.has(c.name)).map((c) => c.name);
  const problems: FieldProblem[] = [];
  if (missing.length)
    problems.push({ field: 'schema.columns', message: `missing from the data after the steps: ${missing.join(', ')} (rename onto them?)` });
  if (unknown.length)
    problems.push({ field: 'schema.columns', message: `not in the schema: ${unknown.join(', ')} (rename or drop_columns them)` });
  if (problems.length) throw misfit(problems);

  const list: string[] = [];
  const counts: StepCount[] = [];
  const next: Column[] = [];
  for (const wanted of schema) {
    const have = columns.find((c) => c.name === wanted.name)!;
    const type = duckDbType(wanted.type)!;
    const id = sqlIdentifier(have.name);
    let expr = type === have.type ? id : `try_cast(${isText(have.type) ? `datadam_trim(${id})` : id} as ${type})`;
    let scientific: string | undefined;
    if (wanted.id && isText(have.type)) {
      scientific = `datadam_scientific(datadam_number_text(${id}))`;
      expr = `case when ${scientific} then null else ${expr} end`;
      counts.push({ kind: 'precision_lost', column: wanted.name, sql: countWhere(scientific) });
    }
    if (expr !== id) counts.push(nulledCount(have, expr, scientific));
    list.push(`${expr} as ${id}`);
    next.push({ name: wanted.name, type });
  }
  return {
    at: 'schema',
    op: 'schema',
    select: `select ${[sqlIdentifier(ROW_COLUMN), ...list].join(', ')} from {input}`,
    columns: next,
    counts,
  };
}
