/**
 * `datadam evaluate select --candidates FILE.csv [--constraints FILE.json] [--budget KRW] [--n N |
 * --n-max N] [--json]`: the budgeted selection on a CSV of candidates (columns id, score, cost,
 * domain, agency, modality), solved to proven optimality with HiGHS, with the greedy ranking beside
 * it. No server needed. Exit 0 when optimal, 1 when infeasible (the JSON then names the conflict)
 * or not proven optimal, 2 on bad usage or a bad input file.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { AppError, type FieldProblem } from '../core/errors.js';
import {
  DEFAULT_BUDGET,
  DEFAULT_COUNT,
  SelectionInputError,
  formatKrw,
  selectCandidates,
  type Candidate,
  type CountRule,
  type SelectionOptions,
  type SelectionResult,
} from '../modules/evaluation/selection/index.js';
import type { CensusCommandContext } from './census.js';
import { EXIT_FAILED, printResult } from './output.js';

export const CANDIDATE_COLUMNS = ['id', 'score', 'cost', 'domain', 'agency', 'modality'] as const;

interface SelectFlags {
  candidates: string;
  constraints?: string;
  budget?: string;
  n?: string;
  nMax?: string;
  explain?: boolean;
  timeLimit: string;
  json?: boolean;
}

function readText(file: string, flag: string): string {
  if (!existsSync(file) || !statSync(file).isFile()) throw new AppError('bad_request', `${flag}: no such file: ${file}`);
  return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
}

/** A number as people write money: `6000000000`, `6e9`, `6,000,000,000` or `6_000_000_000`. */
function parseAmount(value: string): number {
  const cleaned = value.trim().replace(/[,_]/g, '');
  return cleaned === '' ? Number.NaN : Number(cleaned);
}

/**
 * Candidates from CSV text with the columns id, score, cost, domain, agency, modality (any order,
 * more allowed). Throws an AppError listing every bad row and field.
 *
 * @example readCandidatesCsv('id,score,cost,domain,agency,modality\nA,80,1e8,교통,국토부,text\n', 'c.csv')[0]!.cost // 100000000
 */
