/**
 * Profiles of a file or a folder of files: what each file is (by content), how it is encoded, and
 * what is in it: columns of tables, lengths and characters of text, sizes of images, streams of
 * audio and video, schema errors and labels of annotations. Folders are walked without following
 * symbolic links; every entry is reported, the ones that cannot be read with an error saying why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { detectEncoding, type TextEncoding } from '../../shared/encoding.js';
import { profileAnnotations, type AnnotationProfile } from './annotations.js';
import { DETECT_HEAD_BYTES, detectFormat, type FileFormat } from './detect.js';
import { probeMedia, profileImage, type ImageProfile, type MediaProfile } from './media.js';
import { profileTable, type ColumnProfile, type TableFormat } from './tabular.js';
import { profileText, type TextProfile } from './text.js';

export type { FileFormat } from './detect.js';
export type { ColumnProfile, ColumnStats, ColumnHistogram, HistogramBin } from './tabular.js';
export type { ColumnDefect, DefectCode, PatternShare, ValuePattern } from './patterns.js';
export { DEFECT_MESSAGES } from './patterns.js';
export type { TextProfile } from './text.js';
export type { ImageProfile, MediaProfile, MediaStream } from './media.js';
export type { AnnotationProfile, AnnotationError } from './annotations.js';

export interface FileProfile {
  /** Relative to the profiled target with '/' separators (the file's own name when the target is a file). */
  path: string;
  format: FileFormat;
  /** Text encoding; null for binary formats (XLSX, Parquet, images, media, archives). */
  encoding: TextEncoding | null;
  /** Data rows of a table, documents of a text corpus, records of annotations; null otherwise. */
  rows: number | null;
  columns: ColumnProfile[];
  mediaType: string;
  bytes: number;
  /** Rows inspected value by value (tables; the first rows of the file). */
  inspectedRows?: number;
  /** Workbooks: the sheet profiled (the first) and how many there are. */
  sheet?: string;
  sheets?: number;
  text?: TextProfile;
  image?: ImageProfile;
  media?: MediaProfile;
  annotations?: AnnotationProfile;
  /** Why the file could not be (fully) profiled, naming the file and, where known, the row. */
  error?: string;
}

export interface ProfileReport {
  files: FileProfile[];
}

export interface ProfileOptions {
  /** Called after each file: its path, files done, files in all. */
  onProgress?(file: string, done: number, total: number): void;
  /** A folder for temporary copies and DuckDB spill files (default: a fresh folder in the OS temp dir, removed after). */
  workDir?: string;
  /** JSON and JSON Lines files are validated against this schema and their labels counted. */
  annotations?: { schema?: object; labelPath?: string };
  /** For JSON Lines text corpora: the field holding the text. */
  textField?: string;
  /** Rows of each table inspected value by value (default 100,000). */
  sampleRows?: number;
}

interface Entry {
  absolute: string;
  relative: string;
  kind: 'file' | 'symlink' | 'other';
}

async function walk(root: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  const visit = async (dir: string) => {
    const children = await readdir(dir, { withFileTypes: true });
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) {
      const absolute = path.join(dir, child.name);
      const relative = path.relative(root, absolute).split(path.sep).join('/');
      if (child.isDirectory()) await visit(absolute);
      else if (child.isSymbolicLink()) entries.push({ absolute, relative, kind: 'symlink' });
      else entries.push({ absolute, relative, kind: child.isFile() ? 'file' : 'other' });
    }
  };
  await visit(root);
  return entries;
}

