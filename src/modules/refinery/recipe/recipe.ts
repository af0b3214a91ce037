/**
 * Cleaning and standardisation recipes: a YAML file that says, step by step, how a raw file
 * becomes a training-ready table. The recipe is data, never SQL: every column name and value in
 * it reaches DuckDB only through `sqlIdentifier` / `sqlString`, and the one place a user writes
 * an expression (`filter.where`) is parsed here into a small tree (see `parseCondition`).
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AppError, type FieldProblem } from '../../../core/errors.js';

// ---------------------------------------------------------------------------------------------
// Types of columns

/** The column types a recipe may name, mapped to DuckDB's. `decimal(p,s)` is also accepted. */
export const COLUMN_TYPES = {
  text: 'VARCHAR',
  varchar: 'VARCHAR',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
} as const;

const DECIMAL = /^decimal\((\d{1,2}),\s*(\d{1,2})\)$/i;

/** The DuckDB type of a recipe type name, or undefined when the name is not one. */
export function duckDbType(name: string): string | undefined {
  const lower = name.trim().toLowerCase();
  if (lower in COLUMN_TYPES) return COLUMN_TYPES[lower as keyof typeof COLUMN_TYPES];
  const decimal = DECIMAL.exec(lower);
  if (decimal && Number(decimal[1]) >= 1 && Number(decimal[1]) <= 38 && Number(decimal[2]) <= Number(decimal[1])) {
    return `DECIMAL(${decimal[1]},${decimal[2]})`;
  }
  return undefined;
}

const columnType = z.string().refine((value) => duckDbType(value) !== undefined, {
  message: `a type: ${Object.keys(COLUMN_TYPES).join(', ')} or decimal(p,s)`,
});

const columnName = z.string().min(1, 'a column name').max(255);
/** `all` or a list of columns. */
const columnSelection = z.union([z.literal('all'), z.array(columnName).min(1)]);

// ---------------------------------------------------------------------------------------------
// Steps

const normalizeTextStep = z.strictObject({
  op: z.literal('normalize_text'),
  columns: columnSelection.default('all'),
});

const trimStep = z.strictObject({
  op: z.literal('trim'),
  columns: columnSelection.default('all'),
  /** A value that is only spaces becomes null rather than ''. */
  empty_as_null: z.boolean().default(true),
});

const renameStep = z.strictObject({
  op: z.literal('rename'),
  /** old name → new name */
  map: z.record(columnName, columnName).refine((map) => Object.keys(map).length > 0, 'at least one column to rename'),
  /** Drop every column the map does not name (the map then lists the whole standard schema). */
  drop_others: z.boolean().default(false),
});

const parseDateStep = z.strictObject({
  op: z.literal('parse_date'),
  columns: z.array(columnName).min(1),
  /** `drop`: `2004.4.26 16:49` becomes 2004-04-26; `reject` (default): such a value is unparseable. */
  time: z.enum(['reject', 'drop']).default('reject'),
});

const parseNumberStep = z.strictObject({
  op: z.literal('parse_number'),
  columns: z.array(columnName).min(1),
  /** `text` keeps the repaired digits as text (identifiers with leading zeros). */
  type: z.union([z.enum(['integer', 'bigint', 'double', 'text']), z.string().regex(DECIMAL, 'decimal(p,s)')]).default('double'),
  /** An identifier: a value in Excel's scientific notation (`3.62E+17`) lost digits and is never expanded. */
  id: z.boolean().default(false),
  /** What to do with such a value in an id column: null it and count it (`flag`), or stop the run (`fail`). */
  on_precision_loss: z.enum(['flag', 'fail']).default('flag'),
});

const castStep = z.strictObject({
  op: z.literal('cast'),
  /** column → type; a value that does not fit becomes null and is counted. */
  columns: z.record(columnName, columnType).refine((map) => Object.keys(map).length > 0, 'at least one column'),
});

const dropColumnsStep = z.strictObject({
  op: z.literal('drop_columns'),
  columns: z.array(columnName).min(1),
});

const filterStep = z.strictObject({
  op: z.literal('filter'),
  /** Rows to keep, e.g. `영업상태명 = '영업/정상' and 임산부정원수 >= 1` (see docs/recipes.md). */
  where: z.string().min(1).max(10_000),
});

