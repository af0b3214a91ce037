/**
 * Scale-out: two API processes and two worker processes against one PostgreSQL and one blob
 * store. A session made on one API process is valid on the other, and a burst of jobs completes
 * exactly once across both workers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { createDbJobQueue } from '../../src/platform/queue/db-job-queue.js';
import { REPO_ROOT } from '../support/cli.js';
import { createEmptyDatabase } from '../support/databases.js';
import { freePort } from '../support/postgres-server.js';

interface Proc {
  child: ChildProcess;
  output: () => string;
}

function start(args: string[], env: Record<string, string>, readyLine?: string): Promise<Proc> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const proc = { child, output: () => output };
  if (!readyLine) return Promise.resolve(proc);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 60 s:\n${output}`)), 60_000);
    const check = () => {
      if (output.includes(readyLine)) {
        clearTimeout(timer);
        resolve(proc);
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => reject(new Error(`exited ${code} before ready:\n${output}`)));
  });
}

async function waitHealthy(port: number, proc: Proc): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (proc.child.exitCode !== null || Date.now() > deadline) throw new Error(`API on ${port} did not start:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stop(proc: Proc | undefined): Promise<void> {
  if (!proc || proc.child.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.child.once('exit', resolve));
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

describe('scale-out on PostgreSQL', () => {
  let drop: () => Promise<void>;
  let database: Database;
  const procs: Proc[] = [];
  const ports: number[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    const created = await createEmptyDatabase('postgres');
    drop = created.drop;
    if (created.config.kind !== 'postgres') throw new Error('expected PostgreSQL');
    env = {
      DATADAM_DB: created.config.url,
      DATADAM_BLOB: mkdtempSync(path.join(os.tmpdir(), 'datadam-shared-blobs-')),
      DATADAM_SECRET: 'scale-out-test-secret',
    };
    // The first API process migrates and seeds; the second finds everything in place.
    for (const [i, extra] of [['--demo'], []].entries()) {
      const port = await freePort();
      const proc = await start(
        [
          'src/cli/main.ts',
          'serve',
          '--no-worker',
          '--port',
          String(port),
          '--data-dir',
          mkdtempSync(path.join(os.tmpdir(), `datadam-api${i}-`)),
          ...extra,
        ],
        env,
      );
      procs.push(proc);
      ports.push(port);
      await waitHealthy(port, proc);
    }
    database = openDatabase(created.config);
    await sql`create table test_effects (job_id text not null, worker_id text not null, kind text not null, at text not null)`.execute(
      database.db,
    );
  });

  afterAll(async () => {
    await Promise.all(procs.map(stop));
    await database?.close();
    await drop?.();
  });

  it('accepts a session made on one API process on the other, and ends it everywhere', async () => {
    const [a, b] = ports.map((p) => `http://127.0.0.1:${p}`);
    const login = await fetch(`${a}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'operator@demo.datadam.kr', password: 'datadam-demo' }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };

    const meOnB = await fetch(`${b}/api/v1/auth/me`, { headers: { cookie } });
    expect(meOnB.status).toBe(200);
    expect(((await meOnB.json()) as { user: { email: string } }).user.email).toBe('operator@demo.datadam.kr');

    for (const base of [a, b]) expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const logout = await fetch(`${b}/api/v1/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(logout.status).toBe(204);
    expect((await fetch(`${a}/api/v1/auth/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('completes a burst of jobs exactly once across two worker processes', async () => {
    const workers = await Promise.all(
      ['w1', 'w2'].map((id) => start(['test/fixtures/platform-worker.ts'], { ...env, TEST_WORKER_ID: id }, `ready ${id}`)),
    );
    procs.push(...workers);
    const queue = createDbJobQueue({ database });
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) ids.push((await queue.enqueue('test.count', { i }, { idempotencyKey: `burst-${i}` })).id);
    // A retried enqueue adds nothing.
    expect((await queue.enqueue('test.count', { i: 0 }, { idempotencyKey: 'burst-0' })).created).toBe(false);

    const deadline = Date.now() + 120_000;
    for (;;) {
      const counts = await queue.counts();
      if (counts.queued === 0 && counts.running === 0) break;
      if (Date.now() > deadline)
        throw new Error(`jobs did not finish: ${JSON.stringify(counts)}\n${workers.map((w) => w.output()).join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const rows = await database.db.selectFrom('test_effects').select(['job_id', 'worker_id']).execute();
    const perJob = new Map<string, number>();
    for (const row of rows) perJob.set(row.job_id, (perJob.get(row.job_id) ?? 0) + 1);
    expect(perJob.size).toBe(300);
    expect([...perJob.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(ids)).toEqual(new Set(perJob.keys()));
    const byWorker = new Map<string, number>();
    for (const row of rows) byWorker.set(row.worker_id, (byWorker.get(row.worker_id) ?? 0) + 1);
    expect([...byWorker.keys()].sort()).toEqual(['w1', 'w2']);
    for (const id of ids.slice(0, 20)) expect((await queue.get(id))?.status).toBe('done');
  });
});
