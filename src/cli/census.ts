/** `datadam census import|export|template`: the census's files from the command line. */
import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { Actor } from '../core/auth/policy.js';
import { AppError } from '../core/errors.js';
import { writeCsv, writeJson, writeXlsx } from '../modules/census/export/writers.js';
import { NAMED_MAPPINGS, resolveMapping, type Mapping } from '../modules/census/import/mapping.js';
import { templateCsv, templateXlsx } from '../modules/census/import/template.js';
import type { Platform } from '../server/platform.js';
import { EXIT_FAILED, printResult } from './output.js';
import { createProgress } from './progress.js';

const SYSTEM: Actor = { kind: 'system', name: 'cli' };

export interface CensusCommandContext {
  dataCommand(parent: Command, name: string, description: string): Command;
  action<A extends unknown[]>(body: (...args: A) => Promise<void>): (...args: A) => Promise<void>;
  withPlatform<T>(options: { dataDir?: string | undefined; json?: boolean }, work: (platform: Platform) => Promise<T>): Promise<T>;
}

/** A named mapping, or a mapping file (JSON) on disk. */
function loadMapping(value: string): Mapping {
  if (NAMED_MAPPINGS[value]) return NAMED_MAPPINGS[value];
  if (!existsSync(value)) {
    throw new AppError(
      'bad_request',
      `--mapping must be ${Object.keys(NAMED_MAPPINGS).join(', ')} or a mapping file; "${value}" is neither`,
    );
  }
  return resolveMapping(readFileSync(value, 'utf8'));
}

async function findOrg(platform: Platform, idOrSlug: string): Promise<string> {
  return (await platform.identity.getOrganization(idOrSlug)).id;
}

