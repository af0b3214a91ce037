/** A durable PostgreSQL for benchmarks: the one at DATADAM_BENCH_PG (an admin URL), or one started here. */
import pg from 'pg';
import { startPostgres, type RunningPostgres } from '../test/support/postgres-server.js';

export interface PostgresHost {
  adminUrl: string;
  settings: string;
  stop(): Promise<void>;
}

export async function startPostgresHost(): Promise<PostgresHost> {
  let server: RunningPostgres | undefined;
  let adminUrl = process.env.DATADAM_BENCH_PG;
  if (!adminUrl) {
    process.stderr.write('postgres: starting a durable server…\n');
    const started = await startPostgres({ durable: true });
    server = started;
    adminUrl = started.url;
    // The server runs under runuser and outlives a crashed or interrupted bench unless told to stop.
    const bail = (reason: unknown) => {
      process.stderr.write(`${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`);
      void started.stop().finally(() => process.exit(1));
    };
    process.once('uncaughtException', bail);
    process.once('unhandledRejection', bail);
    process.once('SIGINT', () => bail('interrupted'));
  }
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const show = async (name: string) => (await client.query<Record<string, string>>(`show ${name}`)).rows[0]?.[name] ?? '?';
  const settings =
    `PostgreSQL ${(await show('server_version')).split(' ')[0]}, fsync=${await show('fsync')}, ` +
    `synchronous_commit=${await show('synchronous_commit')}, shared_buffers=${await show('shared_buffers')}`;
  await client.end();
  return { adminUrl, settings, stop: async () => server?.stop() };
}
