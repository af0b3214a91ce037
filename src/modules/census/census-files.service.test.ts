import { describe, expect, it } from 'vitest';
import { readRowBatchesHere, prepareRow, READ_BATCH_ROWS } from './census-files.service.js';
import { NATIVE_MAPPING } from './import/mapping.js';
import { templateCsv } from './import/template.js';
import { ImportFileError, type ReadMeta } from './import/types.js';

async function* bytes(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text);
}

describe('readRowBatchesHere', () => {
  const [header, example] = templateCsv('ko')
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split(/\r?\n/) as [string, string];

  it('hands over rows in batches, ready for the database', async () => {
    const rows = Array.from({ length: READ_BATCH_ROWS + 3 }, () => example).join('\n');
    const meta: ReadMeta = {};
    const sizes: number[] = [];
    for await (const batch of readRowBatchesHere(bytes(`${header}\n${rows}\n`), { mapping: NATIVE_MAPPING, fileName: 'x.csv', meta })) {
      sizes.push(batch.length);
      expect(JSON.parse(batch[0]!.form!.json).title).toBe(batch[0]!.form!.columns.title);
    }
    expect(sizes).toEqual([READ_BATCH_ROWS, 3]);
    expect(meta.format).toBe('csv');
  });

  it('yields the rows read before an unreadable line, then the error', async () => {
    const text = `${header}\n${example}\n${example}\n제목,"닫히지 않은 따옴표\n`;
    const seen: number[] = [];
    let error: unknown;
    try {
      for await (const batch of readRowBatchesHere(bytes(text), { mapping: NATIVE_MAPPING, fileName: 'x.csv', meta: {} })) {
        seen.push(...batch.map((r) => r.row));
      }
    } catch (caught) {
      error = caught;
    }
    expect(seen).toEqual([2, 3]);
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).toRowError().row).toBe(4);
  });

  it('keeps errors and drops the form of invalid rows', () => {
    const prepared = prepareRow({ row: 7, extra: {}, errors: [{ row: 7, column: '분야', message: 'x', messageEn: 'x' }] });
    expect(prepared).toEqual({ row: 7, errors: [{ row: 7, column: '분야', message: 'x', messageEn: 'x' }] });
  });
});
