/**
 * Types shared by the bulk-import engine: rows as read from a file, row errors, and the error for a
 * file that cannot be read at all.
 */
import { AppError } from '../../../core/errors.js';
import type { TextEncoding } from '../../shared/encoding.js';

/** The file formats bulk import reads. */
export type ImportFormat = 'csv' | 'tsv' | 'xlsx' | 'json' | 'jsonl';

/** A cell as read: text, or a list for a JSON array. */
export type SourceValue = string | string[];

/** A problem with a row as a whole, found while reading it (e.g. too many columns). */
export interface RowProblem {
  /** The source column, `#14` for a cell beyond the header, or '' for the whole row. */
  column: string;
  /** Korean. */
  message: string;
  /** English. */
  messageEn: string;
}

/**
 * One data row of a file. `row` is the row number as in the file with the header as row 1: in CSV and
 * TSV the record number (a quoted cell spanning several lines counts once, as a spreadsheet shows
 * it; blank rows count), in XLSX the sheet's row number, in JSONL the line number, in a JSON array
 * the element's position (1 for the first object).
 */
export interface SourceRow {
  row: number;
  /** The line of the file the row starts on (text formats). */
  line?: number;
  /** By source column name (the header, or the JSON object's keys). */
  values: Record<string, SourceValue>;
  /** The header, the same array for every row of a file (CSV, TSV, XLSX): lets callers cache per header. */
  columns?: readonly string[];
  /** Set when the row cannot be read as a whole; its values are then not to be trusted. */
  problems?: RowProblem[];
}

/** An error in one row, for the import report. */
export interface RowError {
  row: number;
  /** The source column as named in the file (e.g. '분류체계'), or '' for the row as a whole. */
  column: string;
  /** Korean. */
  message: string;
  /** English. */
  messageEn: string;
}

/** What reading found out about the file, filled in as it goes, for the caller to read. */
export interface ReadMeta {
  format?: ImportFormat;
  /** For text formats; set once known (before the first row is yielded). */
  encoding?: TextEncoding;
  /** The header (CSV, TSV, XLSX) or the first object's keys (JSON, JSONL). */
  columns?: string[];
  /** XLSX: the worksheet read. */
  sheet?: string;
  /** Source columns the mapping does not use (set by `importRows`). */
  ignoredColumns?: string[];
}

/**
 * A file that cannot be read (an unterminated quote, not really XLSX, broken JSON, a header the
 * mapping cannot use). Rows before the point of failure may already have been yielded; the caller
 * reports this as one more error with `toRowError()`.
 */
export class ImportFileError extends AppError {
  readonly row: number | undefined;
  readonly line: number | undefined;
  readonly column: string;
  readonly messageKo: string;
  readonly messageEn: string;

  constructor(
    messages: { ko: string; en: string },
    where: { row?: number; line?: number; column?: string } = {},
    options: { cause?: unknown } = {},
  ) {
    const at = where.row === undefined ? '' : `row ${where.row}: `;
    super('validation', `${at}${messages.en}`, {
      problems: [{ field: where.row === undefined ? 'file' : `row ${where.row}`, message: messages.en }],
      cause: options.cause,
    });
    this.name = 'ImportFileError';
    this.row = where.row;
    this.line = where.line;
    this.column = where.column ?? '';
    this.messageKo = messages.ko;
    this.messageEn = messages.en;
  }

  /** This error as a line of the import report (row 0 when it concerns the file as a whole). */
  toRowError(): RowError {
    return { row: this.row ?? 0, column: this.column, message: this.messageKo, messageEn: this.messageEn };
  }
}
