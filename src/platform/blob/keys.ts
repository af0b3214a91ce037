/**
 * Checks on what callers hand a blob store, shared by every adapter so that a key or a range is
 * refused the same way whether the bytes live on disk or in S3.
 */
import { AppError } from '../../core/errors.js';
import type { ByteRange } from '../../core/ports.js';

const KEY = /^[0-9a-f]{64}$/;

/** Shows a refused key in a message without echoing an attacker's megabyte or a raw NUL back. */
function describeKey(key: unknown): string {
  if (typeof key !== 'string') return `(${typeof key})`;
  const shown = JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);
  return key.length > 80 ? `${shown} (${key.length} characters)` : shown;
}

/**
 * Refuses anything but a SHA-256 in 64 lower-case hex digits, so a key can never name a path.
 *
 * @example
 * assertBlobKey('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'); // ok
 * assertBlobKey('../etc/passwd'); // throws AppError('bad_request')
 */
export function assertBlobKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw new AppError('bad_request', `Blob key ${describeKey(key)} is not a SHA-256 in 64 lower-case hex digits`, {
      problems: [{ field: 'key', message: 'must be 64 lower-case hex digits' }],
    });
  }
}

/** Spreads a key over two folder levels (`ab/cd/<key>`) so no directory grows past 65 536 entries. */
export function blobKeyPath(key: string): string {
  return `${key.slice(0, 2)}/${key.slice(2, 4)}/${key}`;
}

/**
 * Refuses a range that is malformed whatever the blob's size: negative, fractional, or ending before it starts.
 *
 * @example
 * assertByteRange({ start: 10, end: 5 }); // throws AppError('bad_request')
 */
export function assertByteRange(range: ByteRange): void {
  const { start, end } = range;
  const ok = Number.isSafeInteger(start) && start >= 0 && (end === undefined || (Number.isSafeInteger(end) && end >= start));
  if (!ok) {
    throw new AppError('bad_request', `Byte range ${formatRange(range)} is invalid: it needs whole numbers with 0 <= start <= end`, {
      problems: [{ field: 'range', message: 'invalid' }],
    });
  }
}

/**
 * Fits a well-formed range to a blob of `size` bytes as HTTP does: an `end` past the last byte means
 * "to the end", a `start` past it is not satisfiable. The error carries a `range` problem whose
 * message is the `Content-Range` value a 416 reply needs (`bytes *\/size`).
 *
 * @example
 * clampByteRange({ start: 2, end: 99 }, 10); // { start: 2, end: 9 }
 */
export function clampByteRange(range: ByteRange, size: number): { start: number; end: number } {
  if (range.start >= size) throw rangeNotSatisfiable(range, size);
  return { start: range.start, end: Math.min(range.end ?? size - 1, size - 1) };
}

/** The error for a range that starts at or past the end of a blob of `size` bytes. */
export function rangeNotSatisfiable(range: ByteRange, size: number): AppError {
  return new AppError('bad_request', `Range not satisfiable: ${formatRange(range)} asked of a blob of ${size} bytes`, {
    problems: [{ field: 'range', message: `bytes */${size}` }],
  });
}

/** Writes a range as an HTTP `Range` header value. */
export function formatRange(range: ByteRange): string {
  return `bytes=${String(range.start)}-${range.end === undefined ? '' : String(range.end)}`;
}
