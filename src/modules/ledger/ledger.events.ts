/**
 * What a leaf of the usage ledger is: the canonical bytes of one stored `usage_events` row. Pure.
 *
 * The bytes are UTF-8 JSON of every column of the row, keys sorted by code point, no whitespace:
 *
 *   {"dataset_id":…,"grant_id":…,"id":…,"idempotency_key":…,"kind":…,"occurred_at":…,"org_id":…,
 *    "path":…,"purpose":…,"quantity":…,"recorded_at":…,"release_id":…,"seq":…,"unit":…,"user_id":…}
 *
 * Text columns are JSON strings exactly as stored (timestamps as the stored ISO text), absent values
 * `null`, `seq` and `quantity` JSON integers. Because the stored row itself is hashed (not the
 * request that made it), changing any stored field of an event changes its leaf.
 */
import { leafHash, type Hash } from './merkle.js';

/** A `usage_events` row as stored (migration 0014). */
export interface UsageEventRow {
  seq: number;
  id: string;
  idempotency_key: string;
  kind: string;
  dataset_id: string;
  release_id: string | null;
  path: string | null;
  org_id: string | null;
  user_id: string | null;
  grant_id: string | null;
  purpose: string | null;
  quantity: number;
  unit: string;
  occurred_at: string;
  recorded_at: string;
}

/** The columns hashed, in the (sorted) order they are written. */
export const CANONICAL_FIELDS = [
  'dataset_id',
  'grant_id',
  'id',
  'idempotency_key',
  'kind',
  'occurred_at',
  'org_id',
  'path',
  'purpose',
  'quantity',
  'recorded_at',
  'release_id',
  'seq',
  'unit',
  'user_id',
] as const satisfies ReadonlyArray<keyof UsageEventRow>;

/**
 * The canonical bytes of a stored event: what its leaf hashes.
 * @example new TextDecoder().decode(canonicalEventBytes(row)) // '{"dataset_id":"ds1","grant_id":null,…,"user_id":"u1"}'
 */
export function canonicalEventBytes(row: UsageEventRow): Uint8Array {
  const parts: string[] = [];
  for (const field of CANONICAL_FIELDS) {
    const value = row[field];
    if (field === 'seq' || field === 'quantity') {
      const n = Number(value);
      if (!Number.isSafeInteger(n)) throw new RangeError(`usage event ${row.seq}: ${field} is not an integer`);
      parts.push(`${JSON.stringify(field)}:${n}`);
    } else {
      parts.push(`${JSON.stringify(field)}:${value === null || value === undefined ? 'null' : JSON.stringify(String(value))}`);
    }
  }
  return Buffer.from(`{${parts.join(',')}}`, 'utf8');
}

/** The leaf hash of a stored event: SHA-256(0x00 ‖ canonical bytes). */
export function eventLeafHash(row: UsageEventRow): Hash {
  return leafHash(canonicalEventBytes(row));
}

/** The complete subtrees (level, index) that the leaf range [start, end) splits into, left to right. */
export function rangeNodes(start: number, end: number): Array<{ level: number; index: number }> {
  const nodes: Array<{ level: number; index: number }> = [];
  let position = start;
  while (position < end) {
    let width = 1;
    while (position % (width * 2) === 0 && position + width * 2 <= end) width *= 2;
    nodes.push({ level: Math.log2(width), index: position / width });
    position += width;
  }
  return nodes;
}

/** The complete subtrees a tree of `size` leaves splits into (its frontier), largest first. */
export function frontierNodes(size: number): Array<{ level: number; index: number }> {
  return rangeNodes(0, size);
}
