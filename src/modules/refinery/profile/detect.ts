/**
 * What kind of file an upload is, from its content: agencies name files `data.csv` that are Excel
 * workbooks, `.txt` files that are CSV and `.CSV` files in CP949, so the extension only breaks ties.
 * Magic bytes decide binary formats; text is decoded (any encoding `detectEncoding` knows) and
 * judged by its shape: one JSON document, one JSON value per line, a consistent delimiter, or prose.
 */
import { detectEncoding, Cp949Decoder } from '../../shared/encoding.js';

/** The kinds of file the profiler tells apart. */
export type FileFormat = 'csv' | 'tsv' | 'xlsx' | 'parquet' | 'jsonl' | 'json' | 'text' | 'image' | 'audio' | 'video' | 'archive' | 'other';

export interface DetectedFormat {
  format: FileFormat;
  /** An IANA media type, as specific as the content allows. */
  mediaType: string;
}

/** How many leading bytes `detectFormat` wants (more is ignored, less still works). */
export const DETECT_HEAD_BYTES = 64 * 1024;

const ascii = (head: Uint8Array, at: number, text: string) => {
  if (head.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (head[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

const bytesAt = (head: Uint8Array, at: number, bytes: readonly number[]) => bytes.every((b, i) => head[at + i] === b);

/** Whether `needle` (ASCII) occurs anywhere in `head`. */
function contains(head: Uint8Array, needle: string): boolean {
  return Buffer.from(head.buffer, head.byteOffset, head.byteLength).includes(needle, 0, 'latin1');
}

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

/**
 * The format of a file from its first bytes (`DETECT_HEAD_BYTES` are enough) and its name.
 *
 * @example detectFormat(Buffer.from('PAR1…'), 'x.bin') // { format: 'parquet', mediaType: 'application/vnd.apache.parquet' }
 * @example detectFormat(Buffer.from('지역,값\n서울,1\n'), 'data.txt') // { format: 'csv', mediaType: 'text/csv' }
 */
export function detectFormat(head: Uint8Array, fileName: string): DetectedFormat {
  return detectBinary(head, fileName) ?? detectText(head, extensionOf(fileName));
}

function detectBinary(head: Uint8Array, fileName: string): DetectedFormat | undefined {
  const ext = extensionOf(fileName);
  if (ascii(head, 0, 'PAR1')) return { format: 'parquet', mediaType: 'application/vnd.apache.parquet' };
  if (bytesAt(head, 0, [0x50, 0x4b, 0x03, 0x04]) || bytesAt(head, 0, [0x50, 0x4b, 0x05, 0x06])) {
    // An OOXML workbook is a zip whose first entries name [Content_Types].xml and the xl/ folder.
    if (contains(head, 'xl/') && (contains(head, '[Content_Types].xml') || contains(head, 'xl/workbook'))) {
      return { format: 'xlsx', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
    }
    if (ext === 'xlsx' && contains(head, '[Content_Types].xml') && !contains(head, 'word/') && !contains(head, 'ppt/')) {
      return { format: 'xlsx', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
    }
    return { format: 'archive', mediaType: 'application/zip' };
  }
  if (bytesAt(head, 0, [0x1f, 0x8b])) return { format: 'archive', mediaType: 'application/gzip' };
  if (ascii(head, 257, 'ustar')) return { format: 'archive', mediaType: 'application/x-tar' };
  if (bytesAt(head, 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return { format: 'archive', mediaType: 'application/x-7z-compressed' };
  if (bytesAt(head, 0, [0x28, 0xb5, 0x2f, 0xfd])) return { format: 'archive', mediaType: 'application/zstd' };
  if (bytesAt(head, 0, [0x42, 0x5a, 0x68])) return { format: 'archive', mediaType: 'application/x-bzip2' };

  if (bytesAt(head, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { format: 'image', mediaType: 'image/png' };
  if (bytesAt(head, 0, [0xff, 0xd8, 0xff])) return { format: 'image', mediaType: 'image/jpeg' };
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return { format: 'image', mediaType: 'image/gif' };
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return { format: 'image', mediaType: 'image/webp' };
  if (ascii(head, 0, 'BM') && head.length >= 26 && head[14] !== undefined && [12, 40, 52, 56, 64, 108, 124].includes(head[14])) {
    return { format: 'image', mediaType: 'image/bmp' };
  }
  if (bytesAt(head, 0, [0x49, 0x49, 0x2a, 0x00]) || bytesAt(head, 0, [0x4d, 0x4d, 0x00, 0x2a]))
    return { format: 'image', mediaType: 'image/tiff' };

  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE')) return { format: 'audio', mediaType: 'audio/wav' };
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'AVI ')) return { format: 'video', mediaType: 'video/x-msvideo' };
  if (ascii(head, 0, 'fLaC')) return { format: 'audio', mediaType: 'audio/flac' };
  if (ascii(head, 0, 'OggS')) {
    // The first page names its codec; Theora means a video, everything else (Vorbis, Opus, FLAC) audio.
    return contains(head.subarray(0, 128), 'theora')
      ? { format: 'video', mediaType: 'video/ogg' }
      : { format: 'audio', mediaType: 'audio/ogg' };
  }
  if (ascii(head, 0, 'ID3')) return { format: 'audio', mediaType: 'audio/mpeg' };
  if (ascii(head, 4, 'ftyp')) {
    const brand = Buffer.from(head.subarray(8, 12)).toString('latin1');
    if (brand === 'qt  ') return { format: 'video', mediaType: 'video/quicktime' };
    if (brand.startsWith('M4A') || brand.startsWith('M4B')) return { format: 'audio', mediaType: 'audio/mp4' };
    if (brand.startsWith('heic') || brand.startsWith('heix') || brand.startsWith('mif1') || brand.startsWith('avif')) {
      return { format: 'image', mediaType: brand.startsWith('avif') ? 'image/avif' : 'image/heic' };
    }
    return { format: 'video', mediaType: 'video/mp4' };
  }
  if (bytesAt(head, 0, [0x1a, 0x45, 0xdf, 0xa3])) {
    return contains(head.subarray(0, 64), 'webm')
      ? { format: 'video', mediaType: 'video/webm' }
      : { format: 'video', mediaType: 'video/x-matroska' };
  }
  if (ascii(head, 0, 'YUV4MPEG2')) return { format: 'video', mediaType: 'video/x-yuv4mpeg' };
  if (ascii(head, 0, '%PDF-')) return { format: 'other', mediaType: 'application/pdf' };
  // An MPEG audio frame header: 11 set sync bits, then a layer that is not the reserved 00. Checked
  // after everything else because two bytes can appear by chance; the extension must agree.
  if (
    head[0] === 0xff &&
    head[1] !== undefined &&
    (head[1] & 0xe0) === 0xe0 &&
    (head[1] & 0x06) !== 0 &&
    ['mp3', 'mp2', 'mpga'].includes(ext)
  ) {
    return { format: 'audio', mediaType: 'audio/mpeg' };
  }
  if (ext === 'xls' && bytesAt(head, 0, [0xd0, 0xcf, 0x11, 0xe0])) return { format: 'other', mediaType: 'application/vnd.ms-excel' };
  if (looksBinary(head)) return { format: 'other', mediaType: 'application/octet-stream' };
  return undefined;
}

/** Control bytes that text never has (NUL aside, which UTF-16 is full of and detectEncoding handles). */
function looksBinary(head: Uint8Array): boolean {
  const encoding = detectEncoding(head);
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const text = new TextDecoder(encoding).decode(head.subarray(0, 8192));
    const control = [...text].filter((c) => c < ' ' && c !== '\t' && c !== '\n' && c !== '\r').length;
    return control / Math.max(text.length, 1) > 0.01;
  }
  let control = 0;
  const n = Math.min(head.length, 8192);
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
  }
  return n > 0 && control / n > 0.01;
}

function decodeHead(head: Uint8Array): string {
  const encoding = detectEncoding(head);
  switch (encoding) {
    case 'utf-8':
    case 'utf-8-bom':
      return new TextDecoder('utf-8').decode(head).replace(/^\uFEFF/, '');
    case 'utf-16le':
    case 'utf-16be':
      return new TextDecoder(encoding).decode(head).replace(/^\uFEFF/, '');
    case 'cp949':
      return new Cp949Decoder().decode(head, { stream: true });
  }
}

function detectText(head: Uint8Array, ext: string): DetectedFormat {
  const text = decodeHead(head);
  const complete = head.length < DETECT_HEAD_BYTES;
  // The head may end mid-line: judge only whole lines unless the file ended inside the head.
  let lines = text.split(/\r?\n/);
  if (!complete && lines.length > 1) lines = lines.slice(0, -1);
  lines = lines.filter((line) => line.trim() !== '');
  if (lines.length === 0) return { format: 'text', mediaType: 'text/plain' };

  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    if (lines.length > 1 && lines.every(isJsonValue) && lines.every((l) => /^\s*[[{]/.test(l))) {
      // Several lines, each a whole JSON value: JSON Lines (a pretty-printed document fails this).
      return { format: 'jsonl', mediaType: 'application/jsonl' };
    }
    if (complete ? isJsonValue(text) : true) return { format: 'json', mediaType: 'application/json' };
  }

  const delimiter = consistentDelimiter(lines);
  if (delimiter === '\t') return { format: 'tsv', mediaType: 'text/tab-separated-values' };
  if (delimiter !== undefined) {
    if (ext === 'tsv' || ext === 'tab') return { format: 'tsv', mediaType: 'text/tab-separated-values' };
    return { format: 'csv', mediaType: 'text/csv' };
  }
  // One column is still a table when the name says so.
  if (ext === 'csv' && lines.length > 1) return { format: 'csv', mediaType: 'text/csv' };
  if (ext === 'tsv') return { format: 'tsv', mediaType: 'text/tab-separated-values' };
  return { format: 'text', mediaType: 'text/plain' };
}

/**
 * The field delimiter of a delimited text file from its first bytes (any encoding detectEncoding
 * knows): tab, comma, semicolon or bar, whichever splits the lines consistently; comma if none does.
 *
 * @example sniffDelimiter(Buffer.from('a;b\n1;2\n')) // ';'
 */
export function sniffDelimiter(head: Uint8Array): string {
  let lines = decodeHead(head).split(/\r?\n/);
  if (head.length >= DETECT_HEAD_BYTES && lines.length > 1) lines = lines.slice(0, -1);
  lines = lines.filter((line) => line.trim() !== '');
  return (lines.length && consistentDelimiter(lines)) || ',';
}

function isJsonValue(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Fields per line for `delimiter`, outside double quotes (a quoted field may hold the delimiter). */
function fieldCount(line: string, delimiter: string): number {
  let count = 1;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === delimiter && !quoted) count++;
  }
  return count;
}

/**
 * The delimiter whose field count is the same (and above one) on at least 90% of the lines, tab
 * first on ties (a TSV's text often holds commas, a CSV's rarely tabs).
 */
function consistentDelimiter(lines: string[]): string | undefined {
  const sample = lines.slice(0, 200);
  let best: { delimiter: string; share: number; fields: number } | undefined;
  for (const delimiter of ['\t', ',', ';', '|']) {
    const counts = new Map<number, number>();
    for (const line of sample) {
      const n = fieldCount(line, delimiter);
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    const [fields, lineCount] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const share = lineCount / sample.length;
    if (fields < 2 || share < 0.9 || (sample.length === 1 && fields < 2)) continue;
    if (!best || share > best.share || (share === best.share && fields > best.fields && delimiter !== '\t' && best.delimiter !== '\t')) {
      best = { delimiter, share, fields };
    }
  }
  return best?.delimiter;
}
