/**
 * The `datadam` command: `datadam <area> <verb>`. Every command that touches data takes
 * --data-dir and honours DATADAM_DB / DATADAM_BLOB; --json gives machines one JSON document.
 */
import { Command, CommanderError, Option } from 'commander';
import { SCOPES, ORG_KINDS, ROLES, type Actor, type Scope } from '../core/auth/policy.js';
import { loadConfig, type ConfigFlags } from '../core/config.js';
import { AppError } from '../core/errors.js';
import { randomSecret } from '../modules/identity/secrets.js';
import { migrateToLatest } from '../platform/db/migrator.js';
import { openDatabase } from '../platform/db/database.js';
import { createLogger } from '../server/logger.js';
import { openPlatform, type Platform } from '../server/platform.js';
import { packageVersion, serve } from '../server/serve.js';
import { startPlatformWorker } from '../server/worker.js';
import { registerCatalogCommands } from './catalog.js';
import { registerHarvestCommands } from './harvest.js';
import { registerCensusCommands } from './census.js';
import { registerDeidCommands } from './deid.js';
import { registerLedgerCommands } from './ledger.js';
import { registerEvaluateCommands } from './evaluate.js';
import { registerGetCommand } from './get.js';
import { registerProfileCommands } from './profile.js';
import { registerQualityCommands } from './quality.js';
import { registerRefineCommands } from './refine.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, printResult, reportError } from './output.js';

const SYSTEM: Actor = { kind: 'system', name: 'cli' };

interface DataOptions extends ConfigFlags {
  json?: boolean;
}

/** Adds the options every data-touching command shares. */
function dataCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .option('--data-dir <dir>', 'embedded data folder (default ./.datadam, or DATADAM_DATA_DIR)')
    .option('--json', 'print one JSON document for machines');
}

async function withPlatform<T>(options: DataOptions, work: (platform: Platform) => Promise<T>): Promise<T> {
  const platform = await openPlatform(loadConfig(process.env, options));
  try {
    return await work(platform);
  } finally {
    await platform.close();
  }
}

/** Runs a command body, turning errors into the right message and exit code. */
function action<A extends unknown[]>(body: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    const command = args[args.length - 1] as Command;
    try {
      await body(...args);
    } catch (error) {
      process.exitCode = reportError(error, command.opts<DataOptions>());
    }
  };
}

function parseScopes(value: string): Scope[] {
  const scopes = value.split(',').map((s) => s.trim());
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw new AppError('bad_request', `Unknown scope ${unknown.join(', ')}: use ${SCOPES.join(', ')}`);
  return scopes as Scope[];
}