export function registerCensusCommands(program: Command, { dataCommand, action, withPlatform }: CensusCommandContext): void {
  const census = program.command('census').description('the census of data holdings: import, export, templates');

  dataCommand(census, 'import', 'import census entries from CSV (UTF-8, CP949/EUC-KR, UTF-16), XLSX, JSON or JSONL')
    .argument('<file>', 'the file to import')
    .option(
      '--mapping <name|file>',
      `how columns map onto the form: ${Object.keys(NAMED_MAPPINGS).join(', ')}, or a mapping JSON file`,
      'native',
    )
    .option('--valid-rows-only', 'import the valid rows even when others are rejected')
    .option('--dry-run', 'check every row and report, but import nothing')
    .option('--campaign <id>', 'the campaign the entries answer')
    .option('--org <slug>', 'the agency every row belongs to (when the file does not name agencies)')
    .addOption(new Option('--status <status>', 'status of the imported entries').choices(['draft', 'accepted']).default('draft'))
    .action(
      action(
        async (
          file: string,
          options: {
            dataDir?: string;
            json?: boolean;
            mapping: string;
            validRowsOnly?: boolean;
            dryRun?: boolean;
            campaign?: string;
            org?: string;
            status: 'draft' | 'accepted';
          },
        ) => {
          if (!existsSync(file)) throw new AppError('bad_request', `No such file: ${file}`);
          const mapping = loadMapping(options.mapping);
          const progress = createProgress(`importing ${path.basename(file)}`);
          const { report, similar } = await withPlatform(options, async (platform) => {
            const report = await platform.censusFiles.importEntries(SYSTEM, {
              source: createReadStream(file, { highWaterMark: 1024 * 1024 }),
              fileName: path.basename(file),
              mapping,
              validRowsOnly: options.validRowsOnly === true,
              dryRun: options.dryRun === true,
              status: options.status,
              ...(options.campaign ? { campaignId: options.campaign } : {}),
              ...(options.org ? { orgId: await findOrg(platform, options.org) } : {}),
              onProgress: (p) => progress.update(p.rows, p.rejected > 0 ? `${p.rejected} rejected` : undefined),
            });
            // Near-identical titles are flagged once the import is in, outside its transaction.
            const similar = report.committed && !options.dryRun ? (await platform.censusFiles.flagSimilarTitles(report.orgIds)).flagged : 0;
            // …and the data map's search finds the new entries at once, without waiting for the indexing job.
            if (report.committed && !options.dryRun) await platform.catalog.reindexStale();
            return { report, similar };
          });
          progress.finish(`${report.rows} rows read`);
          const imported = report.committed && !options.dryRun ? report.imported : 0;
          printResult(
            options,
            {
              imported,
              rejected: report.rejected,
              unchanged: report.unchanged,
              duplicates: similar,
              rows: report.rows,
              committed: report.committed && !options.dryRun,
              encoding: report.encoding ?? null,
              format: report.format ?? null,
              agenciesCreated: report.agenciesCreated,
              errorCount: report.errorCount,
              errors: report.errors,
            },
            () => humanReport({ ...report, duplicates: similar }, imported, options),
          );
          if (report.rejected > 0) process.exitCode = EXIT_FAILED;
        },
      ),
    );

  dataCommand(census, 'export', 'export census entries as CSV, XLSX or JSON (to standard output unless --out)')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'xlsx', 'json']).makeOptionMandatory())
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--campaign <id>', 'only entries of this campaign')
    .option('--org <slug>', 'only entries of this agency')
    .addOption(new Option('--status <status>', 'only entries with this status').choices(['draft', 'submitted', 'returned', 'accepted']))
    .addOption(new Option('--lang <lang>', 'header language').choices(['ko', 'en']).default('ko'))
    .action(
      action(
        async (options: {
          dataDir?: string;
          json?: boolean;
          format: 'csv' | 'xlsx' | 'json';
          out?: string;
          campaign?: string;
          org?: string;
          status?: 'draft' | 'submitted' | 'returned' | 'accepted';
          lang: 'ko' | 'en';
        }) => {
          if (options.format === 'xlsx' && !options.out && process.stdout.isTTY) {
            throw new AppError('bad_request', 'XLSX is binary: give --out FILE or redirect standard output');
          }
          const count = await withPlatform(options, async (platform) => {
            const rows = platform.census.exportRows(SYSTEM, {
              ...(options.org ? { org: await findOrg(platform, options.org) } : {}),
              campaign: options.campaign,
              status: options.status,
            });
            const out: Writable = options.out ? createWriteStream(options.out) : process.stdout;
            const written =
              options.format === 'csv'
                ? await writeCsv(rows, out, { lang: options.lang, end: Boolean(options.out) })
                : options.format === 'xlsx'
                  ? await writeXlsx(rows, out, { lang: options.lang })
                  : await writeJson(rows, out, { end: Boolean(options.out) });
            if (options.out) await finished(out);
            return written;
          });
          if (options.out) process.stderr.write(`Exported ${count} entries to ${options.out}\n`);
        },
      ),
    );

  census
    .command('template')
    .description('write the import template (the form as columns, with an example row)')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'xlsx']).default('csv'))
    .requiredOption('--out <file>', 'where to write it')
    .action(
      action(async (options: { format: 'csv' | 'xlsx'; out: string; json?: boolean }) => {
        const out = createWriteStream(options.out);
        out.end(options.format === 'csv' ? templateCsv('ko') : await templateXlsx());
        await finished(out);
        printResult(options, { written: options.out }, () => `Wrote the ${options.format.toUpperCase()} template to ${options.out}`);
      }),
    );
}

function humanReport(
  report: {
    rows: number;
    rejected: number;
    unchanged: number;
    duplicates: number;
    errorCount: number;
    errors: Array<{ row: number; column: string; message: string; messageEn: string }>;
    encoding: string | undefined;
  },
  imported: number,
  options: { validRowsOnly?: boolean; dryRun?: boolean },
): string {
  const lines = [
    `${report.rows} rows read${report.encoding ? ` (${report.encoding})` : ''}: ${imported} imported, ${report.rejected} rejected, ${report.unchanged} already there, ${report.duplicates} likely duplicates`,
  ];
  if (options.dryRun) lines.push('Dry run: nothing was imported.');
  else if (report.rejected > 0 && !options.validRowsOnly)
    lines.push('Nothing was imported because some rows are invalid; fix them, or use --valid-rows-only.');
  for (const e of report.errors.slice(0, 50)) lines.push(`  row ${e.row}${e.column ? `, ${e.column}` : ''}: ${e.message} (${e.messageEn})`);
  if (report.errorCount > 50) lines.push(`  … and ${report.errorCount - 50} more (use --json for all)`);
  return lines.join('\n');
}
