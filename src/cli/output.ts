/** How commands speak: human text on a terminal, one JSON document with --json; exit 0 ok, 1 failed, 2 bad usage. */
import { isAppError } from '../core/errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface OutputOptions {
  json?: boolean;
}

/** Prints a result: JSON when asked, otherwise the human text. */
export function printResult(options: OutputOptions, data: unknown, human: () => string): void {
  process.stdout.write(options.json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
}

/** Prints an error the way the caller asked for and returns the exit code it deserves. */
export function reportError(error: unknown, options: OutputOptions): number {
  const code = isAppError(error) ? error.code : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  const problems = isAppError(error) ? error.problems : [];
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ error: { code, message, ...(problems.length ? { problems } : {}) } }, null, 2)}\n`);
  } else {
    process.stderr.write(`datadam: ${message}\n`);
    for (const p of problems) process.stderr.write(`  ${p.field}: ${p.message}\n`);
    if (!isAppError(error) && error instanceof Error && process.env.DATADAM_DEBUG) process.stderr.write(`${error.stack}\n`);
  }
  return isAppError(error) && (error.code === 'bad_request' || error.code === 'validation') ? EXIT_USAGE : EXIT_FAILED;
}
