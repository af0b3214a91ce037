/**
 * The small expression language of `condition` rules. Rule files come from users, so nothing in
 * them is ever spliced into SQL: an expression is parsed here into a tree, and the tree is compiled
 * to SQL where every column goes through `sqlIdentifier`, every text through `sqlString` and every
 * number through `Number` — no other text of the user reaches DuckDB.
 *
 *   expr       := and ('or' and)*
 *   and        := unary ('and' unary)*
 *   unary      := 'not' unary | '(' expr ')' | comparison
 *   comparison := operand ( op operand | 'is' ['not'] 'null' | ['not'] 'in' '(' literal (',' literal)* ')' )
 *   op         := '=' | '==' | '!=' | '<>' | '<' | '<=' | '>' | '>='
 *   operand    := column | 'text' | number
 *   column     := a bare name of letters, digits and _ (not starting with a digit, not a keyword),
 *                 or any name in "double quotes" or `backquotes`
 *
 * Keywords (and, or, not, is, null, in) are case-insensitive. Examples:
 *   폐업일자 >= 개업일자
 *   상태 in ('영업', '휴업') or 폐업일자 is not null
 *   "면적(㎡)" > 0 and not (업종 = '기타')
 *
 * How values compare: against a number literal, as numbers (a value that is not a number makes the
 * comparison unknown); `=`/`!=` otherwise as text; `<`, `<=`, `>`, `>=` between columns or with a
 * text literal as numbers when both sides are numbers, else as dates when both are dates, else as
 * text — so 개업일자 ≤ 폐업일자 works for 2020-01-05 and for 20200105 alike.
 */
import { sqlIdentifier, sqlString } from '../duckdb.js';

export type Operand = { kind: 'column'; name: string } | { kind: 'text'; value: string } | { kind: 'number'; value: number };
export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Expression =
  | { kind: 'and' | 'or'; left: Expression; right: Expression }
  | { kind: 'not'; operand: Expression }
  | { kind: 'compare'; op: Comparator; left: Operand; right: Operand }
  | { kind: 'null'; negated: boolean; operand: Operand }
  | { kind: 'in'; negated: boolean; operand: Operand; values: Array<Extract<Operand, { kind: 'text' | 'number' }>> };

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at character ${position + 1}`);
    this.name = 'ExpressionError';
  }
}

type Token =
  | { type: 'word'; text: string; at: number }
  | { type: 'name'; text: string; at: number }
  | { type: 'text'; text: string; at: number }
  | { type: 'number'; value: number; at: number }
  | { type: 'symbol'; text: string; at: number }
  | { type: 'end'; at: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'in']);
const SYMBOLS = ['<=', '>=', '!=', '<>', '==', '=', '<', '>', '(', ')', ','];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i]!;
    if (/\s/u.test(char)) {
      i++;
      continue;
    }
    const at = i;
    if (char === "'" || char === '"' || char === '`') {
      // Quotes inside are doubled, as in SQL: 'it''s'.
      let text = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new ExpressionError(`unterminated ${char}…${char}`, at);
        if (source[i] === char) {
          if (source[i + 1] === char) {
            text += char;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += source[i++];
      }
      if (char === "'") tokens.push({ type: 'text', text, at });
      else {
        if (text === '') throw new ExpressionError('an empty column name', at);
        tokens.push({ type: 'name', text, at });
      }
      continue;
    }
    const number = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/iu.exec(source.slice(i));
    if (number && (char !== '-' || /\d/u.test(source[i + 1] ?? ''))) {
      tokens.push({ type: 'number', value: Number(number[0]), at });
      i += number[0].length;
      continue;
    }
    const word = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(source.slice(i));
    if (word) {
      tokens.push({ type: 'word', text: word[0], at });
      i += word[0].length;
      continue;
    }
    const symbol = SYMBOLS.find((s) => source.startsWith(s, i));
    if (!symbol) throw new ExpressionError(`unexpected "${char}"`, at);
    tokens.push({ type: 'symbol', text: symbol, at });
    i += symbol.length;
  }
  tokens.push({ type: 'end', at: source.length });
  return tokens;
}

