/**
 * bench/download: a large file over loopback through the API (bearer token, authorization, usage
 * recording) beside nginx serving the same bytes with sendfile, in the same run; then 100
 * concurrent downloads with no error and exact usage totals.
 *
 *   npx tsx bench/download/download.bench.ts                  # 1 GiB, writes the `## download` section
 *   BENCH_DOWNLOAD_BYTES=64MiB npx tsx bench/download/…      # a quick check (prints, writes nothing)
 *   BENCH_DOWNLOAD_ROUNDS=3 …                                # rounds of API and nginx, alternating
 *
 * Setup (untimed): a file of the size is generated once in a temp folder, stored in the blob store
 * of a temp data folder (SQLite: downloads read one release row, one grant check and write one
 * usage row per download, which SQLite's single writer handles; PostgreSQL would measure the same
 * path), with an open release (account required) over it and over a 16 MiB file, and 25 consumers
 * with API tokens who accepted its licence. `datadam serve --no-worker` runs in its own process
 * (from the sources through tsx), nginx (`/usr/sbin/nginx`, `sendfile on`, `daemon off`) in another
 * on another loopback port, serving the blob's file on disk.
 *
 * Timed: one stream of the large file at a time, API and nginx alternating, read by the same
 * client (node:http, keep-alive, body counted and dropped), median MB/s of each and their ratio
 * (target ≥ 80 %). Then 100 downloads of the 16 MiB file at once (25 people × 4, the default
 * per-person limit of concurrent downloads): every one 200 with every byte, and the sum of the
 * usage events recorded equals the bytes served.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import type { Actor, UserActor } from '../../src/core/auth/policy.js';
import { loadConfig } from '../../src/core/config.js';
import { seedDemo } from '../../src/server/demo.js';
import { openPlatform } from '../../src/server/platform.js';
import { createTestRelease } from '../../test/support/releases.js';
import { writeResultsSection } from '../results.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '../..');
const MIB = 1024 * 1024;
const SYSTEM: Actor = { kind: 'system', name: 'bench' };

function parseBytes(text: string | undefined, fallback: number): number {
  if (!text) return fallback;
  const match = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)?$/i.exec(text.trim());
  if (!match) throw new Error(`Not a size: ${text} (say 64MiB or 1GiB)`);
  const unit = { b: 1, kib: 1024, mib: MIB, gib: 1024 * MIB }[(match[2] ?? 'B').toLowerCase() as 'b'];
  return Math.round(Number(match[1]) * unit);
}

const BYTES = parseBytes(process.env.BENCH_DOWNLOAD_BYTES, 1024 * MIB);
const SMALL = Math.min(16 * MIB, BYTES);
const ROUNDS = Number(process.env.BENCH_DOWNLOAD_ROUNDS ?? 3);
const PEOPLE = 25;
const PER_PERSON = 4;
const WRITE = process.env.BENCH_DOWNLOAD_BYTES === undefined || process.env.BENCH_DOWNLOAD_WRITE === '1';

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Writes `size` bytes (a random MiB repeated, each copy stamped with its number) and returns their SHA-256. */
async function generate(file: string, size: number): Promise<string> {
  const block = randomBytes(MIB);
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  for (let written = 0, n = 0; written < size; n++) {
    const chunk = Buffer.from(block.subarray(0, Math.min(MIB, size - written)));
    if (chunk.length >= 8) chunk.writeBigUInt64LE(BigInt(n), 0);
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    written += chunk.length;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return hash.digest('hex');
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });

