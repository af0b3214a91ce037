import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TokenBucket, createBandwidthShares, throttle } from './bandwidth.js';

describe('TokenBucket', () => {
  it('lets a burst through, then makes takers wait for the debt at the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(1000, 500, () => now);
    expect(bucket.take(500)).toBe(0);
    expect(bucket.take(250)).toBe(250);
    now += 250;
    expect(bucket.available()).toBe(0);
    now += 10_000;
    // Refills up to the burst, never past it.
    expect(bucket.available()).toBe(500);
    expect(bucket.take(2500)).toBe(2000);
  });

  it('refuses a rate or burst of zero', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0)).toThrow(RangeError);
  });

  it('throttles a stream to about the rate', async () => {
    const bucket = new TokenBucket(400_000, 64 * 1024);
    const chunks = Array.from({ length: 20 }, () => Buffer.alloc(16 * 1024));
    const started = performance.now();
    let bytes = 0;
    for await (const chunk of Readable.from(chunks).pipe(throttle(bucket))) bytes += (chunk as Buffer).length;
    const seconds = (performance.now() - started) / 1000;
    expect(bytes).toBe(20 * 16 * 1024);
    // 320 KiB at 400 kB/s after a 64 KiB burst: about 0.66 s.
    expect(seconds).toBeGreaterThan(0.5);
    expect(seconds).toBeLessThan(2);
  });
});

describe('bandwidth shares', () => {
  it('gives each person at most maxConcurrent slots, and frees them once', () => {
    const shares = createBandwidthShares({ maxConcurrent: 2, rateBytesPerSecond: undefined });
    const a = shares.acquire('user:a')!;
    const b = shares.acquire('user:a')!;
    expect(shares.acquire('user:a')).toBeUndefined();
    expect(shares.acquire('user:b')).toBeDefined();
    a.release();
    a.release();
    expect(shares.active('user:a')).toBe(1);
    expect(shares.acquire('user:a')).toBeDefined();
    expect(b.bucket).toBeUndefined();
  });

  it("shares one bucket over a person's downloads", () => {
    const shares = createBandwidthShares({ maxConcurrent: 4, rateBytesPerSecond: 1_000_000 }, () => 0);
    const a = shares.acquire('user:a')!;
    const b = shares.acquire('user:a')!;
    expect(a.bucket).toBe(b.bucket);
    expect(shares.acquire('user:b')!.bucket).not.toBe(a.bucket);
  });
});
