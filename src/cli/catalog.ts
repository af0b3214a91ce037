/** `datadam catalog search|reindex`: the data map's search from the command line. */
import type { Command } from 'commander';
import type { Actor } from '../core/auth/policy.js';
import { AppError } from '../core/errors.js';
import { MAX_LIMIT } from '../modules/catalog/catalog.service.js';
import type { CensusCommandContext } from './census.js';
import { printResult } from './output.js';

/** Whoever holds the machine sees every entry, as the census commands do. */
const SYSTEM: Actor = { kind: 'system', name: 'cli' };

export function registerCatalogCommands(program: Command, { dataCommand, action, withPlatform }: CensusCommandContext): void {
  const catalog = program.command('catalog').description('the data map: search every census entry, keep the index up to date');

  dataCommand(catalog, 'search', 'search census entries (Korean and English; particles and spacing do not matter)')
    .argument('<query>', 'the words to find')
    .option('--limit <n>', `results to show, 1 to ${MAX_LIMIT}`, '20')
    .action(
      action(async (query: string, options: { dataDir?: string; json?: boolean; limit: string }) => {
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
          throw new AppError('bad_request', `--limit must be a whole number from 1 to ${MAX_LIMIT}`);
        }
        const result = await withPlatform(options, async (platform) => {
          // Whatever changed since the last indexing run is found too.
          await platform.catalog.reindexStale();
          return platform.catalog.search(SYSTEM, { q: query, limit });
        });
        printResult(
          options,
          {
            total: result.total,
            results: result.results.map((r) => ({ id: r.id, title: r.title, agency: r.agency, score: r.score, status: r.status })),
          },
          () =>
            [
              `${result.total} found${result.total > result.results.length ? `, first ${result.results.length} shown` : ''}`,
              ...result.results.map((r) => `${r.score.toFixed(2)}\t${r.title}\t${r.agency}\t${r.id}`),
            ].join('\n'),
        );
      }),
    );

  dataCommand(catalog, 'reindex', 'index census entries changed since the last run (--all: rebuild every document)')
    .option('--all', 'rebuild every document, not only the changed ones')
    .action(
      action(async (options: { dataDir?: string; json?: boolean; all?: boolean }) => {
        const result = await withPlatform(options, (p) => (options.all ? p.catalog.reindexAll() : p.catalog.reindexStale()));
        printResult(options, result, () => `Indexed ${result.indexed} entries, removed ${result.removed} documents`);
      }),
    );
}
