import { randomFillSync } from 'node:crypto';

// Ten random bytes per id from a pool refilled 4 KiB at a time: one system call per ~400 ids
// instead of one per id, which matters when a bulk import makes tens of thousands.
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomTen(): Buffer {
  if (poolOffset + 10 > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 10);
  poolOffset += 10;
  return bytes;
}

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids sort by creation time.
 *
 * @example
 * const id = uuidv7(); // '0193a5c2-7e1f-7c3a-9b1e-4f0d2c6a8e11'
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const bytes = Buffer.allocUnsafe(16);
  randomTen().copy(bytes, 6);
  // 48 bits of milliseconds, big-endian; arithmetic instead of BigInt, which is slow and exact enough here.
  const high = Math.floor(nowMs / 2 ** 32);
  const low = nowMs >>> 0;
  bytes.writeUInt16BE(high & 0xffff, 0);
  bytes.writeUInt32BE(low, 2);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True when `value` is a lower-case UUID string. @example isUuid(uuidv7()) // true */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
