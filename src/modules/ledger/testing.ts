/**
 * Test helpers: build a small signed log in memory. Used by the ledger's tests; not for production code.
 */
import type { KeyObject } from 'node:crypto';
import { appendLeaves, leafHash, MemorySubtreeStore, rootAt } from './merkle.js';
import { type SignedTreeHead, signTreeHead } from './tree-head.js';

/** A log in memory: its events, stored nodes and signed heads. */
export interface MemoryLog {
  events: Uint8Array[];
  store: MemorySubtreeStore;
  heads: SignedTreeHead[];
}

/**
 * `count` distinct JSON usage events (what the service would append).
 * @example usageEvents(3)[0] // bytes of {"seq":0,"dataset":"ds-0","bytes":1000}
 */
export function usageEvents(count: number, from = 0): Uint8Array[] {
  return Array.from({ length: count }, (_, i) =>
    Buffer.from(JSON.stringify({ seq: from + i, dataset: `ds-${(from + i) % 7}`, bytes: 1000 + from + i })),
  );
}

/**
 * Appends `events` in batches ending at each of `headSizes` (and at the end), signing a head at each
 * of those sizes, one minute apart from `start`.
 * @example const log = await buildLog(usageEvents(100), [10, 50], privateKey)
 */
export async function buildLog(
  events: Uint8Array[],
  headSizes: number[],
  privateKey: KeyObject,
  start = Date.parse('2026-03-01T00:00:00Z'),
): Promise<MemoryLog> {
  const store = new MemorySubtreeStore();
  const heads: SignedTreeHead[] = [];
  let size = 0;
  for (const [i, target] of [...headSizes].sort((a, b) => a - b).entries()) {
    const result = await appendLeaves(size, events.slice(size, target).map(leafHash), store);
    store.put(result.nodes);
    size = target;
    heads.push(signTreeHead({ treeSize: size, rootHash: await rootAt(store, size), timestamp: start + i * 60_000 }, privateKey));
  }
  store.put((await appendLeaves(size, events.slice(size).map(leafHash), store)).nodes);
  return { events, store, heads };
}
