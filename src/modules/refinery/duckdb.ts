/**
 * DuckDB for the refinery: one in-memory instance per piece of work, confined to the folders it
 * was opened for. Profiles, rules and recipes read files that agencies uploaded and rule files
 * that users wrote, so DuckDB's own access to the file system and the network is switched off
 * except for those folders, and locked so that no later statement can switch it back on.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import path from 'node:path';

export interface DuckDbOptions {
  /** Folders DuckDB may read and write (inputs, outputs, its spill folder); nothing else. */
  allowedDirectories: readonly string[];
  /** Worker threads (default: DuckDB's own, one per core). */
  threads?: number;
  /** e.g. '2GB': DuckDB spills to `tempDirectory` past it instead of growing. */
  memoryLimit?: string;
  /** Where DuckDB spills; must lie in one of `allowedDirectories`. */
  tempDirectory?: string;
}

export interface DuckDb {
  /** Runs one statement and returns its rows as plain objects (BIGINT and HUGEINT as numbers when they fit, else strings). */
  all<T = Record<string, unknown>>(sql: string, params?: readonly DuckDBValue[]): Promise<T[]>;
  /** Runs statements whose rows nobody reads. */
  run(sql: string, params?: readonly DuckDBValue[]): Promise<void>;
  close(): void;
}

/**
 * Opens an in-memory DuckDB that can touch only `allowedDirectories`.
 *
 * @example
 * const db = await openDuckDb({ allowedDirectories: ['/data/upload-1'] });
 * const [row] = await db.all<{ n: number }>(`select count(*) as n from read_csv(${sqlString('/data/upload-1/a.csv')})`);
 * db.close();
 */
export async function openDuckDb(options: DuckDbOptions): Promise<DuckDb> {
  const settings: Record<string, string> = {};
  if (options.threads !== undefined) settings.threads = String(options.threads);
  if (options.memoryLimit !== undefined) settings.memory_limit = options.memoryLimit;
  const instance = await DuckDBInstance.create(':memory:', settings);
  const connection: DuckDBConnection = await instance.connect();
  try {
    // A folder is allowed with its trailing separator, so /data/a does not also allow /data/ab.
    const folders = options.allowedDirectories.map((dir) => sqlString(path.resolve(dir) + path.sep)).join(', ');
    if (options.tempDirectory !== undefined) await connection.run(`set temp_directory = ${sqlString(path.resolve(options.tempDirectory))}`);
    await connection.run(`set allowed_directories = [${folders}]`);
    await connection.run('set enable_external_access = false');
    await connection.run('set autoinstall_known_extensions = false');
    await connection.run('set autoload_known_extensions = false');
    await connection.run('set lock_configuration = true');
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    throw error;
  }
  return {
    async all<T>(sql: string, params?: readonly DuckDBValue[]) {
      const reader = await connection.runAndReadAll(sql, params ? [...params] : undefined);
      return reader.getRowObjectsJS().map(plainRow) as T[];
    },
    async run(sql: string, params?: readonly DuckDBValue[]) {
      await connection.run(sql, params ? [...params] : undefined);
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(row)) {
    if (typeof value === 'bigint') row[key] = Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  return row;
}

/**
 * A SQL string literal: single quotes doubled, so a file name cannot end the literal.
 *
 * @example sqlString("it's.csv") // "'it''s.csv'"
 */
export function sqlString(value: string): string {
  if (value.includes('\0')) throw new Error('A NUL byte cannot appear in a DuckDB string');
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A SQL identifier: double quotes doubled, so any column name (Korean, spaces, quotes) is one name.
 *
 * @example sqlIdentifier('주소 "도로명"') // '"주소 ""도로명"""'
 */
export function sqlIdentifier(name: string): string {
  if (name.includes('\0')) throw new Error('A NUL byte cannot appear in a DuckDB identifier');
  return `"${name.replaceAll('"', '""')}"`;
}