const deduplicateStep = z.strictObject({
  op: z.literal('deduplicate'),
  /** Rows equal on these columns (all when omitted) are one; the first in file order is kept. */
  columns: columnSelection.default('all'),
});

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const fillNullStep = z.strictObject({
  op: z.literal('fill_null'),
  values: z.record(columnName, scalar).refine((map) => Object.keys(map).length > 0, 'at least one column'),
});

const replaceStep = z
  .strictObject({
    op: z.literal('replace'),
    columns: columnSelection,
    /** Exact values: from → to (null empties the value). */
    values: z.record(z.string(), z.union([z.string(), z.null()])).optional(),
    /** A regular expression (RE2 syntax) and what each match becomes (`\1` for a group). */
    pattern: z.string().min(1).optional(),
    replacement: z.string().optional(),
  })
  .superRefine((step, ctx) => {
    if ((step.values === undefined) === (step.pattern === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give either values (a map) or pattern (a regex)', path: ['values'] });
    }
    if (step.pattern !== undefined && step.replacement === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a pattern needs a replacement', path: ['replacement'] });
    }
  });

const stepSchema = z.discriminatedUnion('op', [
  normalizeTextStep,
  trimStep,
  renameStep,
  parseDateStep,
  parseNumberStep,
  castStep,
  dropColumnsStep,
  filterStep,
  deduplicateStep,
  fillNullStep,
  replaceStep,
]);

export type RecipeStep = z.infer<typeof stepSchema>;
export type StepOp = RecipeStep['op'];
export const STEP_OPS: readonly StepOp[] = stepSchema.options.map((option) => option.shape.op.value);

// ---------------------------------------------------------------------------------------------
// The recipe

const schemaColumn = z.strictObject({
  name: columnName,
  type: columnType.default('text'),
  /** An identifier column: never in scientific notation (see parse_number). */
  id: z.boolean().default(false),
  description: z.string().optional(),
});

const splitName = z.enum(['train', 'validation', 'test']);

const splitSchema = z
  .strictObject({
    ratios: z.partialRecord(splitName, z.number().min(0).max(1)),
    seed: z.union([z.string(), z.number()]).default(0),
    /** The column whose value decides a row's split (rows with the same key go together); else the row number. */
    key: columnName.optional(),
    /** A label column: every split keeps its proportions. */
    stratify: columnName.optional(),
  })
  .superRefine((split, ctx) => {
    const total = Object.values(split.ratios).reduce((sum, r) => sum + (r ?? 0), 0);
    if (Math.abs(total - 1) > 1e-9)
      ctx.addIssue({ code: 'custom', message: `ratios must add up to 1 (they add up to ${total})`, path: ['ratios'] });
  });

export const recipeSchema = z.strictObject({
  version: z.literal(1),
  description: z.string().optional(),
  input: z
    .strictObject({
      /** Glob patterns (`*`, `**`, `?`) relative to the input folder; all readable files when omitted. */
      files: z.array(z.string().min(1)).min(1).optional(),
      /** The text encoding (auto: detected per file). */
      encoding: z.enum(['auto', 'utf-8', 'cp949', 'utf-16le', 'utf-16be']).default('auto'),
      format: z.enum(['auto', 'csv', 'tsv', 'jsonl', 'parquet']).default('auto'),
      /** CSV field separator (auto: sniffed; `\t` for .tsv). */
      delimiter: z.string().min(1).max(4).optional(),
    })
    .default({ encoding: 'auto', format: 'auto' }),
  /** The standard schema the output must have: exactly these columns, in this order, of these types. */
  schema: z.strictObject({ columns: z.array(schemaColumn).min(1) }).optional(),
  steps: z.array(stepSchema).default([]),
  output: z
    .strictObject({
      formats: z
        .array(z.enum(['parquet', 'jsonl']))
        .min(1)
        .default(['parquet']),
      name: z
        .string()
        .regex(/^[\p{L}\p{N}_.-]+$/u, 'letters, digits, _ . - only')
        .refine((name) => !name.startsWith('.'), 'cannot start with a dot')
        .default('data'),
    })
    .default({ formats: ['parquet'], name: 'data' }),
  split: splitSchema.optional(),
});

/** A validated recipe with every default filled in. */
export type Recipe = z.infer<typeof recipeSchema>;
export type SplitConfig = NonNullable<Recipe['split']>;
export type SplitName = z.infer<typeof splitName>;

/** `steps[2].columns` from zod's path. */
function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(recipe)';
}

