/**
 * Perceptual hashes of images (DCT pHash, as the imagehash library computes it) and near-duplicate
 * groups by Hamming distance. The image is shrunk to 32×32 grey levels, a 2-D DCT-II is taken, and
 * the 8×8 lowest frequencies (DC included) become 64 bits: 1 where a coefficient is above their
 * median. Resizing, re-encoding, mild blur or brightness changes move few bits; a different picture
 * moves about half of them (32).
 */
import sharp from 'sharp';
import { UnionFind } from './union-find.js';

export const PHASH_SIZE = 32;
const LOW = 8;
/** Images whose hashes differ in at most this many of 64 bits are near-duplicates by default. */
export const DEFAULT_MAX_DISTANCE = 10;

/** cos((2x + 1)·u·π / 2N) for u < 8 (only the low frequencies are needed), x < 32. */
const COSINES = (() => {
  const table = new Float64Array(LOW * PHASH_SIZE);
  for (let u = 0; u < LOW; u++)
    for (let x = 0; x < PHASH_SIZE; x++) table[u * PHASH_SIZE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * PHASH_SIZE));
  return table;
})();

/**
 * The 64-bit pHash (16 hex digits, first digit = first 4 coefficients in row-major order) of a
 * 32×32 grey image given as 1,024 pixel values, row by row.
 *
 * @example perceptualHashFromPixels(new Uint8Array(1024).map((_, i) => i % 32 * 8)) // '…'
 */
export function perceptualHashFromPixels(pixels: ArrayLike<number>): string {
  if (pixels.length !== PHASH_SIZE * PHASH_SIZE)
    throw new Error(`pHash needs ${PHASH_SIZE}×${PHASH_SIZE} = 1024 pixels, got ${pixels.length}`);
  // Separable DCT-II: rows first (only the 8 lowest frequencies of each), then columns.
  const rows = new Float64Array(PHASH_SIZE * LOW);
  for (let y = 0; y < PHASH_SIZE; y++)
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let x = 0; x < PHASH_SIZE; x++) sum += pixels[y * PHASH_SIZE + x]! * COSINES[u * PHASH_SIZE + x]!;
      rows[y * LOW + u] = sum;
    }
  const low = new Float64Array(LOW * LOW);
  for (let v = 0; v < LOW; v++)
    for (let u = 0; u < LOW; u++) {
      let sum = 0;
      for (let y = 0; y < PHASH_SIZE; y++) sum += rows[y * LOW + u]! * COSINES[v * PHASH_SIZE + y]!;
      low[v * LOW + u] = sum;
    }
  const sorted = Float64Array.from(low).sort();
  const median = (sorted[31]! + sorted[32]!) / 2;
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble++) {
    let value = 0;
    for (let bit = 0; bit < 4; bit++) value = (value << 1) | (low[nibble * 4 + bit]! > median ? 1 : 0);
    hex += value.toString(16);
  }
  return hex;
}

/**
 * The pHash of an image file or buffer (any format sharp reads): grey, squeezed to 32×32 (aspect
 * ratio ignored, as pHash does), then {@link perceptualHashFromPixels}.
 *
 * @example await perceptualHash('/data/upload-1/cat.jpg') // 'c3a5…'
 */
export async function perceptualHash(input: string | Buffer): Promise<string> {
  const { data, info } = await sharp(input)
    .grayscale()
    .resize(PHASH_SIZE, PHASH_SIZE, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`Expected one grey channel, got ${info.channels}`);
  return perceptualHashFromPixels(data);
}

function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

function halves(hash: string): [number, number] {
  if (!/^[0-9a-f]{16}$/i.test(hash)) throw new Error(`"${hash}" is not a 64-bit hash in 16 hex digits`);
  return [parseInt(hash.slice(0, 8), 16), parseInt(hash.slice(8), 16)];
}

/**
 * Number of differing bits between two 64-bit hashes in hex (0 = same, 64 = opposite).
 *
 * @example hammingDistance('ffffffffffffffff', 'fffffffffffffff0') // 4
 */
export function hammingDistance(a: string, b: string): number {
  const [a1, a2] = halves(a);
  const [b1, b2] = halves(b);
  return popcount32(a1 ^ b1) + popcount32(a2 ^ b2);
}

export interface ImageDuplicateResult {
  /** [i, j, Hamming distance] for every pair i < j within the distance. */
  pairs: Array<[number, number, number]>;
  /** Groups of two or more images linked by pairs (single linkage), members ascending. */
  clusters: number[][];
}

/**
 * Near-duplicate images among hashes: every pair within `maxDistance` bits, and the groups they
 * link. Compares every pair (n²/2 XOR-and-count steps, about a second for 30,000 images), which
 * is simple and exact; a BK-tree would be the next step for far larger collections.
 *
 * @example nearDuplicateImages(['ffffffffffffffff', 'fffffffffffffff0', '0000000000000000']).clusters // [[0, 1]]
 */
export function nearDuplicateImages(hashes: readonly string[], maxDistance = DEFAULT_MAX_DISTANCE): ImageDuplicateResult {
  const high = new Uint32Array(hashes.length);
  const low = new Uint32Array(hashes.length);
  hashes.forEach((hash, i) => ([high[i], low[i]] = halves(hash)));
  const pairs: Array<[number, number, number]> = [];
  const sets = new UnionFind();
  sets.ensure(hashes.length);
  for (let i = 0; i < hashes.length; i++) {
    const hi = high[i]!;
    const lo = low[i]!;
    for (let j = i + 1; j < hashes.length; j++) {
      const distance = popcount32(hi ^ high[j]!) + popcount32(lo ^ low[j]!);
      if (distance <= maxDistance) {
        pairs.push([i, j, distance]);
        sets.union(i, j);
      }
    }
  }
  return { pairs, clusters: sets.groups(2) };
}
