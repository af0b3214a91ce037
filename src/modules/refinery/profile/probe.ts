/**
 * Probes across a delimited text file: small slices read at even offsets through it, so the
 * tabular profiler can propose top-value candidates from the whole file and not only from its first
 * rows (a file sorted by region or by date has other frequent values further down). The probes only
 * propose candidates: every candidate is then counted exactly over the whole file, so a line misread
 * here (a slice that starts inside a quoted field) can cost a candidate, never a wrong count.
 */
import { open } from 'node:fs/promises';

/** Slices read, evenly spaced between the head and the end of the file. */
export const PROBES = 32;
/** Bytes per slice. */
export const PROBE_BYTES = 32 * 1024;

/**
 * The fields of one line of delimited text (RFC 4180 quoting with `"`, doubled quotes inside), or
 * undefined when a quoted field is not closed on the line (it goes on to the next line).
 *
 * @example parseDelimitedLine('a," b ""c""",', ',') // ['a', ' b "c"', '']
 */
export function parseDelimitedLine(line: string, delimiter: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const close = line.indexOf('"', j);
        if (close < 0) return undefined;
        value += line.slice(j, close);
        if (line[close + 1] === '"') {
          value += '"';
          j = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      // Text between a closing quote and the delimiter: DuckDB would not accept the line either.
      if (i < line.length && !line.startsWith(delimiter, i)) return undefined;
      fields.push(value);
    } else {
      const end = line.indexOf(delimiter, i);
      fields.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length : end;
    }
    if (i >= line.length) return fields;
    i += delimiter.length;
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}

/**
 * Counts of the values seen in each of `width` columns across probes of a UTF-8 delimited file.
 * Empty fields are not counted (DuckDB reads them as NULL). Lines with another number of fields,
 * cut by a slice or quoted in a way DuckDB would not accept are skipped.
 */
export async function probeValueCounts(file: string, delimiter: string, width: number): Promise<Array<Map<string, number>>> {
  const counts = Array.from({ length: width }, () => new Map<string, number>());
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size <= PROBE_BYTES * 2) return counts;
    const buffer = Buffer.alloc(PROBE_BYTES);
    for (let p = 1; p <= PROBES; p++) {
      const offset = Math.floor((size - PROBE_BYTES) * (p / PROBES));
      const { bytesRead } = await handle.read(buffer, 0, PROBE_BYTES, offset);
      const lines = buffer.subarray(0, bytesRead).toString('utf8').split('\n');
      // The first and last lines are cut by the slice.
      for (const raw of lines.slice(1, -1)) {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        const fields = parseDelimitedLine(line, delimiter);
        if (!fields || fields.length !== width) continue;
        fields.forEach((value, column) => {
          if (value !== '') counts[column]!.set(value, (counts[column]!.get(value) ?? 0) + 1);
        });
      }
    }
  } finally {
    await handle.close();
  }
  return counts;
}
