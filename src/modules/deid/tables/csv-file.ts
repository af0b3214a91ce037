/**
 * Tables on disk for de-identification: CSV read record by record in any of the encodings Korean
 * agencies save in (UTF-8 with or without a mark, UTF-16, CP949), and written back as UTF-8 CSV.
 * Reading streams, so a table of any size passes through in bounded memory; the risk measures and
 * the generalisation search work on counts of value combinations, never on all rows at once.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { CsvParser } from '../../census/import/csv.js';
import { decodeStream, type TextEncoding } from '../../shared/encoding.js';

/** A CSV file's header and an async stream of its data records (each as long as the header). */
export interface CsvRecords {
  header: string[];
  records: AsyncIterable<string[]>;
  /** Known once reading has begun. */
  encoding: Promise<TextEncoding>;
  /** Stops reading and releases the file (when the records are not read to the end). */
  close(): void;
}

/**
 * Opens a CSV file for reading: decodes it, splits records, reads the header. Short records are
 * padded with empty cells and long ones cut, so every record lines up with the header.
 *
 * @example
 * const { header, records } = await openCsvRecords('사고.csv');
 * for await (const row of records) console.log(row[header.indexOf('발생지시도')]);
 */
export async function openCsvRecords(file: string, delimiter = ','): Promise<CsvRecords> {
  const source = createReadStream(file, { highWaterMark: 256 * 1024 });
  const decoded = decodeStream(source);
  const queue: string[][] = [];
  const parser = new CsvParser(delimiter, (cells) => queue.push(cells));
  const text = decoded.text[Symbol.asyncIterator]();
  let ended = false;

  /** Parses until at least one record is queued or the text ends. */
  const pull = async (): Promise<void> => {
    while (queue.length === 0 && !ended) {
      const next = await text.next();
      if (next.done) {
        parser.end();
        ended = true;
      } else parser.push(next.value);
    }
  };

  await pull();
  const first = queue.shift();
  if (!first) throw new Error(`${file} is empty: no header row`);
  // A byte-order mark is removed by the decoder; a stray one (double-encoded files) is not a name.
  const header = first.map((name) => name.replace(/^\uFEFF/, '').trim());
  const width = header.length;

  async function* records(): AsyncGenerator<string[]> {
    for (;;) {
      await pull();
      const record = queue.shift();
      if (!record) return;
      // An empty line reads as one empty field: it holds no record.
      if (record.length === 1 && record[0] === '' && width > 1) continue;
      if (record.length < width) while (record.length < width) record.push('');
      else if (record.length > width) record.length = width;
      yield record;
    }
  }
  return { header, records: records(), encoding: decoded.encoding, close: () => source.destroy() };
}

/**
 * A CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break.
 *
 * @example csvField('서울, 강남구') // '"서울, 강남구"'
 */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Writes CSV lines to a file (UTF-8, no byte-order mark), waiting when the disk is slower than the producer.
 *
 * @example
 * const writer = new CsvFileWriter('out.csv');
 * await writer.write(['나이', '성별']);
 * await writer.write(['30-39', '남']);
 * await writer.close();
 */
export class CsvFileWriter {
  private readonly stream;

  constructor(file: string) {
    this.stream = createWriteStream(file, { encoding: 'utf8' });
  }

  /** Writes one record. */
  async write(cells: readonly string[]): Promise<void> {
    if (!this.stream.write(`${cells.map(csvField).join(',')}\n`)) await once(this.stream, 'drain');
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