/**
 * Parses a condition expression (grammar in the module comment) into a tree.
 *
 * @example parseExpression("폐업일자 >= 개업일자 and 상태 = '폐업'")
 */
export function parseExpression(source: string): Expression {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position]!;
  const next = () => tokens[position++]!;
  const isKeyword = (token: Token, keyword: string) => token.type === 'word' && token.text.toLowerCase() === keyword;
  const isSymbol = (token: Token, symbol: string) => token.type === 'symbol' && token.text === symbol;
  const describe = (token: Token) =>
    token.type === 'end'
      ? 'the end'
      : token.type === 'number'
        ? String(token.value)
        : token.type === 'text'
          ? `'${token.text}'`
          : `"${token.text}"`;
  const expectSymbol = (symbol: string) => {
    const token = next();
    if (!isSymbol(token, symbol)) throw new ExpressionError(`expected "${symbol}" but found ${describe(token)}`, token.at);
  };

  const operand = (): Operand => {
    const token = next();
    if (token.type === 'name') return { kind: 'column', name: token.text };
    if (token.type === 'word' && !KEYWORDS.has(token.text.toLowerCase())) return { kind: 'column', name: token.text };
    if (token.type === 'text') return { kind: 'text', value: token.text };
    if (token.type === 'number') return { kind: 'number', value: token.value };
    throw new ExpressionError(`expected a column, a 'text' or a number but found ${describe(token)}`, token.at);
  };

  const literal = (): Extract<Operand, { kind: 'text' | 'number' }> => {
    const token = peek();
    const value = operand();
    if (value.kind === 'column')
      throw new ExpressionError(`expected a 'text' or a number in the list but found column "${value.name}"`, token.at);
    return value;
  };

  const comparison = (): Expression => {
    const left = operand();
    const token = next();
    if (isKeyword(token, 'is')) {
      const negated = isKeyword(peek(), 'not');
      if (negated) next();
      const nullToken = next();
      if (!isKeyword(nullToken, 'null')) throw new ExpressionError(`expected "null" but found ${describe(nullToken)}`, nullToken.at);
      return { kind: 'null', negated, operand: left };
    }
    let negated = false;
    let inToken = token;
    if (isKeyword(token, 'not')) {
      negated = true;
      inToken = next();
      if (!isKeyword(inToken, 'in')) throw new ExpressionError(`expected "in" after "not" but found ${describe(inToken)}`, inToken.at);
    }
    if (isKeyword(inToken, 'in')) {
      expectSymbol('(');
      const values = [literal()];
      while (isSymbol(peek(), ',')) {
        next();
        values.push(literal());
      }
      expectSymbol(')');
      return { kind: 'in', negated, operand: left, values };
    }
    if (token.type !== 'symbol' || ['(', ')', ','].includes(token.text)) {
      throw new ExpressionError(`expected a comparison (=, !=, <, <=, >, >=, is null, in) but found ${describe(token)}`, token.at);
    }
    const op = ({ '==': '=', '<>': '!=' } as Record<string, Comparator>)[token.text] ?? (token.text as Comparator);
    if (peek().type === 'end') throw new ExpressionError(`expected a value after "${token.text}"`, peek().at);
    return { kind: 'compare', op, left, right: operand() };
  };

  const unary = (): Expression => {
    if (isKeyword(peek(), 'not')) {
      next();
      return { kind: 'not', operand: unary() };
    }
    if (isSymbol(peek(), '(')) {
      next();
      const inner = or();
      expectSymbol(')');
      return inner;
    }
    return comparison();
  };

  const and = (): Expression => {
    let left = unary();
    while (isKeyword(peek(), 'and')) {
      next();
      left = { kind: 'and', left, right: unary() };
    }
    return left;
  };

  const or = (): Expression => {
    let left = and();
    while (isKeyword(peek(), 'or')) {
      next();
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };

  if (peek().type === 'end') throw new ExpressionError('the expression is empty', 0);
  const tree = or();
  if (peek().type !== 'end') throw new ExpressionError(`unexpected ${describe(peek())}`, peek().at);
  return tree;
}

