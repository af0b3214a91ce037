/**
 * A worker thread of the de-identification pool: loads the detector once, then turns each batch
 * it is handed into output lines and counts (`processBatch`), one batch at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { processBatch } from './records.js';
import { loadDetector, type FromThread, type ThreadSetup, type ToThread } from './pool.js';

const port = parentPort!;
const setup = workerData as ThreadSetup;
const detector = loadDetector(setup.detectorModule);

// Registered at once: messages that arrive while the detector loads wait in order on the promise.
port.on('message', (message: ToThread) => {
  detector.then(
    (detect) => {
      try {
        const result = processBatch(message.records, message.firstRecord, setup.batch, detect);
        port.postMessage({ type: 'result', id: message.id, result } satisfies FromThread);
      } catch (error) {
        port.postMessage({
          type: 'error',
          id: message.id,
          message: error instanceof Error ? error.message : String(error),
        } satisfies FromThread);
      }
    },
    (error: unknown) => {
      port.postMessage({
        type: 'error',
        id: message.id,
        message: `The detector did not load: ${error instanceof Error ? error.message : String(error)}`,
      } satisfies FromThread);
    },
  );
});