export function readCandidatesCsv(text: string, file: string): Candidate[] {
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text, { info: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as unknown as typeof rows;
  } catch (error) {
    throw new AppError('validation', `${file} is not readable CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (rows.length === 0) throw new AppError('validation', `${file} is empty: it needs a header row with ${CANDIDATE_COLUMNS.join(', ')}`);
  const header = rows[0]!.record.map((h) => h.trim());
  const missing = CANDIDATE_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) {
    throw new AppError(
      'validation',
      `${file} lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: it has ${header.join(', ')}`,
    );
  }
  const at = Object.fromEntries(CANDIDATE_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof CANDIDATE_COLUMNS)[number], number>;
  const problems: FieldProblem[] = [];
  const seen = new Map<string, number>();
  const candidates: Candidate[] = [];
  for (const { record, info } of rows.slice(1)) {
    const line = info.lines;
    const cell = (c: (typeof CANDIDATE_COLUMNS)[number]) => (record[at[c]] ?? '').trim();
    const id = cell('id');
    const score = Number(cell('score'));
    const cost = parseAmount(cell('cost'));
    if (id === '') problems.push({ field: `row ${line}, id`, message: 'is empty' });
    else if (seen.has(id)) problems.push({ field: `row ${line}, id`, message: `"${id}" is a duplicate of row ${seen.get(id)}` });
    else seen.set(id, line);
    if (cell('score') === '' || !Number.isFinite(score))
      problems.push({ field: `row ${line}, score`, message: `"${cell('score')}" is not a number` });
    if (!Number.isFinite(cost) || cost < 0)
      problems.push({ field: `row ${line}, cost`, message: `"${cell('cost')}" is not an amount ≥ 0 in KRW` });
    for (const c of ['domain', 'agency', 'modality'] as const)
      if (cell(c) === '') problems.push({ field: `row ${line}, ${c}`, message: 'is empty' });
    candidates.push({ id, score, cost, domain: cell('domain'), agency: cell('agency'), modality: cell('modality') });
  }
  if (problems.length) {
    const first = problems[0]!;
    throw new AppError(
      'validation',
      `${file}: ${first.field} ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}`,
      {
        problems: problems.slice(0, 50),
      },
    );
  }
  return candidates;
}

const CONSTRAINT_KEYS = ['domainMin', 'domainMax', 'agencyMax', 'modalityMin', 'mustInclude', 'mustExclude', 'budget'] as const;

/**
 * The constraints file: `{"domainMin": {"교통": 5}, "domainMax": {…}, "agencyMax": 3, "modalityMin": {"image": 10},
 * "mustInclude": ["id"], "mustExclude": ["id"], "budget": 6e9}`, every key optional. Throws naming the key at fault.
 *
 * @example parseConstraints('{"agencyMax": 3}', 'c.json') // { agencyMax: 3 }
 */
export function parseConstraints(text: string, file: string): SelectionOptions & { budget?: number } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AppError('validation', `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AppError('validation', `${file} must hold a JSON object`);
  const problems: FieldProblem[] = [];
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!(CONSTRAINT_KEYS as readonly string[]).includes(key))
      problems.push({ field: key, message: `is not a constraint; use ${CONSTRAINT_KEYS.join(', ')}` });
  }
  const wholeNumber = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  const out: SelectionOptions = {};
  for (const key of ['domainMin', 'domainMax', 'modalityMin'] as const) {
    const table = input[key];
    if (table === undefined) continue;
    if (typeof table !== 'object' || table === null || Array.isArray(table)) {
      problems.push({ field: key, message: 'must be an object of name → whole number' });
      continue;
    }
    for (const [name, n] of Object.entries(table))
      if (!wholeNumber(n)) problems.push({ field: `${key}.${name}`, message: `${JSON.stringify(n)} is not a whole number ≥ 0` });
    out[key] = table as Record<string, number>;
  }
  if (input.agencyMax !== undefined) {
    if (!wholeNumber(input.agencyMax))
      problems.push({ field: 'agencyMax', message: `${JSON.stringify(input.agencyMax)} is not a whole number ≥ 0` });
    else out.agencyMax = input.agencyMax as number;
  }
  for (const key of ['mustInclude', 'mustExclude'] as const) {
    const list = input[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((id) => typeof id !== 'string' && typeof id !== 'number')) {
      problems.push({ field: key, message: 'must be a list of candidate ids' });
    } else out[key] = list.map(String);
  }
  if (input.budget !== undefined) {
    if (typeof input.budget !== 'number' || !Number.isFinite(input.budget) || input.budget < 0)
      problems.push({ field: 'budget', message: 'must be an amount ≥ 0 in KRW' });
    else out.budget = input.budget;
  }
  if (problems.length) {
    throw new AppError('validation', `${file}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, { problems });
  }
  return out;
}

/** Columns on a terminal: Hangul and other wide characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text)
    width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1;
  return width;
}

function summaryLines(result: SelectionResult, byId: ReadonlyMap<string, Candidate>): string[] {
  const lines: string[] = [];
  if (result.status === 'infeasible') {
    lines.push('status: infeasible', result.conflict ? `conflict: ${result.conflict.message}` : 'no selection meets the constraints');
    return lines;
  }
  const gap = (g: SelectionResult['greedy']) =>
    g.feasible
      ? `${g.objective.toFixed(3)} (${g.selected.length} entries), gap ${g.gapPercent === null ? '—' : `${g.gapPercent.toFixed(2)} %`}`
      : `no feasible pick (${g.shortfall.join('; ')})`;
  lines.push(
    `status: ${result.status} (HiGHS: ${result.solver.status}, ${result.solver.seconds.toFixed(2)} s)`,
    `selected ${result.selected.length} of ${result.candidates}, objective ${result.objective.toFixed(3)}, cost ${formatKrw(result.cost)}`,
    `greedy by score: ${gap(result.greedy)}`,
    `greedy by score per won: ${gap(result.greedyRatio)}`,
    '',
  );
  const chosen = result.selected.map((id) => byId.get(id)!).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  const table = [
    ['id', 'score', 'cost', 'domain', 'agency', 'modality'],
    ...chosen.map((c) => [c.id, c.score.toFixed(2), formatKrw(c.cost), c.domain, c.agency, c.modality]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => displayWidth(row[i]!))));
  for (const row of table)
    lines.push(
      row
        .map((v, i) => v + ' '.repeat(widths[i]! - displayWidth(v)))
        .join('  ')
        .trimEnd(),
    );
  return lines;
}

/**
 * Adds `evaluate select` to the program.
 *
 * @example
 * registerEvaluateCommands(program, { action });
 * // datadam evaluate select --candidates candidates.csv --constraints rules.json --budget 6e9 --n 100 --json
 */
export function registerEvaluateCommands(program: Command, { action }: Pick<CensusCommandContext, 'action'>): void {
  const evaluate = program
    .command('evaluate')
    .description('evaluation and selection: the budgeted, constrained choice of priority datasets');
  evaluate
    .command('select')
    .description('choose the entries that maximise the total score within a budget and constraints (proven optimal, HiGHS)')
    .requiredOption('--candidates <file>', `CSV with the columns ${CANDIDATE_COLUMNS.join(', ')}`)
    .option('--constraints <file>', 'JSON: domainMin, domainMax, agencyMax, modalityMin, mustInclude, mustExclude, budget')
    .option('--budget <krw>', `budget in KRW (default ${DEFAULT_BUDGET.toLocaleString('en-US')}, or the constraints file's)`)
    .option('--n <n>', `select exactly this many (default ${DEFAULT_COUNT})`)
    .option('--n-max <n>', 'select at most this many, instead of an exact count')
    .option('--explain', 'why each entry is in or out (marginal value, binding constraint)')
    .option('--time-limit <seconds>', 'stop the solver after this long (status time_limit)', '60')
    .option('--json', 'print one JSON document for machines')
    .action(
      action(async (flags: SelectFlags) => {
        if (flags.n !== undefined && flags.nMax !== undefined)
          throw new AppError('bad_request', 'Use --n (exact count) or --n-max (at most), not both');
        const whole = (value: string, flag: string) => {
          const n = Number(value);
          if (value.trim() === '' || !Number.isInteger(n) || n < 0)
            throw new AppError('bad_request', `${flag} must be a whole number ≥ 0, not "${value}"`);
          return n;
        };
        const count: CountRule =
          flags.nMax !== undefined
            ? { max: whole(flags.nMax, '--n-max') }
            : { exact: flags.n !== undefined ? whole(flags.n, '--n') : DEFAULT_COUNT };
        let budget: number | undefined;
        if (flags.budget !== undefined) {
          budget = parseAmount(flags.budget);
          if (!Number.isFinite(budget) || budget < 0)
            throw new AppError('bad_request', `--budget must be an amount ≥ 0 in KRW, not "${flags.budget}"`);
        }
        const timeLimit = Number(flags.timeLimit);
        if (!(timeLimit > 0)) throw new AppError('bad_request', `--time-limit must be a number of seconds > 0, not "${flags.timeLimit}"`);
        const candidates = readCandidatesCsv(readText(flags.candidates, '--candidates'), flags.candidates);
        const constraints = flags.constraints ? parseConstraints(readText(flags.constraints, '--constraints'), flags.constraints) : {};
        const options: SelectionOptions = { ...constraints, count, budget: budget ?? constraints.budget ?? DEFAULT_BUDGET };

        let result: SelectionResult;
        try {
          result = await selectCandidates(candidates, options, { timeLimit, explain: flags.explain === true });
        } catch (error) {
          if (error instanceof SelectionInputError) throw new AppError('validation', error.message);
          throw error;
        }
        const greedy = (g: SelectionResult['greedy']) => ({
          objective: g.objective,
          selected: g.selected.length,
          feasible: g.feasible,
          gapPercent: g.gapPercent,
          ...(g.shortfall.length ? { shortfall: g.shortfall } : {}),
        });
        const document = {
          status: result.status,
          objective: Number.isFinite(result.objective) ? result.objective : null,
          selected: result.selected,
          cost: result.cost,
          greedy: greedy(result.greedy),
          greedyRatio: greedy(result.greedyRatio),
          candidates: result.candidates,
          budget: options.budget,
          count,
          solver: result.solver,
          ...(result.conflict ? { conflict: result.conflict } : {}),
          ...(result.explanations
            ? {
                explanations: result.explanations.map((e) => ({
                  ...e,
                  scorePerMillion: Number.isFinite(e.scorePerMillion) ? e.scorePerMillion : null,
                })),
              }
            : {}),
        };
        const byId = new Map(candidates.map((c) => [c.id, c]));
        printResult(flags, document, () => {
          const lines = summaryLines(result, byId);
          if (result.explanations) {
            lines.push('', 'why:');
            for (const e of result.explanations) lines.push(`  ${e.id}: ${e.reason}`);
          }
          return lines.join('\n');
        });
        if (result.status !== 'optimal') process.exitCode = EXIT_FAILED;
      }),
    );
}
