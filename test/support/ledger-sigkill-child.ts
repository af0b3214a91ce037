/**
 * A producer for the SIGKILL test (src/modules/ledger/ledger.recorder.test.ts): records events through the ledger's
 * group-committing recorder, 8 at a time, forever, and prints `ack <key> <seq>` for each event only
 * once its record() resolved. The parent kills it with SIGKILL mid-stream and checks every
 * acknowledged event is in the database. Usage: tsx test/support/ledger-sigkill-child.ts <sqlite file | postgres url>
 */
import { openDatabase } from '../../src/platform/db/database.js';
import { createLedgerRecorder } from '../../src/modules/ledger/ledger.recorder.js';
import { createLedgerRepository } from '../../src/modules/ledger/ledger.repository.js';
import { sampleEvent } from '../../src/modules/ledger/ledger.testing.js';

const target = process.argv[2]!;
const database = openDatabase(/^postgres/.test(target) ? { kind: 'postgres', url: target } : { kind: 'sqlite', file: target });
const repo = createLedgerRepository(database.db, database.capabilities);
const recorder = createLedgerRecorder({ insertEvents: repo.insertEvents, clock: { now: () => new Date() } });

let next = 0;
async function producer(): Promise<void> {
  for (;;) {
    const i = next++;
    const event = sampleEvent(i, { idempotencyKey: `kill-${i}` });
    const { seq } = await recorder.record(event);
    process.stdout.write(`ack ${event.idempotencyKey} ${seq}\n`);
  }
}
process.stdout.write('ready\n');
await Promise.all(Array.from({ length: 8 }, producer));
