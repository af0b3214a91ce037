/**
 * `datadam deid risk FILE --quasi COL,COL --k K [--sensitive COL] [--apply OUT]`: the
 * re-identification risk of a table (k-anonymity, l-diversity, t-closeness, prosecutor risk) and,
 * with --apply, the least-loss generalisation that reaches K, written as CSV. No server needed;
 * the file is streamed (twice with --apply), so memory follows the distinct value combinations.
 * Exit 0 when the table (or the written output) reaches K, 1 when it does not, 2 on bad usage.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../core/errors.js';
import { anonymizeCounts, TargetUnreachableError, type Anonymization, type QuasiIdentifier } from '../modules/deid/tables/anonymize.js';
import { CsvFileWriter, openCsvRecords } from '../modules/deid/tables/csv-file.js';
import { HIERARCHY_KINDS, hierarchyFor, suggestHierarchyKind, type HierarchyKind } from '../modules/deid/tables/hierarchies.js';
import { countClassesWithDuckDb, isUtf8File } from '../modules/deid/tables/duckdb-counts.js';
import { buildLegalDongIndex, type LegalDongIndex } from '../modules/deid/tables/legal-dong.js';
import { ClassCounter, measureRisk, type RiskReport, type SensitiveScale } from '../modules/deid/tables/measures.js';
import type { CensusCommandContext } from './census.js';
import { EXIT_FAILED, printResult } from './output.js';

/** The 법정동 code table shipped with the repository (src/cli and dist/cli both sit two levels down). */
export const DEFAULT_LEGAL_DONG = path.resolve(import.meta.dirname, '..', '..', 'data/legal-dong.csv');

/** Files from this size up are counted by DuckDB under `--engine auto` (when UTF-8). */
const DUCKDB_FROM_BYTES = 64 * 1024 * 1024;

interface RiskOptions {
  engine: string;
  quasi: string;
  k: string;
  sensitive?: string;
  json?: boolean;
  apply?: string;
  maxSuppression: string;
  threshold: string;
  hierarchy?: string;
  legalDong?: string;
  scale?: SensitiveScale;
}

function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parseNumber(value: string, flag: string, test: (n: number) => boolean, what: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !test(n)) throw new AppError('bad_request', `${flag} must be ${what}, not "${value}"`);
  return n;
}

/** `COL=KIND,COL=KIND` → a map, checking each kind. */
function parseHierarchies(value: string | undefined): Map<string, HierarchyKind> {
  const kinds = new Map<string, HierarchyKind>();
  for (const item of parseList(value ?? '')) {
    const at = item.lastIndexOf('=');
    const column = item.slice(0, at).trim();
    const kind = item.slice(at + 1).trim();
    if (at < 1 || !(HIERARCHY_KINDS as readonly string[]).includes(kind)) {
      throw new AppError('bad_request', `--hierarchy takes COL=KIND with KIND one of ${HIERARCHY_KINDS.join(', ')}; "${item}" is not`);
    }
    kinds.set(column, kind as HierarchyKind);
  }
  return kinds;
}

async function loadLegalDong(file: string): Promise<LegalDongIndex> {
  const { header, records } = await openCsvRecords(file);
  const all: string[][] = [header];
  for await (const record of records) all.push(record);
  return buildLegalDongIndex(all);
}

const fixed = (n: number, digits = 3) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

function riskLines(report: RiskReport, targetK: number, quasi: readonly string[], sensitive: string | undefined): string[] {
  const lines = [
    `${report.records} records in ${report.classes} equivalence classes over ${quasi.join(', ')}`,
    `k = ${report.k} (target ${targetK}): ${report.k >= targetK ? 'reached' : 'NOT reached'}`,
  ];
  if (report.lDiversity && sensitive !== undefined) {
    lines.push(`l-diversity of ${sensitive}: distinct ${report.lDiversity.distinct}, entropy ${fixed(report.lDiversity.entropy, 2)}`);
  }
  if (report.tCloseness && sensitive !== undefined) {
    lines.push(`t-closeness of ${sensitive} (${report.tCloseness.scale}): t = ${fixed(report.tCloseness.t)}`);
  }
  const p = report.prosecutor;
  lines.push(
    `prosecutor risk: highest ${fixed(p.highest)}, average ${fixed(p.average)}, records at risk (> ${p.threshold}) ${p.recordsAtRisk} (${percent(p.shareAtRisk)})`,
  );
  if (report.smallClassCount > 0) {
    lines.push(`classes smaller than ${targetK}: ${report.smallClassCount} (${report.smallClassRecords} records); the smallest:`);
    for (const c of report.smallClasses) lines.push(`  ${c.size}\t${c.key.map((v) => (v === '' ? '(empty)' : v)).join(' | ')}`);
    if (report.smallClassCount > report.smallClasses.length)
      lines.push(`  … and ${report.smallClassCount - report.smallClasses.length} more`);
  }
  return lines;
}

