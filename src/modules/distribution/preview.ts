/**
 * Previews of released files: the first 20 rows of a tabular file (DuckDB over the start of the
 * blob, copied into a scratch folder DuckDB alone may read) or the first characters of a text file.
 * CSV, TSV and JSON Lines read only their first megabyte (cut at the last whole line); Parquet needs
 * its footer, so it is copied whole up to a limit.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../core/errors.js';
import type { BlobStore } from '../../core/ports.js';
import { openDuckDb, sqlString } from '../refinery/duckdb.js';
import type { ReleaseFileRow } from './distribution.tables.js';
import type { Preview, Previewer } from './downloads.service.js';

export const PREVIEW_ROWS = 20;
const HEAD_BYTES = 1024 * 1024;
const TEXT_BYTES = 4096;
const MAX_PARQUET_BYTES = 512 * 1024 * 1024;

async function readHead(blobs: BlobStore, file: ReleaseFileRow, bytes: number): Promise<Buffer> {
  if (file.size === 0) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of await blobs.get(file.blob_key, { start: 0, end: Math.min(bytes, file.size) - 1 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (typeof value === 'object') return String(value as object);
  return String(value);
}

/** The tabular reader DuckDB needs for a release file's format, or undefined for a file that is not a table. */
function readerFor(format: string, file: string): string | undefined {
  const source = sqlString(file);
  switch (format) {
    case 'csv':
      return `read_csv(${source}, header = true, all_varchar = true)`;
    case 'tsv':
      return `read_csv(${source}, header = true, all_varchar = true, delim = '\t')`;
    case 'jsonl':
      return `read_json(${source}, format = 'newline_delimited')`;
    case 'parquet':
      return `read_parquet(${source})`;
    default:
      return undefined;
  }
}

/**
 * A previewer over a blob store, with scratch folders under `workDir` (removed after each preview).
 *
 * @example
 * const preview = createPreviewer({ blobs, workDir: '/var/lib/datadam/work/preview' });
 * await preview(file); // { kind: 'table', columns: [...], rows: [... up to 20] }
 */
export function createPreviewer({ blobs, workDir }: { blobs: BlobStore; workDir: string }): Previewer {
  return async (file: ReleaseFileRow): Promise<Preview> => {
    if (!readerFor(file.format, 'x')) {
      if (file.format === 'text' || file.format === 'json' || file.media_type.startsWith('text/')) {
        const head = await readHead(blobs, file, TEXT_BYTES);
        // A character cut at the end shows as U+FFFD; drop it rather than show a broken one.
        const text = head.toString('utf8').replace(/\uFFFD$/, '');
        return { kind: 'text', path: file.path, format: file.format, text, truncated: file.size > head.length };
      }
      throw new AppError('validation', `No preview for ${file.format} files: only tables (CSV, TSV, JSON Lines, Parquet) and text`, {
        problems: [{ field: 'path', message: `${file.format} has no preview`, messageKo: '미리보기를 지원하지 않는 형식입니다' }],
      });
    }
    if (file.format === 'parquet' && file.size > MAX_PARQUET_BYTES) {
      throw new AppError('validation', `This Parquet file is too large to preview (over ${MAX_PARQUET_BYTES} bytes)`, {
        problems: [{ field: 'path', message: 'too large to preview' }],
      });
    }
    await mkdir(workDir, { recursive: true });
    const dir = await mkdtemp(path.join(workDir, 'preview-'));
    try {
      const local = path.join(dir, `file.${file.format}`);
      if (file.format === 'parquet') {
        await pipeline(await blobs.get(file.blob_key), createWriteStream(local));
      } else {
        let head = await readHead(blobs, file, HEAD_BYTES);
        if (head.length < file.size) {
          const cut = head.lastIndexOf(0x0a);
          head = cut >= 0 ? head.subarray(0, cut + 1) : head;
        }
        await writeFile(local, head);
      }
      const db = await openDuckDb({ allowedDirectories: [dir], threads: 1, memoryLimit: '256MB' });
      try {
        const reader = readerFor(file.format, local)!;
        const columns = await db.all<{ column_name: string; column_type: string }>(`describe select * from ${reader}`);
        const rows = await db.all(`select * from ${reader} limit ${PREVIEW_ROWS}`);
        return {
          kind: 'table',
          path: file.path,
          format: file.format,
          columns: columns.map((c) => ({ name: c.column_name, type: c.column_type })),
          rows: rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, jsonSafe(v)]))),
        };
      } catch (error) {
        throw new AppError(
          'validation',
          `The file could not be read as ${file.format}: ${error instanceof Error ? error.message : String(error)}`,
          {
            problems: [{ field: 'path', message: 'unreadable' }],
          },
        );
      } finally {
        db.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
