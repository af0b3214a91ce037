import { spawn } from 'node:child_process';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import type { CensusCommandContext } from '../../src/cli/census.js';
import { EXIT_OK, EXIT_USAGE, reportError } from '../../src/cli/output.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `datadam …` from the sources (through tsx), as a user would from a shell. */
export function runCli(args: string[], options: { env?: Record<string, string | undefined>; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export type CommandAction = CensusCommandContext['action'];

/** Turns a command body's errors into the message and exit code, as src/cli/program.ts does. */
const action: CommandAction =
  <A extends unknown[]>(body: (...args: A) => Promise<void>) =>
  async (...args: A) => {
    const command = args[args.length - 1] as Command;
    try {
      await body(...args);
    } catch (error) {
      process.exitCode = reportError(error, command.opts<{ json?: boolean }>());
    }
  };

/**
 * Runs `datadam <argv>` in this process on a fresh program holding only what `register` adds to it,
 * with the same error-to-exit-code path as src/cli/program.ts, and returns what a shell would see.
 * A test that runs a command many times saves a tsx start per run (seconds on two busy cores);
 * `env` is set for the run only.
 */
export async function runInProcess(
  register: (program: Command, action: CommandAction) => void,
  argv: string[],
  options: { env?: Record<string, string | undefined> } = {},
): Promise<CliResult & { code: number }> {
  const program = new Command('datadam').exitOverride();
  register(program, action);
  let stdout = '';
  let stderr = '';
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const savedEnv = Object.keys(options.env ?? {}).map((name) => [name, process.env[name]] as const);
  setEnv(Object.entries(options.env ?? {}));
  // Commander writes its own usage errors through process.stdout/stderr too, so one capture takes both.
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += chunk.toString()), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += chunk.toString()), true)) as typeof process.stderr.write;
  const savedExitCode = process.exitCode;
  process.exitCode = undefined;
  let code: number;
  try {
    await program.parseAsync(['node', 'datadam', ...argv]);
    code = typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    process.exitCode = savedExitCode;
    setEnv(savedEnv);
  }
  return { code, stdout, stderr };
}

function setEnv(values: Iterable<readonly [string, string | undefined]>): void {
  for (const [name, value] of values) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
