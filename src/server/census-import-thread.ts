/**
 * The worker thread of `readRowBatchesOnWorker`: reads, maps and validates an import file whose
 * bytes the main thread hands over on request, and sends the rows back in batches — never more
 * than a few batches ahead of the main thread, so memory stays flat however large the file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readRowBatchesHere } from '../modules/census/census-files.service.js';
import type { Mapping } from '../modules/census/import/mapping.js';
import { ImportFileError, type ReadMeta } from '../modules/census/import/types.js';
import type { ToThread } from './census-import-worker.js';

const port = parentPort!;
const { mapping, fileName } = workerData as { mapping: Mapping; fileName: string };
/** Batches sent but not yet taken by the main thread. */
const MAX_AHEAD = 8;

/** Chunks of the file asked for ahead, so the thread has bytes while the main thread is busy writing. */
const PREFETCH = 4;

let inFlight = 0;
let ackWaiter: (() => void) | undefined;
const received: ToThread[] = [];
let inputWaiter: (() => void) | undefined;

port.on('message', (message: ToThread) => {
  if (message.type === 'ack') {
    inFlight -= 1;
    ackWaiter?.();
    ackWaiter = undefined;
  } else {
    received.push(message);
    inputWaiter?.();
    inputWaiter = undefined;
  }
});

async function* input(): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < PREFETCH; i++) port.postMessage({ type: 'need-input' });
  for (;;) {
    if (received.length === 0) await new Promise<void>((resolve) => (inputWaiter = resolve));
    const message = received.shift()!;
    if (message.type !== 'input') return;
    port.postMessage({ type: 'need-input' });
    yield new Uint8Array(message.chunk);
  }
}

const meta: ReadMeta = {};
try {
  for await (const rows of readRowBatchesHere(input(), { mapping, fileName, meta })) {
    port.postMessage({ type: 'batch', rows, meta });
    inFlight += 1;
    if (inFlight >= MAX_AHEAD) await new Promise<void>((resolve) => (ackWaiter = resolve));
  }
  port.postMessage({ type: 'done', meta });
} catch (error) {
  if (error instanceof ImportFileError) {
    port.postMessage({
      type: 'file-error',
      meta,
      error: { ko: error.messageKo, en: error.messageEn, row: error.row, line: error.line, column: error.column },
    });
  } else {
    port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}
