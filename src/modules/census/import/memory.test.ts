import { createReadStream, createWriteStream, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_GO_KR_MAPPING } from './mapping.js';
import { importRows } from './validate.js';

const ROWS = 200_000;
const MB = 1024 * 1024;

/** A real garbage collection, so that heap figures are live data and not garbage not yet collected. */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('streaming import of a large file', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    // 200,000 catalog rows (the fixture's rows over and over, with their own keys): about 75 MB.
    const lines = readFileSync(new URL('../../../../test/fixtures/census/data-go-kr-1000.csv', import.meta.url), 'utf-8')
      .trimEnd()
      .split('\n');
    const header = lines[0]!;
    const body = lines.slice(1);
    dir = mkdtempSync(path.join(tmpdir(), 'datadam-census-'));
    file = path.join(dir, 'catalog-200k.csv');
    const out = createWriteStream(file);
    out.write(`${header}\n`);
    let batch = '';
    for (let i = 0; i < ROWS; i++) {
      const line = body[i % body.length]!;
      batch += `${90_000_000 + i}${line.slice(line.indexOf(','))}\n`;
      if (batch.length > 1 << 20) {
        if (!out.write(batch)) await once(out, 'drain');
        batch = '';
      }
    }
    out.end(batch);
    await once(out, 'finish');
  }, 120_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the heap flat however many rows pass', async () => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const live: number[] = [];
    let count = 0;
    let valid = 0;
    for await (const row of importRows(createReadStream(file), { mapping: DATA_GO_KR_MAPPING, fileName: file })) {
      count++;
      if (row.form) valid++;
      if (count % 25_000 === 0) {
        gc();
        live.push(process.memoryUsage().heapUsed - before);
      }
    }
    expect(count).toBe(ROWS);
    expect(valid).toBe(ROWS);
    const growth = Math.max(...live);
    console.log(`heap growth after GC, every 25,000 rows (MB): ${live.map((b) => (b / MB).toFixed(1)).join(', ')}`);
    expect(growth).toBeLessThan(100 * MB);
    // Flat: the last measurement is no bigger than the first by more than a few MB (nothing per row is kept).
    expect(live[live.length - 1]! - live[0]!).toBeLessThan(10 * MB);
  }, 300_000);
});