function applyLines(result: Anonymization, out: string, written: number): string[] {
  const loss = result.loss;
  return [
    `generalised: ${result.levels.map((l) => `${l.column} → ${l.levelName} (level ${l.level} of ${l.levels - 1}, ${l.kind})`).join('; ')}`,
    `suppressed ${result.suppressedRecords} records (${percent(loss.suppressedShare)}) in ${result.suppressedClasses} classes`,
    `information loss: NCP ${fixed(loss.ncp)} (${Object.entries(loss.perColumn)
      .map(([c, v]) => `${c} ${fixed(v)}`)
      .join(', ')}), discernibility ${loss.discernibility}`,
    `search: ${result.search.nodes} lattice nodes, ${result.search.evaluated} evaluated, pruned ${result.search.prunedBySubset} by subset, ${result.search.prunedByMonotonicity} by monotonicity, ${result.search.prunedByBound} by the loss bound`,
    `wrote ${out} (${written} records)`,
  ];
}

/**
 * Adds `risk` to the `deid` command group.
 *
 * @example
 * const deid = program.command('deid');
 * registerDeidRisk(deid, { action });
 * // datadam deid risk 사고.csv --quasi 발생지시도,발생년월일시 --k 5 --sensitive 사고유형 --apply out.csv
 */
export function registerDeidRisk(deid: Command, { action }: Pick<CensusCommandContext, 'action'>): void {
  deid
    .command('risk')
    .description('measure re-identification risk of a table (k, l, t, prosecutor risk); with --apply, generalise it to reach k')
    .argument('<file>', 'a CSV file (UTF-8, UTF-16 or CP949)')
    .requiredOption('--quasi <columns>', 'quasi-identifier columns, comma-separated')
    .option('--k <k>', 'the k the table must reach (exit 1 when it does not)', '5')
    .option('--sensitive <column>', 'a sensitive column: adds l-diversity and t-closeness')
    .option('--apply <out>', 'generalise (and suppress) to reach k, and write the result to this CSV file')
    .option('--max-suppression <percent>', 'records --apply may suppress, in percent', '5')
    .option('--threshold <risk>', 'prosecutor risk above which a record is at risk', '0.2')
    .option(
      '--hierarchy <col=kind,…>',
      `hierarchy per quasi-identifier (${HIERARCHY_KINDS.join(', ')}); default: guessed from name and values`,
    )
    .option('--legal-dong <file>', '법정동 code table (CSV) for address hierarchies (default: the one shipped)')
    .option('--scale <scale>', 'sensitive value distances for t: categorical or ordered (default: ordered when numeric)')
    .option(
      '--engine <engine>',
      'how classes are counted: stream, duckdb (UTF-8 only), or auto (DuckDB for UTF-8 files of 64 MiB and more)',
      'auto',
    )
    .option('--json', 'print one JSON document for machines')
    .action(
      action(async (file: string, options: RiskOptions) => {
        const targetK = parseNumber(options.k, '--k', (n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1');
        const maxSuppression =
          parseNumber(options.maxSuppression, '--max-suppression', (n) => n >= 0 && n <= 100, 'a percent between 0 and 100') / 100;
        const threshold = parseNumber(options.threshold, '--threshold', (n) => n > 0 && n <= 1, 'a risk in (0, 1]');
        if (options.scale !== undefined && options.scale !== 'categorical' && options.scale !== 'ordered') {
          throw new AppError('bad_request', `--scale must be categorical or ordered, not "${String(options.scale)}"`);
        }
        if (!['auto', 'stream', 'duckdb'].includes(options.engine)) {
          throw new AppError('bad_request', `--engine must be auto, stream or duckdb, not "${options.engine}"`);
        }
        const hierarchyKinds = parseHierarchies(options.hierarchy);
        if (!existsSync(file) || !statSync(file).isFile()) throw new AppError('not_found', `No such file: ${file}`);

        const quasi = parseList(options.quasi);
        if (quasi.length === 0) throw new AppError('bad_request', '--quasi names no column');
        const notQuasi = [...hierarchyKinds.keys()].filter((c) => !quasi.includes(c));
        if (notQuasi.length) throw new AppError('bad_request', `--hierarchy names ${notQuasi.join(', ')}, which --quasi does not`);
        const utf8 = options.engine === 'stream' ? false : await isUtf8File(file);
        if (options.engine === 'duckdb' && !utf8) throw new AppError('bad_request', `--engine duckdb reads UTF-8 only, and ${file} is not`);
        const useDuckDb = options.engine === 'duckdb' || (options.engine === 'auto' && utf8 && statSync(file).size >= DUCKDB_FROM_BYTES);

        const { header, records, close } = await openCsvRecords(file);
        const named = [...quasi, ...(options.sensitive !== undefined ? [options.sensitive] : [])];
        const unknown = named.filter((c) => !header.includes(c));
        if (unknown.length || useDuckDb) close();
        if (unknown.length) {
          throw new AppError(
            'bad_request',
            `Unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: ${file} has ${header.join(', ')}`,
          );
        }
        const quasiIdx = quasi.map((c) => header.indexOf(c));
        const sensitiveIdx = options.sensitive !== undefined ? header.indexOf(options.sensitive) : undefined;

        let classes;
        if (useDuckDb) {
          classes = await countClassesWithDuckDb(file, quasi, options.sensitive);
        } else {
          const counter = new ClassCounter(quasiIdx, sensitiveIdx);
          for await (const record of records) counter.add(record);
          classes = counter.classes();
        }
        const reportOptions = { targetK, threshold, ...(options.scale ? { scale: options.scale } : {}) };
        const risk = measureRisk(classes, reportOptions);
        const base = {
          file,
          engine: useDuckDb ? 'duckdb' : 'stream',
          records: risk.records,
          quasi,
          sensitive: options.sensitive ?? null,
          targetK,
          reached: risk.k >= targetK,
          risk,
        };

        if (options.apply === undefined) {
          printResult(options, base, () => riskLines(risk, targetK, quasi, options.sensitive).join('\n'));
          if (risk.k < targetK) process.exitCode = EXIT_FAILED;
          return;
        }

        // Hierarchies from each column's distinct values (all of them: numeric widths need the range).
        const distinct = quasi.map((_, a) => [...new Set(classes.map((c) => c.key[a]!))]);
        const kinds = quasi.map((c, a) => hierarchyKinds.get(c) ?? suggestHierarchyKind(c, distinct[a]!.slice(0, 2000)));
        const legalDongFile = options.legalDong ?? DEFAULT_LEGAL_DONG;
        let index: LegalDongIndex | undefined;
        if (kinds.includes('address')) {
          if (options.legalDong !== undefined && !existsSync(legalDongFile))
            throw new AppError('bad_request', `No 법정동 table at ${legalDongFile}`);
          if (existsSync(legalDongFile)) index = await loadLegalDong(legalDongFile);
        }
        const quasiIdentifiers: QuasiIdentifier[] = quasi.map((column, a) => ({
          column,
          hierarchy: hierarchyFor(kinds[a]!, distinct[a]!, index),
        }));
        let result: Anonymization;
        try {
          result = anonymizeCounts(classes, quasiIdentifiers, {
            k: targetK,
            maxSuppression,
            threshold,
            ...(options.scale ? { scale: options.scale } : {}),
          });
        } catch (error) {
          if (error instanceof TargetUnreachableError) throw new AppError('conflict', error.message);
          throw error;
        }

        const out = path.resolve(options.apply);
        if (out === path.resolve(file)) throw new AppError('bad_request', '--apply must name a new file, not the input');
        const writer = new CsvFileWriter(out);
        let written = 0;
        try {
          await writer.write(header);
          const second = await openCsvRecords(file);
          for await (const record of second.records) {
            const generalized = result.generalize(quasiIdx.map((i) => record[i]!));
            if (result.isSuppressed(generalized)) continue;
            quasiIdx.forEach((i, a) => (record[i] = generalized[a]!));
            await writer.write(record);
            written++;
          }
        } finally {
          await writer.close();
        }
        const { generalize: _g, isSuppressed: _s, ...plain } = result;
        printResult(options, { ...base, reached: result.after.k >= targetK, apply: { out: options.apply, written, ...plain } }, () =>
          [
            'before:',
            ...riskLines(risk, targetK, quasi, options.sensitive).map((l) => `  ${l}`),
            ...applyLines(result, options.apply!, written),
            'after:',
            ...riskLines(result.after, targetK, quasi, options.sensitive).map((l) => `  ${l}`),
          ].join('\n'),
        );
        if (result.after.k < targetK) process.exitCode = EXIT_FAILED;
      }),
    );
}
