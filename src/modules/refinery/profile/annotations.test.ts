import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { profileAnnotations, valuesAt } from './annotations.js';

const dir = mkdtempSync(path.join(tmpdir(), 'datadam-annotations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const schema = {
  type: 'object',
  required: ['id', 'label'],
  properties: { id: { type: 'string' }, label: { enum: ['positive', 'negative'] }, score: { type: 'number' } },
  additionalProperties: false,
};

describe('valuesAt', () => {
  it('walks objects and spreads arrays', () => {
    const record = { meta: { cls: 'a' }, annotations: [{ category: 'car' }, { category: 'bus' }, { other: 1 }] };
    expect(valuesAt(record, 'meta.cls')).toEqual(['a']);
    expect(valuesAt(record, 'annotations[].category')).toEqual(['car', 'bus']);
    expect(valuesAt(record, 'missing.x')).toEqual([]);
    expect(valuesAt([1, 2], '[]')).toEqual([1, 2]);
  });
});

describe('profileAnnotations', () => {
  it('validates JSON Lines records with record numbers and JSON pointers, and counts labels', async () => {
    const file = path.join(dir, 'labels.jsonl');
    writeFileSync(
      file,
      [
        '{"id":"1","label":"positive"}',
        '{"id":"2","label":"negative","score":0.3}',
        '{"id":3,"label":"neutral"}',
        '',
        'oops',
        '{"id":"6","label":"positive","extra":true}',
      ].join('\n'),
    );
    const p = await profileAnnotations(file, { format: 'jsonl', schema, labelPath: 'label' });
    expect(p).toMatchObject({ records: 5, validRecords: 2, errorCount: 4 });
    expect(p.errors).toEqual([
      { record: 3, pointer: '/id', message: 'must be string' },
      { record: 3, pointer: '/label', message: 'must be equal to one of the allowed values: ["positive","negative"]' },
      { record: 5, pointer: '', message: expect.stringMatching(/^not JSON/) },
      { record: 6, pointer: '', message: 'must NOT have additional properties: extra' },
    ]);
    expect(p.labels).toEqual([
      { label: 'positive', count: 2 },
      { label: 'negative', count: 1 },
      { label: 'neutral', count: 1 },
    ]);
  });

  it('keeps the first 20 errors and counts them all', async () => {
    const file = path.join(dir, 'many.json');
    writeFileSync(file, JSON.stringify(Array.from({ length: 30 }, (_, i) => ({ id: i, label: 'positive' }))));
    const p = await profileAnnotations(file, { format: 'json', schema });
    expect(p.records).toBe(30);
    expect(p.errorCount).toBe(30);
    expect(p.errors).toHaveLength(20);
    expect(p.errors[19]).toEqual({ record: 20, pointer: '/id', message: 'must be string' });
  });

  it('counts nested labels of a COCO-like JSON document', async () => {
    const file = path.join(dir, 'coco.json');
    writeFileSync(file, JSON.stringify({ annotations: [{ category: '차량' }, { category: '사람' }, { category: '차량' }] }));
    const p = await profileAnnotations(file, { format: 'json', labelPath: 'annotations[].category' });
    expect(p.labels).toEqual([
      { label: '차량', count: 2 },
      { label: '사람', count: 1 },
    ]);
    expect(p.unlabelled).toBe(0);
  });

  it('refuses a JSON file that does not parse', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{"a":');
    await expect(profileAnnotations(file, { format: 'json' })).rejects.toThrow(/not JSON/);
  });
});