async function readHead(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(DETECT_HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, DETECT_HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Profiles a file, or every file under a folder (sorted by path). Throws only when `target` itself
 * cannot be read; a file that cannot be profiled gets `error` instead.
 *
 * @example
 * const report = await profilePath('/data/upload-17', { onProgress: (f, done, total) => console.error(`${done}/${total} ${f}`) });
 * for (const file of report.files) console.log(file.path, file.format, file.encoding, file.rows);
 */
export async function profilePath(target: string, options: ProfileOptions = {}): Promise<ProfileReport> {
  const root = path.resolve(target);
  const stat = await lstat(root);
  const entries: Entry[] = stat.isDirectory()
    ? await walk(root)
    : [{ absolute: root, relative: path.basename(root), kind: stat.isSymbolicLink() ? 'symlink' : stat.isFile() ? 'file' : 'other' }];
  const ownWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? mkdtempSync(path.join(tmpdir(), 'datadam-profile-'));
  try {
    const files: FileProfile[] = [];
    for (const entry of entries) {
      files.push(await profileEntry(entry, workDir, options));
      options.onProgress?.(entry.relative, files.length, entries.length);
    }
    return { files };
  } finally {
    if (ownWorkDir) rmSync(workDir, { recursive: true, force: true });
  }
}

async function profileEntry(entry: Entry, workDir: string, options: ProfileOptions): Promise<FileProfile> {
  const base = { path: entry.relative, encoding: null, rows: null, columns: [] };
  if (entry.kind === 'symlink') {
    return { ...base, format: 'other', mediaType: 'inode/symlink', bytes: 0, error: `${entry.relative}: a symbolic link, not followed` };
  }
  if (entry.kind === 'other') {
    return { ...base, format: 'other', mediaType: 'application/octet-stream', bytes: 0, error: `${entry.relative}: not a regular file` };
  }
  let profile: FileProfile = { ...base, format: 'other', mediaType: 'application/octet-stream', bytes: 0 };
  try {
    const bytes = (await lstat(entry.absolute)).size;
    const head = await readHead(entry.absolute);
    const { format, mediaType } = detectFormat(head, path.basename(entry.absolute));
    profile = { ...profile, format, mediaType, bytes };
    const textEncoding = (): TextEncoding => detectEncoding(head);
    switch (format) {
      case 'csv':
      case 'tsv':
      case 'xlsx':
      case 'parquet':
      case 'jsonl':
      case 'json': {
        if ((format === 'json' || format === 'jsonl') && options.annotations) {
          profile.encoding = textEncoding();
          profile.annotations = await profileAnnotations(entry.absolute, { format, ...options.annotations });
          profile.rows = profile.annotations.records;
        }
        if (format === 'jsonl' && options.textField !== undefined) {
          profile.text = await profileText(entry.absolute, { format: 'jsonl', textField: options.textField });
          profile.encoding = profile.text.encoding;
          profile.rows = profile.text.documents;
        }
        try {
          const table = await profileTable(entry.absolute, format as TableFormat, {
            workDir,
            ...(options.sampleRows !== undefined ? { sampleRows: options.sampleRows } : {}),
          });
          profile.encoding = table.encoding ?? (format === 'json' || format === 'jsonl' ? textEncoding() : null);
          profile.rows = table.rows;
          profile.columns = table.columns;
          profile.inspectedRows = table.inspectedRows;
          if (table.sheet !== undefined) {
            profile.sheet = table.sheet;
            profile.sheets = table.sheets ?? 1;
          }
        } catch (error) {
          // A JSON document that is not a list of records is still a fine JSON file.
          if (format === 'json') profile.encoding = textEncoding();
          else throw error;
        }
        break;
      }
      case 'text':
        profile.text = await profileText(entry.absolute);
        profile.encoding = profile.text.encoding;
        profile.rows = profile.text.documents;
        break;
      case 'image':
        profile.image = await profileImage(entry.absolute);
        if (profile.image.corrupt) profile.error = `${entry.relative}: the image cannot be decoded: ${profile.image.corrupt}`;
        break;
      case 'audio':
      case 'video':
        profile.media = await probeMedia(entry.absolute);
        break;
      case 'archive':
      case 'other':
        break;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    profile.error = message.startsWith(path.basename(entry.absolute))
      ? `${entry.relative}${message.slice(path.basename(entry.absolute).length)}`
      : `${entry.relative}: ${message}`;
  }
  return profile;
}
