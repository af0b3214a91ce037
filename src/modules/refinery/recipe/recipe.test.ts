import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../core/errors.js';
import { compileRecipe, conditionSql } from './compile.js';
import { parseCondition, parseRecipe, recipeHash, validateRecipe } from './recipe.js';

/** The problems of a recipe that must be refused. */
function problemsOf(work: () => unknown): { field: string; message: string }[] {
  try {
    work();
  } catch (error) {
    if (isAppError(error)) return error.problems;
    throw error;
  }
  throw new Error('expected the recipe to be refused');
}

describe('parseRecipe', () => {
  it('fills in defaults: output parquet named data, trim of all text columns, empty values as null', () => {
    const recipe = parseRecipe('version: 1\nsteps:\n  - op: trim\n');
    expect(recipe.output).toEqual({ formats: ['parquet'], name: 'data' });
    expect(recipe.input.encoding).toBe('auto');
    expect(recipe.steps).toEqual([{ op: 'trim', columns: 'all', empty_as_null: true }]);
  });

  it('names the step index and field of a mistake', () => {
    const yaml = [
      'version: 1',
      'steps:',
      '  - op: trim',
      '  - op: parse_date',
      '    columns: []',
      '  - op: explode',
      '  - op: cast',
      '    columns: { a: money }',
    ].join('\n');
    const fields = problemsOf(() => parseRecipe(yaml)).map((p) => p.field);
    expect(fields).toContain('steps[1].columns');
    expect(fields).toContain('steps[2].op');
    expect(fields).toContain('steps[3].columns.a');
  });

  it('refuses a wrong version, unknown keys, invalid YAML, and split ratios that do not add up to 1', () => {
    expect(problemsOf(() => parseRecipe('version: 2')).map((p) => p.field)).toEqual(['version']);
    expect(problemsOf(() => parseRecipe('version: 1\nsteps:\n  - op: trim\n    colums: all')).map((p) => p.field)).toEqual(['steps[0]']);
    expect(problemsOf(() => parseRecipe('version: 1\nsteps: [')).map((p) => p.field)).toEqual(['(yaml)']);
    expect(problemsOf(() => parseRecipe('version: 1\nsplit: { ratios: { train: 0.8, test: 0.1 } }')).map((p) => p.field)).toEqual([
      'split.ratios',
    ]);
  });

  it('refuses a filter it cannot parse, naming the step and the place', () => {
    const [problem] = problemsOf(() => parseRecipe(`version: 1\nsteps:\n  - op: trim\n  - op: filter\n    where: "상태 = '영업' and"`));
    expect(problem!.field).toBe('steps[1].where');
    expect(problem!.message).toMatch(/column name at the end/);
  });

  it('needs a map or a pattern in replace, not both', () => {
    expect(problemsOf(() => validateRecipe({ version: 1, steps: [{ op: 'replace', columns: 'all' }] }))[0]!.field).toBe('steps[0].values');
    expect(problemsOf(() => validateRecipe({ version: 1, steps: [{ op: 'replace', columns: 'all', pattern: 'a' }] }))[0]!.field).toBe(
      'steps[0].replacement',
    );
  });
});

