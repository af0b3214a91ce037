/**
 * Parsing an import file on a worker thread, so that reading, decoding, mapping and validating
 * overlap the database's writes on the main thread (better-sqlite3 writes synchronously there).
 * On two cores this takes the import from the sum of the two halves to about the larger one.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PreparedRow, RowBatchReader } from '../modules/census/census-files.service.js';
import { ImportFileError, type ReadMeta } from '../modules/census/import/types.js';

/** Messages to the thread. */
export type ToThread = { type: 'input'; chunk: ArrayBuffer } | { type: 'input-end' } | { type: 'ack' };

/** Messages from the thread. */
type FromThread =
  | { type: 'need-input' }
  | { type: 'batch'; rows: PreparedRow[]; meta: ReadMeta }
  | { type: 'done'; meta: ReadMeta }
  | { type: 'file-error'; meta: ReadMeta; error: { ko: string; en: string; row?: number; line?: number; column: string } }
  | { type: 'failed'; message: string };

type Outcome = Exclude<FromThread, { type: 'need-input' }> | { type: 'crashed'; error: Error };

// From the sources (tests, `npm run dev`) the thread is a .ts file: it starts by registering tsx's
// loader, which Node 20 does not carry into a worker from `--import`. Compiled, it is plain .js.
const extension = path.extname(new URL(import.meta.url).pathname);
const THREAD_URL = new URL(`./census-import-thread${extension}`, import.meta.url);

function startThread(workerData: unknown, options: ConstructorParameters<typeof Worker>[1]): Worker {
  if (extension !== '.ts') return new Worker(THREAD_URL, { ...options, workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(THREAD_URL.href)}); })`;
  return new Worker(bootstrap, { ...options, workerData, eval: true });
}

export const readRowBatchesOnWorker: RowBatchReader = (source, { mapping, fileName, meta }) => ({
  async *[Symbol.asyncIterator]() {
    const worker = startThread(
      { mapping, fileName },
      // The same roomy young generation the CLI gives the main thread: parsing allocates much and briefly.
      { resourceLimits: { maxYoungGenerationSizeMb: 96 } },
    );
    const chunks = source[Symbol.asyncIterator]();
    const outcomes: Outcome[] = [];
    let wake: (() => void) | undefined;
    const push = (outcome: Outcome) => {
      outcomes.push(outcome);
      wake?.();
      wake = undefined;
    };

    // Reads are chained: the thread asks for several chunks ahead, and a stream gives them in order only one at a time.
    let reading: Promise<unknown> = Promise.resolve();
    let ended = false;
    worker.on('message', (message: FromThread) => {
      if (message.type !== 'need-input') {
        push(message);
        return;
      }
      reading = reading.then(async () => {
        if (ended) return;
        try {
          const next = await chunks.next();
          if (next.done) {
            ended = true;
            worker.postMessage({ type: 'input-end' } satisfies ToThread);
          } else {
            // A copy the thread can own: stream chunks may share a pooled buffer.
            const chunk = Uint8Array.prototype.slice.call(next.value).buffer as ArrayBuffer;
            worker.postMessage({ type: 'input', chunk } satisfies ToThread, [chunk]);
          }
        } catch (error) {
          push({ type: 'crashed', error: error instanceof Error ? error : new Error(String(error)) });
        }
      });
    });
    worker.on('error', (error) => push({ type: 'crashed', error }));
    worker.on('exit', (code) => push({ type: 'crashed', error: new Error(`the import thread stopped (exit code ${code})`) }));

    try {
      for (;;) {
        if (outcomes.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        const outcome = outcomes.shift()!;
        switch (outcome.type) {
          case 'batch':
            Object.assign(meta, outcome.meta);
            yield outcome.rows;
            worker.postMessage({ type: 'ack' } satisfies ToThread);
            break;
          case 'done':
            Object.assign(meta, outcome.meta);
            return;
          case 'file-error': {
            Object.assign(meta, outcome.meta);
            const { ko, en, row, line, column } = outcome.error;
            throw new ImportFileError(
              { ko, en },
              { ...(row === undefined ? {} : { row }), ...(line === undefined ? {} : { line }), column },
            );
          }
          case 'failed':
            throw new Error(`Reading the file failed: ${outcome.message}`);
          case 'crashed':
            throw outcome.error;
        }
      }
    } finally {
      await worker.terminate();
      await chunks.return?.();
    }
  },
});
