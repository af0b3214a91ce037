#!/usr/bin/env node
// `npm run dev`: the API (restarting on change) and the Vite dev server (hot reload) side by side.
// Open http://localhost:5173: Vite serves the app and passes /api, /auth and the probes to the API
// on :8080. Output of both is shown line by line with a prefix; Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
const apiPort = process.env.PORT ?? '8080';
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);

const services = [
  {
    name: 'api',
    tint: 36,
    args: ['--import', 'tsx', '--watch', 'src/cli/main.ts', 'serve', '--port', apiPort, '--demo'],
  },
  {
    name: 'web',
    tint: 35,
    args: [viteBin, '--config', 'web/vite.config.ts'],
    env: { DATADAM_API: `http://localhost:${apiPort}` },
  },
];

/** Writes a child's output a line at a time with its prefix, so the two never mix mid-line. */
function forward(stream, out, prefix) {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) out.write(`${prefix} ${line}\n`);
  });
  stream.on('end', () => {
    if (pending) out.write(`${prefix} ${pending}\n`);
  });
}

let stopping = false;
const children = services.map((service) => {
  const prefix = paint(service.tint, `[${service.name}]`);
  const child = spawn(process.execPath, service.args, {
    cwd: root,
    env: { ...process.env, FORCE_COLOR: color ? '1' : '0', ...service.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  forward(child.stdout, process.stdout, prefix);
  forward(child.stderr, process.stderr, prefix);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`${prefix} exited (${signal ?? code}); stopping the other one\n`);
    void stop(typeof code === 'number' && code !== 0 ? code : 1);
  });
  return child;
});

process.stdout.write(
  `${paint(1, 'datadam dev')}: web with hot reload on http://localhost:5173 · API on http://localhost:${apiPort} (demo data; sign in as operator@demo.datadam.kr / datadam-demo)\n`,
);

/** Asks both to stop, waits a little, then insists. */
async function stop(exitCode) {
  if (stopping) return;
  stopping = true;
  const alive = children.filter((child) => child.exitCode === null && child.signalCode === null);
  const exited = alive.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of alive) child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const child of alive) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, 5000);
  await Promise.all(exited);
  clearTimeout(timer);
  process.exit(exitCode);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