describe('recipeHash', () => {
  it('is the same for the same meaning and changes with a step', () => {
    const a = parseRecipe('version: 1\noutput: { name: x, formats: [parquet] }\nsteps: [{ op: trim }]');
    const b = parseRecipe('steps: [{ op: trim, columns: all }]\noutput: { formats: [parquet], name: x }\nversion: 1');
    const c = parseRecipe('version: 1\noutput: { name: x, formats: [parquet] }\nsteps: [{ op: trim, empty_as_null: false }]');
    expect(recipeHash(a)).toBe(recipeHash(b));
    expect(recipeHash(a)).not.toBe(recipeHash(c));
    expect(recipeHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the filter language', () => {
  const columns = [
    { name: '상태', type: 'VARCHAR' },
    { name: '정원', type: 'VARCHAR' },
    { name: 'n', type: 'BIGINT' },
    { name: 'day', type: 'DATE' },
    { name: 'odd "name"', type: 'VARCHAR' },
  ];

  it('parses and/or/not with precedence, in, is null and text tests', () => {
    const condition = parseCondition(`상태 = '영업' or not n >= 3 and "odd ""name""" is not null`);
    expect(condition).toEqual({
      kind: 'or',
      left: { kind: 'compare', column: '상태', operator: '=', value: '영업' },
      right: {
        kind: 'and',
        left: { kind: 'not', operand: { kind: 'compare', column: 'n', operator: '>=', value: 3 } },
        right: { kind: 'null', column: 'odd "name"', negated: true },
      },
    });
    expect(parseCondition(`상태 not in ('a', 'b''c')`)).toEqual({ kind: 'in', column: '상태', values: ['a', "b'c"], negated: true });
    expect(parseCondition(`상태 contains '조리'`)).toEqual({ kind: 'text', column: '상태', operator: 'contains', value: '조리' });
  });

  it('compiles values only as quoted literals, and text against numbers as numbers', () => {
    const sql = conditionSql(parseCondition(`상태 = 'x''; drop table t; --' and 정원 > 10 and day >= '2020-01-01'`), columns);
    expect(sql).toBe(
      `((("상태" = 'x''; drop table t; --') and (try_cast("정원" as double) > 10)) and ("day" >= cast('2020-01-01' as DATE)))`,
    );
  });

  it('rejects SQL it does not know', () => {
    expect(() => parseCondition('n = 1; drop table x')).toThrow(/unexpected ";"/);
    expect(() => parseCondition('n = (select 1)')).toThrow(/expected a value/);
    expect(() => parseCondition('n like 1')).toThrow(/expected an operator/);
    expect(() => parseCondition("'unterminated")).toThrow(/unterminated/);
  });
});

describe('compileRecipe', () => {
  const input = [
    { name: '사업장명', type: 'VARCHAR' },
    { name: '인허가일자', type: 'VARCHAR' },
    { name: '정원', type: 'VARCHAR' },
  ];

  it('names the step and the missing column', () => {
    const recipe = parseRecipe(
      'version: 1\nsteps:\n  - op: trim\n  - op: rename\n    map: { 사업장명: name }\n  - op: parse_date\n    columns: [사업장명]',
    );
    const [problem] = problemsOf(() => compileRecipe(recipe, input));
    expect(problem!.field).toBe('steps[2].columns');
    expect(problem!.message).toMatch(/no column "사업장명".*name, 인허가일자, 정원/);
  });

  it('refuses columns missing from or unknown to the standard schema', () => {
    const recipe = parseRecipe(
      [
        'version: 1',
        'schema:',
        '  columns:',
        '    - { name: name }',
        '    - { name: licensed_on, type: date }',
        '    - { name: capacity, type: integer }',
        'steps:',
        '  - op: rename',
        '    map: { 사업장명: name, 인허가일자: licensed_on }',
      ].join('\n'),
    );
    const problems = problemsOf(() => compileRecipe(recipe, input));
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/missing .*capacity/),
      expect.stringMatching(/not in the schema: 정원/),
    ]);
    const fixed = parseRecipe(
      [
        'version: 1',
        'schema:',
        '  columns: [{ name: name }, { name: capacity, type: integer }]',
        'steps:',
        '  - op: rename',
        '    map: { 사업장명: name, 정원: capacity }',
        '  - op: drop_columns',
        '    columns: [인허가일자]',
      ].join('\n'),
    );
    expect(compileRecipe(fixed, input).columns).toEqual([
      { name: 'name', type: 'VARCHAR' },
      { name: 'capacity', type: 'INTEGER' },
    ]);
  });

  it('refuses a rename that would make two columns with one name', () => {
    const recipe = parseRecipe('version: 1\nsteps:\n  - op: rename\n    map: { 정원: 사업장명 }');
    expect(problemsOf(() => compileRecipe(recipe, input))[0]!.message).toMatch(/two columns would be called "사업장명"/);
  });

  it('keeps only the mapped columns with drop_others', () => {
    const recipe = parseRecipe('version: 1\nsteps:\n  - op: rename\n    drop_others: true\n    map: { 정원: capacity, 사업장명: name }');
    expect(compileRecipe(recipe, input).columns.map((c) => c.name)).toEqual(['name', 'capacity']);
  });

  it('types the columns each step produces', () => {
    const recipe = parseRecipe(
      'version: 1\nsteps:\n  - op: parse_date\n    columns: [인허가일자]\n  - op: parse_number\n    columns: [정원]\n    type: integer',
    );
    expect(compileRecipe(recipe, input).columns.map((c) => c.type)).toEqual(['VARCHAR', 'DATE', 'INTEGER']);
  });
});
