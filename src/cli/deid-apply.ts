/**
 * `datadam deid apply --policy POLICY.yaml IN OUT [--format jsonl|csv|text] [--json] [--samples]`:
 * de-identifies a file under a policy, on every core, without a server. Progress on stderr; the
 * run report on stdout (as JSON with --json, without its sensitive before/after samples unless
 * --samples). Exit 0 done, 1 failed, 2 bad usage or a bad policy (the error names the field).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../core/errors.js';
import { parsePolicy, resolvePolicyKeys } from '../modules/deid/policy.js';
import { deidentifyFile, withoutSamples, type DeidRunReport } from '../modules/deid/run/deidentify-file.js';
import { DEID_FORMATS, type DeidFormat } from '../modules/deid/run/records.js';
import type { CensusCommandContext } from './census.js';
import { printResult } from './output.js';
import { createProgress } from './progress.js';

interface ApplyOptions {
  policy: string;
  format?: string;
  json?: boolean;
  samples?: boolean;
  threads?: string;
}

/**
 * Registers `deid apply` on the `deid` command.
 *
 * @example registerDeidApply(deidCommand(program), { action })
 */
export function registerDeidApply(deid: Command, { action }: Pick<CensusCommandContext, 'action'>): void {
  deid
    .command('apply')
    .description('de-identify a JSONL, CSV or text file under a policy (YAML), on every core; prints the run report')
    .argument('<in>', 'the input file')
    .argument('<out>', 'the output file (replaced if it exists)')
    .requiredOption('--policy <file>', 'the policy (YAML): operators per entity type and per field')
    .option('--format <format>', `${DEID_FORMATS.join(', ')} (default: from the input's extension)`)
    .option('--threads <n>', 'worker threads (default: every core; 0 runs on the main thread)')
    .option('--samples', 'include the before/after samples in the report (personal data in clear: for authorised reviewers)')
    .option('--json', 'print the run report as one JSON document')
    .action(
      action(async (input: string, output: string, options: ApplyOptions) => {
        if (!existsSync(options.policy)) throw new AppError('bad_request', `No policy file at ${options.policy}`);
        if (!existsSync(input) || !statSync(input).isFile()) throw new AppError('bad_request', `No file at ${input}`);
        if (path.resolve(input) === path.resolve(output))
          throw new AppError('bad_request', 'The output must be another file than the input');
        if (options.format !== undefined && !DEID_FORMATS.includes(options.format as DeidFormat)) {
          throw new AppError('bad_request', `Unknown format ${options.format}: use ${DEID_FORMATS.join(', ')}`);
        }
        const threads = options.threads === undefined ? undefined : Number(options.threads);
        if (threads !== undefined && !(Number.isInteger(threads) && threads >= 0 && threads <= 256)) {
          throw new AppError('bad_request', '--threads must be a whole number from 0 to 256');
        }
        const policy = parsePolicy(readFileSync(options.policy, 'utf8'));
        // Resolved before the run, so a missing secret is bad usage (exit 2) naming the policy field.
        const keys = resolvePolicyKeys(policy, {
          env: process.env,
          readFile: (file) => readFileSync(path.resolve(path.dirname(options.policy), file), 'utf8'),
        });
        const bar = createProgress('deid apply', statSync(input).size);
        const report = await deidentifyFile(input, output, policy, {
          keys,
          ...(options.format ? { format: options.format as DeidFormat } : {}),
          ...(threads === undefined ? {} : { threads }),
          onProgress: (p) => bar.update(p.bytes, `${p.records.toLocaleString('en-US')} records`),
        });
        bar.finish(`${report.records.in.toLocaleString('en-US')} records in ${report.timing.seconds.toFixed(1)} s`);
        printResult(options, options.samples ? report : withoutSamples(report), () =>
          humanReport(report, output, options.samples ?? false),
        );
      }),
    );
}

function humanReport(report: DeidRunReport, output: string, samples: boolean): string {
  const counts = (c: Partial<Record<string, number>>) =>
    Object.entries(c)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'none';
  const { records, timing } = report;
  const lines = [
    `De-identified ${records.in.toLocaleString('en-US')} records into ${output}: ${records.changed} changed, ${records.suppressed} suppressed (policy ${report.policy.hash.slice(7, 19)})`,
    `  entities: ${counts(report.entities)}`,
    `  operators: ${counts(report.operators)}`,
    ...Object.entries(report.fields ?? {}).map(([name, f]) => {
      const parts = [
        Object.keys(f.entities).length ? counts(f.entities) : '',
        f.transformed ? `${f.transformed} by its rule` : '',
        f.unreadable ? `${f.unreadable} unreadable` : '',
      ];
      return `  ${name}: ${parts.filter(Boolean).join('; ')}`;
    }),
    `  ${timing.seconds.toFixed(2)} s on ${timing.threads || 'the main'} thread(s): ${timing.recordsPerSecond.toLocaleString('en-US')} records/s, ${timing.megabytesPerSecond} MB/s`,
    ...(report.policy.uniqueIdentifiersLegalBasis ? [`  unique identifiers kept under: ${report.policy.uniqueIdentifiersLegalBasis}`] : []),
    ...report.warnings.map((w) => `warning: ${w}`),
    ...(samples
      ? report.samples.items.flatMap((s) => [`  #${s.record} before: ${s.before}`, `  #${s.record} after:  ${s.after ?? '(suppressed)'}`])
      : []),
  ];
  return lines.join('\n');
}
