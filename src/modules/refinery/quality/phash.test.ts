import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { hammingDistance, nearDuplicateImages, perceptualHash, perceptualHashFromPixels } from './phash.js';

const pixels = fc.uint8Array({ minLength: 1024, maxLength: 1024 });

/** The textbook 2-D DCT-II, straight from its definition, to check the separable one against. */
function naiveHash(image: ArrayLike<number>): string {
  const n = 32;
  const coefficients: number[] = [];
  for (let v = 0; v < 8; v++)
    for (let u = 0; u < 8; u++) {
      let sum = 0;
      for (let y = 0; y < n; y++)
        for (let x = 0; x < n; x++)
          sum += image[y * n + x]! * Math.cos(((2 * x + 1) * u * Math.PI) / (2 * n)) * Math.cos(((2 * y + 1) * v * Math.PI) / (2 * n));
      coefficients.push(sum);
    }
  const sorted = [...coefficients].sort((a, b) => a - b);
  const median = (sorted[31]! + sorted[32]!) / 2;
  const bits = coefficients.map((c) => (c > median ? '1' : '0')).join('');
  return BigInt(`0b${bits}`).toString(16).padStart(16, '0');
}

describe('perceptualHashFromPixels', () => {
  it('matches the DCT computed from its definition (property)', () => {
    fc.assert(
      fc.property(pixels, (image) => {
        expect(perceptualHashFromPixels(image)).toBe(naiveHash(image));
      }),
      { numRuns: 20 },
    );
  });

  it('does not change when contrast is scaled (property)', () => {
    fc.assert(
      fc.property(pixels, fc.double({ min: 0.1, max: 10, noNaN: true }), (image, factor) => {
        const scaled = Float64Array.from(image, (p) => p * factor);
        expect(hammingDistance(perceptualHashFromPixels(image), perceptualHashFromPixels(scaled))).toBeLessThanOrEqual(1);
      }),
      { numRuns: 30 },
    );
  });

  it('moves most bits for the negative image', () => {
    const image = Uint8Array.from({ length: 1024 }, (_, i) => 128 + 60 * Math.sin((i % 32) / 4) + 50 * Math.cos(Math.floor(i / 32) / 6));
    const negative = image.map((p) => 255 - p);
    expect(hammingDistance(perceptualHashFromPixels(image), perceptualHashFromPixels(negative))).toBeGreaterThan(40);
  });

  it('refuses the wrong number of pixels', () => {
    expect(() => perceptualHashFromPixels(new Uint8Array(100))).toThrow(/1024/);
  });
});

describe('hammingDistance', () => {
  it('counts differing bits', () => {
    expect(hammingDistance('0000000000000000', '0000000000000000')).toBe(0);
    expect(hammingDistance('ffffffffffffffff', '0000000000000000')).toBe(64);
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2);
    expect(() => hammingDistance('xyz', '0000000000000000')).toThrow(/hex/);
  });

  it('is a metric on random hashes (property)', () => {
    const hash = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((b) => b.toString(16).padStart(16, '0'));
    fc.assert(
      fc.property(hash, hash, hash, (a, b, c) => {
        expect(hammingDistance(a, b)).toBe(hammingDistance(b, a));
        expect(hammingDistance(a, c)).toBeLessThanOrEqual(hammingDistance(a, b) + hammingDistance(b, c));
        expect(hammingDistance(a, b) === 0).toBe(a === b);
      }),
    );
  });
});

function scene(shapes: string): Promise<Buffer> {
  return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">${shapes}</svg>`))
    .png()
    .toBuffer();
}

describe('perceptualHash on real encoded images', () => {
  it('finds a resized JPEG copy near and a different picture far', async () => {
    const original = await scene(
      '<defs><linearGradient id="g"><stop offset="0" stop-color="#123"/><stop offset="1" stop-color="#fd8"/></linearGradient></defs>' +
        '<rect width="320" height="240" fill="url(#g)"/><circle cx="90" cy="120" r="60" fill="#c22"/><rect x="200" y="30" width="80" height="150" fill="#2a6"/>',
    );
    const copy = await sharp(original).resize(160, 120).jpeg({ quality: 60 }).toBuffer();
    const other = await scene(
      '<rect width="320" height="240" fill="#eee"/><polygon points="10,230 160,10 310,230" fill="#226"/><circle cx="250" cy="60" r="40" fill="#fa0"/>',
    );
    const [a, b, c] = await Promise.all([perceptualHash(original), perceptualHash(copy), perceptualHash(other)]);
    expect(hammingDistance(a, b)).toBeLessThanOrEqual(10);
    expect(hammingDistance(a, c)).toBeGreaterThan(10);
    const groups = nearDuplicateImages([a, c, b]);
    expect(groups.clusters).toEqual([[0, 2]]);
    expect(groups.pairs).toEqual([[0, 2, hammingDistance(a, b)]]);
  });
});

describe('nearDuplicateImages', () => {
  it('links chains within the distance into one group', () => {
    const result = nearDuplicateImages(['0000000000000000', '000000000000000f', '00000000000000ff', 'ffffffff00000000'], 4);
    expect(result.pairs).toEqual([
      [0, 1, 4],
      [1, 2, 4],
    ]);
    expect(result.clusters).toEqual([[0, 1, 2]]);
  });
});
