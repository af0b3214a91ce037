/**
 * Starts a throw-away PostgreSQL server for tests: initdb into a temporary folder (as the `postgres`
 * user when we are root, since PostgreSQL refuses to run as root), on a free port, trust auth on
 * loopback only. Used when DATADAM_TEST_PG does not name a server already running.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RunningPostgres {
  /** A superuser URL to the `postgres` database. */
  url: string;
  stop(): Promise<void>;
}

function findBinDir(): string {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(path.join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(base, versions[0], 'bin');
  }
  throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql, or set DATADAM_TEST_PG');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  /** Keep PostgreSQL's default durability (fsync, synchronous commit), as benchmarks must; tests turn it off for speed. */
  durable?: boolean;
}

export async function startPostgres(options: StartOptions = {}): Promise<RunningPostgres> {
  const bin = findBinDir();
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => (asRoot ? { cmd: 'runuser', args: ['-u', 'postgres', '--', cmd, ...args] } : { cmd, args });

  const dir = mkdtempSync(path.join(os.tmpdir(), 'datadam-pg-'));
  chmodSync(dir, 0o777);
  const dataDir = path.join(dir, 'data');
  const initdb = run(path.join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  execFileSync(initdb.cmd, initdb.args, { stdio: 'pipe' });
  // Tests want speed, not durability across power cuts.
  writeFileSync(
    path.join(dataDir, 'postgresql.auto.conf'),
    options.durable
      ? 'max_connections = 300\n'
      : 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 300\nshared_buffers = 256MB\n',
  );

  const port = await freePort();
  const postgres = run(path.join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir]);
  const child: ChildProcess = spawn(postgres.cmd, postgres.args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitUntilReady(url, () => log, child);
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // runuser does not pass signals on to its child, so ask the server itself to stop.
        const stop = run(path.join(bin, 'pg_ctl'), ['-D', dataDir, 'stop', '-m', 'immediate', '-w']);
        try {
          execFileSync(stop.cmd, stop.args, { stdio: 'pipe' });
        } catch {
          child.kill('SIGKILL');
        }
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntilReady(url: string, log: () => string, child: ChildProcess): Promise<void> {
  const { default: pg } = await import('pg');
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited at start:\n${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not become ready in 30 s:\n${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
