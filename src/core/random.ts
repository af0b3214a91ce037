/**
 * Seeded pseudo-random numbers (mulberry32): small, fast and the same on every platform, so
 * generated corpora, benchmarks and hash parameters follow from their seed alone. Not for secrets.
 */

/**
 * A generator of 32-bit unsigned integers from a seed.
 *
 * @example const next = mulberry32(42); next() // 2581720956, the same on every run
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * A generator of numbers in [0, 1) from a seed, as Math.random gives them.
 *
 * @example const random = seededRandom(42); random() < 1 // true
 */
export function seededRandom(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}