export function buildProgram(): Command {
  const program = new Command('datadam')
    .description(
      'datadam: the national AI-training-data platform (census, evaluation, refinery, de-identification, release, safe zone, ledger)',
    )
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride();

  dataCommand(program, 'serve', 'start the API, the web app and a worker')
    .option('--port <port>', 'port to listen on (default 8080, or PORT)')
    .option('--host <host>', 'address to listen on (default 0.0.0.0)')
    .option('--no-worker', 'do not run jobs in this process (run `datadam worker` elsewhere)')
    .option('--demo', 'create the demo organisations and users if they are missing')
    .action(
      action(async (options: DataOptions & { port?: string; host?: string; worker: boolean; demo?: boolean }) => {
        const config = loadConfig(process.env, options);
        const server = await serve(config, { worker: options.worker, demo: options.demo === true });
        const shutdown = (signal: string) => {
          process.stderr.write(`datadam: ${signal}, stopping…\n`);
          void server.stop().then(() => process.exit(0));
        };
        process.once('SIGINT', () => shutdown('SIGINT'));
        process.once('SIGTERM', () => shutdown('SIGTERM'));
      }),
    );

  dataCommand(program, 'worker', 'run background jobs (for deployments with separate worker processes)')
    .option('--concurrency <n>', 'jobs at once', '4')
    .action(
      action(async (options: DataOptions & { concurrency: string }) => {
        const config = loadConfig(process.env, options);
        const logger = createLogger(config.logLevel);
        const platform = await openPlatform(config);
        const worker = startPlatformWorker(platform, logger, { concurrency: Number(options.concurrency) });
        const shutdown = () =>
          void worker
            .stop()
            .then(() => platform.close())
            .then(() => process.exit(0));
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      }),
    );

  dataCommand(program, 'migrate', 'apply pending database migrations').action(
    action(async (options: DataOptions) => {
      const config = loadConfig(process.env, options);
      const database = openDatabase(config.db);
      try {
        const result = await migrateToLatest(database);
        const applied = (result.results ?? []).map((r) => r.migrationName);
        printResult(options, { applied, database: database.description }, () =>
          applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'The database is up to date.',
        );
      } finally {
        await database.close();
      }
    }),
  );

  const admin = program.command('admin').description('manage organisations, users, roles and tokens (as whoever holds this machine)');

  dataCommand(admin, 'create-org', 'create an organisation')
    .requiredOption('--slug <slug>', 'short name in URLs, e.g. nia')
    .requiredOption('--name <name>', 'name (Korean)')
    .option('--name-en <name>', 'name in English')
    .addOption(new Option('--kind <kind>', 'what it is').choices(ORG_KINDS).makeOptionMandatory())
    .action(
      action(async (options: DataOptions & { slug: string; name: string; nameEn?: string; kind: (typeof ORG_KINDS)[number] }) => {
        const org = await withPlatform(options, (p) => p.identity.createOrganization(SYSTEM, options));
        printResult(options, org, () => `Created organisation ${org.slug} (${org.id})`);
      }),
    );

  dataCommand(admin, 'create-user', 'create a user; prints a generated password unless one is given')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--name <name>', 'display name')
    .option('--password-stdin', 'read the password from standard input')
    .addOption(new Option('--locale <locale>', 'language of the web app').choices(['ko', 'en']).default('ko'))
    .action(
      action(async (options: DataOptions & { email: string; name: string; passwordStdin?: boolean; locale: 'ko' | 'en' }) => {
        const generated = options.passwordStdin ? undefined : randomSecret().slice(0, 20);
        const password = options.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : generated;
        const user = await withPlatform(options, (p) =>
          p.identity.createUser(SYSTEM, { email: options.email, displayName: options.name, password, locale: options.locale }),
        );
        printResult(options, { ...user, ...(generated ? { password: generated } : {}) }, () =>
          [`Created user ${user.email} (${user.id})`, ...(generated ? [`Password (shown once): ${generated}`] : [])].join('\n'),
        );
      }),
    );

  dataCommand(admin, 'grant-role', 'give a user a role in an organisation')
    .requiredOption('--user <email>', 'user email or id')
    .requiredOption('--org <slug>', 'organisation slug or id')
    .addOption(new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory())
    .action(
      action(async (options: DataOptions & { user: string; org: string; role: (typeof ROLES)[number] }) => {
        const membership = await withPlatform(options, (p) => p.identity.grantRole(SYSTEM, options));
        printResult(options, membership, () => `${options.user} is now ${membership.role} of ${membership.orgName}`);
      }),
    );

  dataCommand(admin, 'create-token', 'create an API token for a user, acting for one organisation')
    .requiredOption('--user <email>', 'user email or id')
    .requiredOption('--org <slug>', 'organisation slug or id')
    .requiredOption('--name <name>', 'what the token is for')
    .option('--scopes <list>', `comma-separated: ${SCOPES.join(', ')}`, 'read')
    .option('--days <n>', 'days until it expires', '90')
    .action(
      action(async (options: DataOptions & { user: string; org: string; name: string; scopes: string; days: string }) => {
        const scopes = parseScopes(options.scopes);
        const result = await withPlatform(options, async (p) => {
          const user = (await p.identity.listUsers(SYSTEM)).find((u) => u.email === options.user.toLowerCase() || u.id === options.user);
          if (!user) throw new AppError('not_found', `User "${options.user}" was not found`);
          const memberships = (await p.identity.me({ kind: 'user', userId: user.id, memberships: [], via: 'session', scopes: SCOPES }))
            .memberships;
          const actor: Actor = {
            kind: 'user',
            userId: user.id,
            via: 'session',
            scopes: SCOPES,
            memberships: memberships.map((m) => ({ orgId: m.orgId, orgKind: m.orgKind, role: m.role })),
          };
          return p.identity.createApiToken(actor, { org: options.org, name: options.name, scopes, expiresInDays: Number(options.days) });
        });
        printResult(options, result, () => `Token (shown once): ${result.token}\nExpires ${result.info.expiresAt}`);
      }),
    );

  dataCommand(admin, 'revoke-token', 'revoke an API token by id')
    .argument('<id>', 'token id')
    .action(
      action(async (id: string, options: DataOptions) => {
        await withPlatform(options, async (p) => {
          const tokens = await Promise.all((await p.identity.listOrganizations()).map((o) => p.identity.listApiTokens(SYSTEM, o.id)));
          const token = tokens.flat().find((t) => t.id === id);
          if (!token) throw new AppError('not_found', `Token ${id} was not found`);
          const actor: Actor = { kind: 'user', userId: token.userId, via: 'session', scopes: SCOPES, memberships: [] };
          await p.identity.revokeApiToken(actor, id);
        });
        printResult(options, { revoked: id }, () => `Revoked token ${id}`);
      }),
    );

  dataCommand(admin, 'disable-user', 'disable a user: they can no longer sign in, and their sessions end')
    .requiredOption('--user <email>', 'user email or id')
    .action(
      action(async (options: DataOptions & { user: string }) => {
        await withPlatform(options, (p) => p.identity.disableUser(SYSTEM, options.user));
        printResult(options, { disabled: options.user }, () => `Disabled ${options.user}`);
      }),
    );

  dataCommand(admin, 'set-password', "set a user's password from standard input; their sessions end")
    .requiredOption('--user <email>', 'user email or id')
    .action(
      action(async (options: DataOptions & { user: string }) => {
        const password = (await readStdin()).replace(/\r?\n$/, '');
        await withPlatform(options, (p) => p.identity.setPassword(SYSTEM, options.user, password));
        printResult(options, { user: options.user }, () => `Set the password of ${options.user}`);
      }),
    );

  dataCommand(admin, 'list-users', 'list users').action(
    action(async (options: DataOptions) => {
      const users = await withPlatform(options, (p) => p.identity.listUsers(SYSTEM));
      printResult(options, users, () => users.map((u) => `${u.email}\t${u.displayName}\t${u.id}`).join('\n'));
    }),
  );

  dataCommand(admin, 'list-orgs', 'list organisations').action(
    action(async (options: DataOptions) => {
      const orgs = await withPlatform(options, (p) => p.identity.listOrganizations());
      printResult(options, orgs, () => orgs.map((o) => `${o.slug}\t${o.kind}\t${o.name}`).join('\n'));
    }),
  );

  registerCensusCommands(program, { dataCommand, action, withPlatform });
  registerCatalogCommands(program, { dataCommand, action, withPlatform });
  registerHarvestCommands(program, { dataCommand, action, withPlatform });
  registerProfileCommands(program, { dataCommand, action, withPlatform });
  registerQualityCommands(program, { dataCommand, action, withPlatform });
  registerRefineCommands(program, { dataCommand, action });
  registerDeidCommands(program, { dataCommand, action });
  registerLedgerCommands(program, { dataCommand, action });
  registerEvaluateCommands(program, { action });
  registerGetCommand(program, { action });

  return program;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, successfully.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    process.stderr.write(`datadam: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
}
