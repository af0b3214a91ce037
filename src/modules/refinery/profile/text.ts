/**
 * Profiles of text corpora: plain text (one document per line) and JSON Lines (one document per
 * record, from a named field or all its string fields). Streamed: the file passes through the
 * shared decoder chunk by chunk; what is kept per document is a length and a 64-bit hash.
 *
 * Exact: document count, empty documents, min/max/mean length, character class counts, duplicate
 * count (up to 64-bit hash collisions, about 3 in a million at ten million documents).
 * Sampled: quantiles and the histogram come from a uniform reservoir of 1,000,000 lengths (exact
 * for smaller corpora).
 */
import { createReadStream } from 'node:fs';
import { decodeStream, type TextEncoding } from '../../shared/encoding.js';

export type CharacterClass =
  'hangul_syllable' | 'hangul_jamo' | 'latin' | 'digit' | 'hanja' | 'punctuation' | 'whitespace' | 'control' | 'replacement' | 'other';

export interface LengthDistribution {
  min: number;
  max: number;
  mean: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  histogram: Array<{ from: number; to: number; count: number }>;
}

export interface TextProfile {
  encoding: TextEncoding;
  /** Lines (plain text) or records (JSON Lines), the empty ones included. */
  documents: number;
  emptyDocuments: number;
  /** Documents whose exact text appeared before (the first occurrence is not counted). */
  duplicates: number;
  /** Length in characters (code points) of the non-empty documents. */
  length: LengthDistribution | null;
  /** Share of each class among all characters of the non-empty documents. */
  characters: Record<CharacterClass, number>;
  totalCharacters: number;
  /** JSON Lines records that were not JSON or had no text, first 20 kept. */
  badRecords?: { count: number; first: Array<{ record: number; message: string }> };
  issues: Array<{ code: 'replacement_character' | 'control_character' | 'duplicate_documents' | 'bad_records'; count: number }>;
}

export interface TextProfileOptions {
  /** 'jsonl': each line is a JSON record whose text is `textField`, or all its top-level strings. */
  format?: 'text' | 'jsonl';
  textField?: string;
  /** Lengths kept for quantiles (default 1,000,000). */
  reservoirSize?: number;
}

const HISTOGRAM_BINS = 20;

/**
 * The class of one code point.
 *
 * @example characterClass('한'.codePointAt(0)!) // 'hangul_syllable'
 */
export function characterClass(code: number): CharacterClass {
  if (code >= 0xac00 && code <= 0xd7a3) return 'hangul_syllable';
  if (
    (code >= 0x1100 && code <= 0x11ff) ||
    (code >= 0x3130 && code <= 0x318f) ||
    (code >= 0xa960 && code <= 0xa97f) ||
    (code >= 0xd7b0 && code <= 0xd7ff)
  ) {
    return 'hangul_jamo';
  }
  if (code >= 0x30 && code <= 0x39) return 'digit';
  if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || (code >= 0xc0 && code <= 0x24f && code !== 0xd7 && code !== 0xf7))
    return 'latin';
  if (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0x20000 && code <= 0x2fa1f)
  )
    return 'hanja';
  if (
    code === 0x20 ||
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    code === 0xa0 ||
    code === 0x3000 ||
    (code >= 0x2000 && code <= 0x200a)
  )
    return 'whitespace';
  if (code === 0xfffd) return 'replacement';
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 'control';
  if (code < 0x80) return 'punctuation'; // the rest of ASCII: !"#…~
  return PUNCTUATION.test(String.fromCodePoint(code)) ? 'punctuation' : 'other';
}

const PUNCTUATION = /^[\p{P}\p{S}]$/u;

/**
 * A 64-bit hash of a string as two 32-bit FNV-1a-style halves with different bases and primes; the
 * set of hashes, not of texts, is what bounds memory on large corpora.
 */
function hash64(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, (b ^ (a >>> 13)) >>> 0];
}

/** An open-addressing set of 64-bit hashes in two typed arrays: 8 bytes a document. */
class HashSet64 {
  private high = new Uint32Array(1 << 16);
  private low = new Uint32Array(1 << 16);
  private used = new Uint8Array(1 << 16);
  private size = 0;

  /** Adds the hash; returns false when it was already there. */
  add(h: number, l: number): boolean {
    if ((this.size + 1) * 2 > this.used.length) this.grow();
    const mask = this.used.length - 1;
    let i = (h ^ Math.imul(l, 0x9e3779b1)) & mask;
    while (this.used[i]) {
      if (this.high[i] === h && this.low[i] === l) return false;
      i = (i + 1) & mask;
    }
    this.used[i] = 1;
    this.high[i] = h;
    this.low[i] = l;
    this.size++;
    return true;
  }

  private grow(): void {
    const [high, low, used] = [this.high, this.low, this.used];
    this.high = new Uint32Array(used.length * 2);
    this.low = new Uint32Array(used.length * 2);
    this.used = new Uint8Array(used.length * 2);
    this.size = 0;
    for (let i = 0; i < used.length; i++) if (used[i]) this.add(high[i]!, low[i]!);
  }
}