/**
 * Validates a recipe object (already parsed from YAML or JSON); a bad recipe throws an AppError
 * ('validation') whose problems name the field, e.g. `steps[2].columns`.
 *
 * @example validateRecipe({ version: 1, steps: [{ op: 'trim' }] }).steps[0] // { op: 'trim', columns: 'all', empty_as_null: true }
 */
export function validateRecipe(value: unknown): Recipe {
  const parsed = recipeSchema.safeParse(value);
  if (!parsed.success) {
    const problems: FieldProblem[] = parsed.error.issues.map((issue) => ({ field: fieldPath(issue.path), message: issue.message }));
    throw new AppError('validation', `The recipe is not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, {
      problems,
    });
  }
  const recipe = parsed.data;
  const problems: FieldProblem[] = [];
  recipe.steps.forEach((step, index) => {
    if (step.op === 'filter') {
      try {
        parseCondition(step.where);
      } catch (error) {
        problems.push({ field: `steps[${index}].where`, message: (error as Error).message });
      }
    }
  });
  if (recipe.schema) {
    const seen = new Set<string>();
    recipe.schema.columns.forEach((column, index) => {
      if (seen.has(column.name)) problems.push({ field: `schema.columns[${index}].name`, message: `"${column.name}" appears twice` });
      seen.add(column.name);
    });
  }
  if (problems.length) {
    throw new AppError('validation', `The recipe is not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, {
      problems,
    });
  }
  return recipe;
}

/**
 * Parses and validates a recipe written in YAML.
 *
 * @example parseRecipe('version: 1\nsteps:\n  - op: trim\n').steps.length // 1
 */
export function parseRecipe(yamlText: string): Recipe {
  let value: unknown;
  try {
    value = parseYaml(yamlText, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? 'unreadable';
    throw new AppError('validation', `The recipe is not valid YAML: ${message}`, { problems: [{ field: '(yaml)', message }] });
  }
  return validateRecipe(value);
}

/**
 * The SHA-256 of a recipe's canonical form (defaults filled in, keys sorted), so two files that say
 * the same thing in different words or orders of keys have the same hash.
 *
 * @example recipeHash(parseRecipe('version: 1')) === recipeHash(parseRecipe('version: 1\nsteps: []')) // true
 */
export function recipeHash(recipe: Recipe): string {
  return createHash('sha256').update(canonicalJson(recipe)).digest('hex');
}

/** JSON with object keys sorted at every level; arrays keep their order (steps are ordered). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// The filter language

/**
 * A parsed filter condition. Grammar (case-insensitive keywords):
 *
 *     or    := and ('or' and)*
 *     and   := not ('and' not)*
 *     not   := 'not' not | '(' or ')' | test
 *     test  := column ('=' | '!=' | '<>' | '<' | '<=' | '>' | '>=') literal
 *            | column 'is' ['not'] 'null'
 *            | column ['not'] 'in' '(' literal (',' literal)* ')'
 *            | column ('contains' | 'starts_with' | 'ends_with') string
 *     column  := bare name (letters, digits, _) | "double-quoted name"
 *     literal := 'single-quoted string' | number | true | false
 */
export type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition }
  | { kind: 'compare'; column: string; operator: '=' | '!=' | '<' | '<=' | '>' | '>='; value: Literal }
  | { kind: 'null'; column: string; negated: boolean }
  | { kind: 'in'; column: string; values: Literal[]; negated: boolean }
  | { kind: 'text'; column: string; operator: 'contains' | 'starts_with' | 'ends_with'; value: string };

export type Literal = string | number | boolean;

type Token =
  | { type: 'name'; value: string; quoted: boolean; at: number }
  | { type: 'string'; value: string; at: number }
  | { type: 'number'; value: number; at: number }
  | { type: 'op'; value: string; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/u.test(char)) {
      i++;
      continue;
    }
    const at = i;
    if (char === "'" || char === '"') {
      // A quote is escaped by doubling it, as in SQL.
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`unterminated ${char === "'" ? 'string' : 'quoted name'} starting at character ${at + 1}`);
        if (text[i] === char) {
          if (text[i + 1] === char) {
            value += char;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push(char === "'" ? { type: 'string', value, at } : { type: 'name', value, quoted: true, at });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['!=', '<>', '<=', '>='].includes(two)) {
      tokens.push({ type: 'op', value: two === '<>' ? '!=' : two, at });
      i += 2;
      continue;
    }
    if ('=<>(),'.includes(char)) {
      tokens.push({ type: 'op', value: char, at });
      i++;
      continue;
    }
    const number = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (number && (char === '-' || /\d|\./.test(char))) {
      tokens.push({ type: 'number', value: Number(number[0]), at });
      i += number[0].length;
      continue;
    }
    const name = /^[\p{L}\p{N}_]+/u.exec(text.slice(i));
    if (name) {
      tokens.push({ type: 'name', value: name[0], quoted: false, at });
      i += name[0].length;
      continue;
    }
    throw new Error(`unexpected "${char}" at character ${at + 1}`);
  }
  return tokens;
}