/** GETs a URL, counting and dropping the body; resolves with the status, bytes and seconds. */
function download(url: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: number; seconds: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, seconds: Number(process.hrtime.bigint() - started) / 1e9 }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function waitFor(url: string, child: ChildProcess, what: string): Promise<void> {
  for (let waited = 0; ; waited += 200) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || waited > 120_000) throw new Error(`${what} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'datadam-bench-download-'));
  const dataDir = path.join(work, 'data');
  const children: ChildProcess[] = [];
  try {
    process.stderr.write(`generating ${fmt(BYTES / MIB)} MiB and ${fmt(SMALL / MIB)} MiB…\n`);
    const bigFile = path.join(work, 'big.bin');
    const smallFile = path.join(work, 'small.bin');
    const bigSha = await generate(bigFile, BYTES);
    const smallSha = await generate(smallFile, SMALL);

    // The data folder: the blobs, a release over them, people with tokens who accepted the licence.
    const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' }, { dataDir });
    const platform = await openPlatform(config);
    const tokens: string[] = [];
    let releaseId: string;
    try {
      await seedDemo(platform.identity);
      const big = await platform.blobStore.put(createReadStream(bigFile, { highWaterMark: 4 * MIB }));
      const small = await platform.blobStore.put(createReadStream(smallFile, { highWaterMark: 4 * MIB }));
      if (big.key !== bigSha || small.key !== smallSha) throw new Error('the blob store did not keep the bytes');
      const release = await createTestRelease(platform, {
        tier: 'open',
        semver: '1.0.0',
        files: [
          { path: 'data/big.bin', stored: { key: big.key, size: big.size } },
          { path: 'data/small.bin', stored: { key: small.key, size: small.size } },
        ],
      });
      releaseId = release.id;
      const company = await platform.identity.getOrganization('hangang-ai');
      for (let i = 0; i < PEOPLE; i++) {
        const email = `bench${i}@bench.datadam.kr`;
        const user = await platform.identity.createUser(SYSTEM, {
          email,
          displayName: `bench ${i}`,
          password: randomBytes(12).toString('hex'),
        });
        await platform.identity.grantRole(SYSTEM, { user: email, org: 'hangang-ai', role: 'consumer' });
        const actor: UserActor = {
          kind: 'user',
          userId: user.id,
          via: 'session',
          scopes: ['read', 'write', 'admin'],
          memberships: [{ orgId: company.id, orgKind: 'company', role: 'consumer' }],
        };
        await platform.access.acceptLicence(actor, releaseId);
        tokens.push(
          (await platform.identity.createApiToken(actor, { org: 'hangang-ai', name: 'bench', scopes: ['read'], expiresInDays: 1 })).token,
        );
      }
    } finally {
      await platform.close();
    }
    const blobPath = (key: string) => path.join(dataDir, 'blobs', key.slice(0, 2), key.slice(2, 4), key);

    // datadam serve, in its own process.
    const apiPort = await freePort();
    const api = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(REPO_ROOT, 'src/cli/main.ts'),
        'serve',
        '--no-worker',
        '--port',
        String(apiPort),
        '--host',
        '127.0.0.1',
        '--data-dir',
        dataDir,
      ],
      { env: { ...process.env, LOG_LEVEL: 'warn', DATADAM_RATE_LIMIT: '100000000' }, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    children.push(api);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitFor(`${apiUrl}/readyz`, api, 'datadam serve');

    // nginx with sendfile, serving the blob files as they lie on disk.
    const nginxPort = await freePort();
    const prefix = path.join(work, 'nginx');
    mkdirSync(path.join(prefix, 'logs'), { recursive: true });
    const conf = path.join(prefix, 'nginx.conf');
    writeFileSync(
      conf,
      [
        process.getuid?.() === 0 ? 'user root;' : '',
        'worker_processes 1;',
        'daemon off;',
        `pid ${path.join(prefix, 'nginx.pid')};`,
        `error_log ${path.join(prefix, 'logs', 'error.log')} warn;`,
        'events { worker_connections 1024; }',
        'http {',
        '  access_log off;',
        '  sendfile on;',
        '  tcp_nopush on;',
        '  keepalive_timeout 65;',
        `  client_body_temp_path ${prefix}/client_body; proxy_temp_path ${prefix}/proxy; fastcgi_temp_path ${prefix}/fastcgi; uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;`,
        `  server { listen 127.0.0.1:${nginxPort}; default_type application/octet-stream;`,
        `    location = /big.bin { alias ${blobPath(bigSha)}; }`,
        `    location = /small.bin { alias ${blobPath(smallSha)}; }`,
        '  }',
        '}',
      ].join('\n'),
    );
    const nginx = spawn('/usr/sbin/nginx', ['-c', conf, '-p', prefix], { stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(nginx);
    const nginxUrl = `http://127.0.0.1:${nginxPort}`;
    await waitFor(`${nginxUrl}/small.bin`, nginx, 'nginx');

    // Single stream, alternating.
    const bigUrl = `${apiUrl}/api/v1/releases/${releaseId}/files/data/big.bin`;
    const auth = { authorization: `Bearer ${tokens[0]}` };
    const apiRates: number[] = [];
    const nginxRates: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const a = await download(bigUrl, auth);
      if (a.status !== 200 || a.bytes !== BYTES) throw new Error(`API: ${a.status}, ${a.bytes} bytes`);
      apiRates.push(BYTES / MIB / a.seconds);
      const n = await download(`${nginxUrl}/big.bin`);
      if (n.status !== 200 || n.bytes !== BYTES) throw new Error(`nginx: ${n.status}, ${n.bytes} bytes`);
      nginxRates.push(BYTES / MIB / n.seconds);
      process.stderr.write(`  round ${round}: API ${fmt(apiRates.at(-1)!)} MiB/s, nginx ${fmt(nginxRates.at(-1)!)} MiB/s\n`);
    }

    // 100 at once: 25 people × 4 downloads (the per-person limit).
    const smallUrl = `${apiUrl}/api/v1/releases/${releaseId}/files/data/small.bin`;
    const started = process.hrtime.bigint();
    const results = await Promise.all(
      Array.from({ length: PEOPLE * PER_PERSON }, (_, i) => download(smallUrl, { authorization: `Bearer ${tokens[i % PEOPLE]}` })),
    );
    const concurrentSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const errors = results.filter((r) => r.status !== 200 || r.bytes !== SMALL);
    const served = results.reduce((s, r) => s + r.bytes, 0);

    // Usage events land once each response has finished: wait for them, then compare.
    const db = new SqliteDatabase(path.join(dataDir, 'datadam.db'), { readonly: true });
    const usage = () =>
      db
        .prepare('select path, count(*) as n, sum(quantity) as bytes from usage_events where release_id = ? group by path')
        .all(releaseId) as { path: string; n: number; bytes: number }[];
    let rows = usage();
    for (let waited = 0; waited < 30_000; waited += 200) {
      rows = usage();
      if ((rows.find((r) => r.path === 'data/small.bin')?.n ?? 0) >= results.length) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    rows = usage();
    db.close();
    const smallUsage = rows.find((r) => r.path === 'data/small.bin') ?? { n: 0, bytes: 0 };
    const bigUsage = rows.find((r) => r.path === 'data/big.bin') ?? { n: 0, bytes: 0 };
    const exact =
      smallUsage.bytes === served && smallUsage.n === results.length && bigUsage.bytes === ROUNDS * BYTES && bigUsage.n === ROUNDS;

    const apiMedian = median(apiRates);
    const nginxMedian = median(nginxRates);
    const ratio = apiMedian / nginxMedian;
    const text = [
      '## download',
      '',
      `${fmt(BYTES / MIB)} MiB over loopback, ${ROUNDS} rounds, API and nginx alternating (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version}, SQLite).`,
      '',
      '| | median MiB/s | rounds |',
      '| --- | ---: | --- |',
      `| datadam API (bearer token, authorization, usage recorded) | ${fmt(apiMedian)} | ${apiRates.map((r) => fmt(r)).join(', ')} |`,
      `| nginx (sendfile) | ${fmt(nginxMedian)} | ${nginxRates.map((r) => fmt(r)).join(', ')} |`,
      '',
      `Ratio API / nginx: **${fmt(ratio * 100, 1)} %** (target ≥ 80 %).`,
      '',
      `${results.length} concurrent downloads of ${fmt(SMALL / MIB)} MiB (${PEOPLE} people × ${PER_PERSON}, the per-person limit): ${errors.length} errors, ` +
        `${fmt(served)} bytes served in ${fmt(concurrentSeconds, 2)} s; usage events ${smallUsage.n} summing ${fmt(smallUsage.bytes)} bytes — ` +
        `${exact ? 'exact' : 'NOT exact'} (the single streams: ${bigUsage.n} events, ${fmt(bigUsage.bytes)} bytes).`,
      '',
      '- Client: node:http in the bench process, keep-alive, body counted and dropped; the same for both servers.',
      '- datadam: `datadam serve --no-worker` from the sources (tsx), SQLite and the disk blob store in a temp folder; nginx 1 worker, `sendfile on`, `tcp_nopush on`, the blob file by `alias`.',
      '',
    ].join('\n');
    process.stdout.write(`${text}\n`);
    if (errors.length > 0 || !exact) process.exitCode = 1;
    if (WRITE) {
      writeResultsSection('download', text);
      process.stdout.write('(written to bench/RESULTS.md)\n');
    } else {
      process.stdout.write('(a sized-down run: not written to bench/RESULTS.md; BENCH_DOWNLOAD_WRITE=1 writes it)\n');
    }
  } finally {
    for (const child of children.reverse()) await stop(child);
    agent.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