/** Lines of a decoded text stream, without their line ends. */
async function* lines(text: AsyncIterable<string>): AsyncGenerator<string> {
  let partial = '';
  for await (const chunk of text) {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) yield part.endsWith('\r') ? part.slice(0, -1) : part;
  }
  if (partial !== '') yield partial.endsWith('\r') ? partial.slice(0, -1) : partial;
}

function quantile(sorted: Uint32Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))]!;
}

/**
 * Profiles a text corpus file. `characters` holds shares (0–1); issues name replacement and control
 * characters, duplicates and, for JSON Lines, records that are not JSON.
 *
 * @example
 * const profile = await profileText('/data/up/corpus.txt');
 * profile.documents; // 120000
 * profile.characters.hangul_syllable; // 0.71
 */
export async function profileText(file: string, options: TextProfileOptions = {}): Promise<TextProfile> {
  const reservoirSize = options.reservoirSize ?? 1_000_000;
  const reservoir = new Uint32Array(reservoirSize);
  let kept = 0;
  let seen = 0;
  let documents = 0;
  let empty = 0;
  let duplicates = 0;
  let min = Infinity;
  let max = 0;
  let total = 0;
  const classes = Object.fromEntries(
    (
      ['hangul_syllable', 'hangul_jamo', 'latin', 'digit', 'hanja', 'punctuation', 'whitespace', 'control', 'replacement', 'other'] as const
    ).map((c) => [c, 0]),
  ) as Record<CharacterClass, number>;
  const hashes = new HashSet64();
  const bad = { count: 0, first: [] as Array<{ record: number; message: string }> };

  const decoded = decodeStream(createReadStream(file, { highWaterMark: 1024 * 1024 }));
  for await (const line of lines(decoded.text)) {
    documents++;
    let doc = line;
    if (options.format === 'jsonl') {
      if (line.trim() === '') {
        empty++;
        continue;
      }
      const text = recordText(line, options.textField);
      if (typeof text !== 'string') {
        bad.count++;
        if (bad.first.length < 20) bad.first.push({ record: documents, message: text.error });
        continue;
      }
      doc = text;
    }
    if (doc.trim() === '') {
      empty++;
      continue;
    }
    const [h, l] = hash64(doc);
    if (!hashes.add(h, l)) duplicates++;
    let length = 0;
    for (const char of doc) {
      length++;
      classes[characterClass(char.codePointAt(0)!)]++;
    }
    total += length;
    if (length < min) min = length;
    if (length > max) max = length;
    // Reservoir sampling (algorithm R): every length has the same chance to be kept.
    seen++;
    if (kept < reservoirSize) reservoir[kept++] = length;
    else {
      const j = Math.floor(Math.random() * seen);
      if (j < reservoirSize) reservoir[j] = length;
    }
  }

  const sorted = reservoir.subarray(0, kept).sort();
  const nonEmpty = seen;
  let length: LengthDistribution | null = null;
  if (nonEmpty > 0) {
    const width = max > min ? (max - min) / HISTOGRAM_BINS : 1;
    const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
    for (const v of sorted) counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((v - min) / width))]!++;
    // Scale the reservoir's bins to the whole corpus when it is a sample.
    const scale = nonEmpty / kept;
    length = {
      min,
      max,
      mean: total / nonEmpty,
      p25: quantile(sorted, 0.25),
      p50: quantile(sorted, 0.5),
      p75: quantile(sorted, 0.75),
      p95: quantile(sorted, 0.95),
      histogram: counts.map((count, bin) => ({ from: min + bin * width, to: min + (bin + 1) * width, count: Math.round(count * scale) })),
    };
  }
  const characters = Object.fromEntries(Object.entries(classes).map(([k, n]) => [k, total ? n / total : 0])) as Record<
    CharacterClass,
    number
  >;
  const issues: TextProfile['issues'] = [];
  if (classes.replacement) issues.push({ code: 'replacement_character', count: classes.replacement });
  if (classes.control) issues.push({ code: 'control_character', count: classes.control });
  if (duplicates) issues.push({ code: 'duplicate_documents', count: duplicates });
  if (bad.count) issues.push({ code: 'bad_records', count: bad.count });
  return {
    encoding: await decoded.encoding,
    documents,
    emptyDocuments: empty,
    duplicates,
    length,
    characters,
    totalCharacters: total,
    ...(options.format === 'jsonl' ? { badRecords: bad } : {}),
    issues,
  };
}

/** The text of one JSON Lines record: its `field`, or its top-level strings joined by newlines. */
function recordText(line: string, field: string | undefined): string | { error: string } {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    return { error: `not JSON: ${(error as Error).message}` };
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    return typeof record === 'string' ? record : { error: 'not a JSON object' };
  }
  const values = record as Record<string, unknown>;
  if (field !== undefined) {
    const value = values[field];
    return typeof value === 'string' ? value : { error: `no text in field "${field}"` };
  }
  const strings = Object.values(values).filter((v): v is string => typeof v === 'string');
  return strings.length ? strings.join('\n') : { error: 'no text field' };
}