/**
 * Parses a filter condition (grammar on `Condition`); throws an Error saying where it went wrong.
 *
 * @example parseCondition("상태 = '영업' and not 정원 < 3").kind // 'and'
 */
export function parseCondition(text: string): Condition {
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const isKeyword = (token: Token | undefined, word: string) =>
    token?.type === 'name' && !token.quoted && token.value.toLowerCase() === word;
  const isOp = (token: Token | undefined, op: string) => token?.type === 'op' && token.value === op;
  const where = (token: Token | undefined) => (token ? `at character ${token.at + 1}` : 'at the end');
  const expectOp = (op: string) => {
    if (!isOp(peek(), op)) throw new Error(`expected "${op}" ${where(peek())}`);
    position++;
  };

  const literal = (): Literal => {
    const token = peek();
    if (token?.type === 'string' || token?.type === 'number') {
      position++;
      return token.value;
    }
    if (isKeyword(token, 'true') || isKeyword(token, 'false')) {
      position++;
      return (token as { value: string }).value.toLowerCase() === 'true';
    }
    throw new Error(`expected a value ('text', a number, true or false) ${where(token)}`);
  };

  const test = (): Condition => {
    const token = peek();
    if (token?.type !== 'name') throw new Error(`expected a column name ${where(token)}`);
    position++;
    const column = token.value;
    const next = peek();
    if (next?.type === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(next.value)) {
      position++;
      return { kind: 'compare', column, operator: next.value as '=', value: literal() };
    }
    if (isKeyword(next, 'is')) {
      position++;
      const negated = isKeyword(peek(), 'not');
      if (negated) position++;
      if (!isKeyword(peek(), 'null')) throw new Error(`expected "null" ${where(peek())}`);
      position++;
      return { kind: 'null', column, negated };
    }
    if (isKeyword(next, 'not') || isKeyword(next, 'in')) {
      const negated = isKeyword(next, 'not');
      if (negated) position++;
      if (!isKeyword(peek(), 'in')) throw new Error(`expected "in" ${where(peek())}`);
      position++;
      expectOp('(');
      const values = [literal()];
      while (isOp(peek(), ',')) {
        position++;
        values.push(literal());
      }
      expectOp(')');
      return { kind: 'in', column, values, negated };
    }
    for (const operator of ['contains', 'starts_with', 'ends_with'] as const) {
      if (isKeyword(next, operator)) {
        position++;
        const value = peek();
        if (value?.type !== 'string') throw new Error(`expected a 'text' after ${operator} ${where(value)}`);
        position++;
        return { kind: 'text', column, operator, value: value.value };
      }
    }
    throw new Error(
      `expected an operator (=, !=, <, <=, >, >=, is null, in, contains, starts_with, ends_with) after "${column}" ${where(next)}`,
    );
  };

  const not = (): Condition => {
    if (isKeyword(peek(), 'not')) {
      position++;
      return { kind: 'not', operand: not() };
    }
    if (isOp(peek(), '(')) {
      position++;
      const inner = or();
      expectOp(')');
      return inner;
    }
    return test();
  };
  const and = (): Condition => {
    let left = not();
    while (isKeyword(peek(), 'and')) {
      position++;
      left = { kind: 'and', left, right: not() };
    }
    return left;
  };
  const or = (): Condition => {
    let left = and();
    while (isKeyword(peek(), 'or')) {
      position++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };

  if (tokens.length === 0) throw new Error('the condition is empty');
  const condition = or();
  if (position < tokens.length) throw new Error(`unexpected "${String(tokens[position]!.value)}" ${where(tokens[position])}`);
  return condition;
}

/** Every column a condition names, for checking them against the table. */
export function conditionColumns(condition: Condition): string[] {
  switch (condition.kind) {
    case 'and':
    case 'or':
      return [...conditionColumns(condition.left), ...conditionColumns(condition.right)];
    case 'not':
      return conditionColumns(condition.operand);
    case 'compare':
    case 'null':
    case 'in':
    case 'text':
      return [condition.column];
  }
}
