/** `datadam harvest add|list|run`: federation's harvest sources from the command line. */
import type { Command } from 'commander';
import type { Actor } from '../core/auth/policy.js';
import { AppError } from '../core/errors.js';
import type { CensusCommandContext } from './census.js';
import { printResult } from './output.js';

/** Whoever holds the machine acts as the platform itself, as the other data commands do. */
const SYSTEM: Actor = { kind: 'system', name: 'cli' };

export function registerHarvestCommands(program: Command, { dataCommand, action, withPlatform }: CensusCommandContext): void {
  const harvest = program.command('harvest').description('federation: harvest other portals (CKAN, DCAT) into the data map');

  dataCommand(harvest, 'add', 'register a CKAN portal or a DCAT catalog to harvest')
    .requiredOption('--name <name>', 'what to call the source')
    .requiredOption('--url <url>', "a CKAN portal's address, or its action API's (…/api/3/action); or a DCAT catalog's URL")
    .option('--kind <kind>', 'ckan (a CKAN Action API) or dcat (a DCAT catalog in Turtle or JSON-LD)', 'ckan')
    .option('--every <minutes>', 'harvest every this many minutes', '60')
    .action(
      action(async (options: { dataDir?: string; json?: boolean; name: string; url: string; kind: string; every: string }) => {
        const every = Number(options.every);
        if (!Number.isInteger(every) || every < 1)
          throw new AppError('bad_request', '--every must be a whole number of minutes, 1 or more');
        const kind = options.kind;
        if (kind !== 'ckan' && kind !== 'dcat') throw new AppError('bad_request', '--kind must be ckan or dcat');
        const source = await withPlatform(options, (p) =>
          p.harvest.addSource(SYSTEM, { name: options.name, kind, url: options.url, scheduleMinutes: every }),
        );
        printResult(
          options,
          source,
          () => `Registered ${source.name} (${source.kind}, ${source.id}), harvested every ${source.scheduleMinutes} minutes`,
        );
      }),
    );

  dataCommand(harvest, 'list', 'list harvest sources and how their last runs went').action(
    action(async (options: { dataDir?: string; json?: boolean }) => {
      const sources = await withPlatform(options, (p) => p.harvest.listSources(SYSTEM));
      printResult(options, { sources }, () =>
        sources.length === 0
          ? 'No harvest sources'
          : sources
              .map(
                (s) =>
                  `${s.id}\t${s.name}\t${s.kind}\t${s.url}\t${s.documentCount} datasets\tlast ok ${s.lastOkAt ?? 'never'}${s.running ? '\trunning' : ''}${s.lastError ? `\terror: ${s.lastError}` : ''}`,
              )
              .join('\n'),
      );
    }),
  );

  dataCommand(harvest, 'run', 'harvest a source now, and wait for it (refused while another run holds the source)')
    .argument('<id>', 'the source id (see harvest list)')
    .option('--full', 'harvest everything and remove what the source no longer has')
    .action(
      action(async (id: string, options: { dataDir?: string; json?: boolean; full?: boolean }) => {
        const outcome = await withPlatform(options, (p) => p.harvest.runSource(SYSTEM, id, { full: options.full === true }));
        printResult(options, outcome, () =>
          outcome.ok
            ? `${outcome.mode} harvest: ${outcome.fetched} read, ${outcome.upserted} stored, ${outcome.deleted} removed`
            : outcome.alreadyRunning
              ? 'not run: another run of this source is under way'
              : `harvest failed: ${outcome.error ?? 'unknown error'}`,
        );
        if (!outcome.ok) process.exitCode = 1;
      }),
    );
}
