/**
 * Where batches run: on a pool of worker threads (one per core by default), or on this thread.
 * Both expose `run(batch) → Promise<result>`; the caller keeps order by awaiting results in the
 * order it submitted them, and bounds memory by how many it lets be in flight.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { processBatch, type BatchResult, type BatchSetup, type Detector, type RawRecord } from './records.js';

export interface ThreadSetup {
  batch: BatchSetup;
  /** URL of the module exporting `detectEntities`. */
  detectorModule: string;
}

export type ToThread = { id: number; records: RawRecord[]; firstRecord: number };
export type FromThread = { type: 'result'; id: number; result: BatchResult } | { type: 'error'; id: number; message: string };

export interface BatchExecutor {
  readonly threads: number;
  run(records: RawRecord[], firstRecord: number): Promise<BatchResult>;
  close(): Promise<void>;
}

// From the sources (tests, tsx) modules are .ts files; compiled, .js.
const extension = path.extname(new URL(import.meta.url).pathname);

/** The URL of the detection engine, the default detector of every run. */
export const DEFAULT_DETECTOR_MODULE = new URL(`../detect${extension}`, import.meta.url).href;

/**
 * Loads `detectEntities` from a module URL (the engine, or a stand-in a test provides).
 *
 * @example const detect = await loadDetector(DEFAULT_DETECTOR_MODULE)
 */
export async function loadDetector(moduleUrl: string): Promise<Detector> {
  const module = (await import(moduleUrl)) as { detectEntities?: Detector };
  if (typeof module.detectEntities !== 'function') throw new Error(`${moduleUrl} exports no detectEntities`);
  return module.detectEntities;
}

/**
 * Runs batches on the calling thread: the reference every pool run must equal byte for byte.
 *
 * @example const inline = createInlineExecutor({ batch, detectorModule: DEFAULT_DETECTOR_MODULE })
 */
export function createInlineExecutor(setup: ThreadSetup): BatchExecutor {
  const detector = loadDetector(setup.detectorModule);
  return {
    threads: 0,
    async run(records, firstRecord) {
      return processBatch(records, firstRecord, setup.batch, await detector);
    },
    async close() {},
  };
}

const THREAD_URL = new URL(`./thread${extension}`, import.meta.url);

function startThread(setup: ThreadSetup): Worker {
  // Node 20 does not carry tsx's loader (`--import tsx`) into a worker: from the sources the thread registers it first.
  if (extension !== '.ts') return new Worker(THREAD_URL, { workerData: setup });
  // Resolved from here, not from the process's working directory, which may be anywhere.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(THREAD_URL.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: setup });
}

/**
 * A pool of worker threads, `threads` of them (default: os.availableParallelism()). Each thread
 * has at most one batch at a time; the rest wait in a queue the caller keeps short.
 *
 * @example const pool = createThreadPool(setup); const result = await pool.run(lines, 1); await pool.close();
 */
export function createThreadPool(setup: ThreadSetup, threads = availableParallelism()): BatchExecutor {
  interface Job {
    message: ToThread;
    resolve: (result: BatchResult) => void;
    reject: (error: Error) => void;
  }
  const workers = Array.from({ length: Math.max(1, threads) }, () => startThread(setup));
  const busy = new Map<Worker, Job>();
  const queue: Job[] = [];
  let nextId = 0;
  let failure: Error | undefined;
  let closing = false;

  const dispatch = () => {
    for (const worker of workers) {
      if (queue.length === 0) return;
      if (busy.has(worker)) continue;
      const job = queue.shift()!;
      busy.set(worker, job);
      worker.postMessage(job.message);
    }
  };
  const fail = (error: Error) => {
    failure ??= error;
    for (const job of [...busy.values(), ...queue.splice(0)]) job.reject(failure);
    busy.clear();
  };

  for (const worker of workers) {
    worker.on('message', (message: FromThread) => {
      const job = busy.get(worker);
      busy.delete(worker);
      if (job) {
        if (message.type === 'result') job.resolve(message.result);
        else job.reject(new Error(message.message));
      }
      dispatch();
    });
    worker.on('error', (error) => fail(error));
    worker.on('exit', (code) => {
      if (!closing) fail(new Error(`a de-identification thread stopped (exit code ${code})`));
    });
  }

  return {
    threads: workers.length,
    run(records, firstRecord) {
      if (failure) return Promise.reject(failure);
      return new Promise<BatchResult>((resolve, reject) => {
        queue.push({ message: { id: nextId++, records, firstRecord }, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