/**
 * Every column an expression names, in order of first use.
 *
 * @example expressionColumns(parseExpression('a > b and a is not null')) // ['a', 'b']
 */
export function expressionColumns(expression: Expression): string[] {
  const names: string[] = [];
  const add = (operand: Operand) => {
    if (operand.kind === 'column' && !names.includes(operand.name)) names.push(operand.name);
  };
  const walk = (e: Expression): void => {
    switch (e.kind) {
      case 'and':
      case 'or':
        walk(e.left);
        walk(e.right);
        break;
      case 'not':
        walk(e.operand);
        break;
      case 'compare':
        add(e.left);
        add(e.right);
        break;
      case 'null':
      case 'in':
        add(e.operand);
        break;
    }
  };
  walk(expression);
  return names;
}

function numberSql(value: number): string {
  if (!Number.isFinite(value)) throw new Error('A number in a condition must be finite');
  // String(Number) is digits, '.', 'e', '-' only: safe, and a DOUBLE so 1e400-style text cannot appear.
  return `CAST(${String(value)} AS DOUBLE)`;
}

function textSql(operand: Operand): string {
  switch (operand.kind) {
    case 'column':
      return `CAST(${sqlIdentifier(operand.name)} AS VARCHAR)`;
    case 'text':
      return sqlString(operand.value);
    case 'number':
      return sqlString(String(operand.value));
  }
}

function castSql(operand: Operand, type: 'DOUBLE' | 'DATE'): string {
  if (operand.kind === 'number') return type === 'DOUBLE' ? numberSql(operand.value) : 'NULL';
  return `TRY_CAST(${textSql(operand)} AS ${type})`;
}

/**
 * SQL for an expression over the current row: NULL when it cannot be decided (a missing value, or
 * a value that is not a number where one is compared with a number).
 *
 * @example compileExpression(parseExpression('면적 > 0')) // '(TRY_CAST(CAST("면적" AS VARCHAR) AS DOUBLE) > CAST(0 AS DOUBLE))'
 */
export function compileExpression(expression: Expression): string {
  switch (expression.kind) {
    case 'and':
    case 'or':
      return `(${compileExpression(expression.left)} ${expression.kind.toUpperCase()} ${compileExpression(expression.right)})`;
    case 'not':
      return `(NOT ${compileExpression(expression.operand)})`;
    case 'null':
      return `(${textSql(expression.operand)} IS ${expression.negated ? 'NOT ' : ''}NULL)`;
    case 'in': {
      const numeric = expression.values.every((v) => v.kind === 'number');
      const left = numeric ? castSql(expression.operand, 'DOUBLE') : textSql(expression.operand);
      const list = expression.values.map((v) => (numeric && v.kind === 'number' ? numberSql(v.value) : textSql(v))).join(', ');
      return `(${left} ${expression.negated ? 'NOT ' : ''}IN (${list}))`;
    }
    case 'compare': {
      const { op, left, right } = expression;
      const sqlOp = op === '!=' ? '<>' : op;
      if (left.kind === 'number' || right.kind === 'number') return `(${castSql(left, 'DOUBLE')} ${sqlOp} ${castSql(right, 'DOUBLE')})`;
      if (op === '=' || op === '!=') return `(${textSql(left)} ${sqlOp} ${textSql(right)})`;
      const asNumber = `(${castSql(left, 'DOUBLE')} ${sqlOp} ${castSql(right, 'DOUBLE')})`;
      const asDate = `(${castSql(left, 'DATE')} ${sqlOp} ${castSql(right, 'DATE')})`;
      const asText = `(${textSql(left)} ${sqlOp} ${textSql(right)})`;
      // Unknown when a side is missing; otherwise the first reading both sides share.
      return `(CASE WHEN ${textSql(left)} IS NULL OR ${textSql(right)} IS NULL THEN NULL ELSE coalesce(${asNumber}, ${asDate}, ${asText}) END)`;
    }
  }
}
