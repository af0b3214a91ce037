/**
 * Fair sharing of download bandwidth (docs/access-and-downloads.md): per person (a signed-in user)
 * or, for anonymous downloads, per client address,
 *
 * - at most `maxConcurrent` downloads at a time (beyond: 429 with Retry-After), and
 * - optionally at most `rateBytesPerSecond` over all of them together, by a token bucket that the
 *   person's streams draw from.
 *
 * The limits live in the process that serves the bytes: with several API processes behind a load
 * balancer each enforces its own share. Pure logic with an injectable clock, plus a Transform that
 * applies a bucket to a stream.
 */
import { Transform, type TransformCallback } from 'node:stream';

/**
 * A token bucket: `rate` tokens (bytes) per second, holding at most `burst`. `take(n)` takes `n`
 * tokens now (the balance may go negative: a chunk larger than the bucket still passes, later) and
 * answers how many milliseconds to wait before the taker may go on.
 *
 * @example
 * const bucket = new TokenBucket(1000, 1000, () => 0);
 * bucket.take(500); // 0 — within the burst
 * bucket.take(1500); // 1000 — a second's worth of debt
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    readonly burst: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    if (!(rate > 0) || !(burst > 0)) throw new RangeError('A token bucket needs a rate and a burst above 0');
    this.tokens = burst;
    this.last = nowMs();
  }

  private refill(): void {
    const now = this.nowMs();
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.rate) / 1000);
  }

  /** The tokens there now (negative: owed). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Takes `n` tokens; resolves to the milliseconds to wait until the balance is back at zero (0: go on). */
  take(n: number): number {
    this.refill();
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.rate);
  }
}

/** A Transform passing chunks on as fast as `bucket` allows. */
export function throttle(bucket: TokenBucket): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const wait = bucket.take(chunk.length);
      if (wait === 0) callback(null, chunk);
      else setTimeout(() => callback(null, chunk), wait);
    },
  });
}

export interface BandwidthPolicy {
  /** Downloads one person (or address) may run at once. */
  maxConcurrent: number;
  /** Bytes per second over all of one person's downloads; undefined: unlimited. */
  rateBytesPerSecond: number | undefined;
}

export interface DownloadSlot {
  /** Applies the person's rate limit to a stream (the stream itself when there is none). */
  bucket: TokenBucket | undefined;
  /** Gives the slot back; safe to call more than once. */
  release(): void;
}

/**
 * Slots and buckets per person. `acquire(key)` answers a slot, or undefined when the person already
 * runs `maxConcurrent` downloads.
 *
 * @example
 * const shares = createBandwidthShares({ maxConcurrent: 4, rateBytesPerSecond: undefined });
 * const slot = shares.acquire('user:42'); // … stream …, then slot.release()
 */
export function createBandwidthShares(policy: BandwidthPolicy, nowMs?: () => number) {
  const running = new Map<string, number>();
  const buckets = new Map<string, TokenBucket>();
  return {
    policy,
    /** How many downloads `key` runs now. */
    active: (key: string): number => running.get(key) ?? 0,
    acquire(key: string): DownloadSlot | undefined {
      const count = running.get(key) ?? 0;
      if (count >= policy.maxConcurrent) return undefined;
      running.set(key, count + 1);
      let bucket: TokenBucket | undefined;
      if (policy.rateBytesPerSecond !== undefined) {
        bucket = buckets.get(key);
        if (!bucket) {
          // A quarter second of burst: smooth enough, and small enough that the limit shows at once.
          const burst = Math.max(64 * 1024, Math.floor(policy.rateBytesPerSecond / 4));
          bucket = new TokenBucket(policy.rateBytesPerSecond, burst, nowMs);
          buckets.set(key, bucket);
        }
      }
      let released = false;
      return {
        bucket,
        release() {
          if (released) return;
          released = true;
          const left = (running.get(key) ?? 1) - 1;
          if (left <= 0) {
            running.delete(key);
            // The bucket goes with the last download; a new one starts full, which is at most one burst of unfairness.
            buckets.delete(key);
          } else running.set(key, left);
        },
      };
    },
  };
}

export type BandwidthShares = ReturnType<typeof createBandwidthShares>;
