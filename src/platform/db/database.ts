import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { DbConfig } from '../../core/config.js';
import type { DbCapabilities } from '../../core/ports.js';

/**
 * An open database: the Kysely instance repositories use, what the engine can do, and how to close it.
 * The table types belong to the modules; here the database is `Kysely<any>` and each repository
 * narrows it to its own tables.
 */
export interface Database {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- every module brings its own table types
  readonly db: Kysely<any>;
  readonly capabilities: DbCapabilities;
  /** Where it is, without secrets, for logs. */
  readonly description: string;
  close(): Promise<void>;
}

export const SQLITE_CAPABILITIES: DbCapabilities = {
  dialect: 'sqlite',
  supportsSkipLocked: false,
  concurrentWriters: false,
  supportsIlike: false,
  fullText: 'fts5',
};

export const POSTGRES_CAPABILITIES: DbCapabilities = {
  dialect: 'postgres',
  supportsSkipLocked: true,
  concurrentWriters: true,
  supportsIlike: true,
  fullText: 'tsvector',
};

export interface OpenOptions {
  /** PostgreSQL pool size per process. */
  poolSize?: number;
}

/** Opens SQLite (WAL, foreign keys, busy timeout) or PostgreSQL, as the configuration says. */
export function openDatabase(config: DbConfig, options: OpenOptions = {}): Database {
  return config.kind === 'sqlite' ? openSqlite(config.file) : openPostgres(config.url, options.poolSize ?? 10);
}

function openSqlite(file: string): Database {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const connection = new SqliteDatabase(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('foreign_keys = ON');
  // Several processes (API, worker, CLI) share the file; wait for the writer instead of failing.
  connection.pragma('busy_timeout = 10000');
  // In WAL mode NORMAL survives a crashed process; FULL also survives a power cut, at the cost of an fsync per commit.
  connection.pragma('synchronous = FULL');
  // Searches read documents scattered over a large file: map it (up to 4 GiB) and keep a larger
  // page cache (64 MiB) instead of copying 4 KiB pages through read() calls on every lookup.
  if (file !== ':memory:') connection.pragma('mmap_size = 4294967296');
  connection.pragma('cache_size = -65536');
  // Planner statistics: without them SQLite may sort a million rows instead of reading an index in
  // order. Analysis of the tables that need it, at open and every hour, as SQLite advises for
  // long-lived connections (PostgreSQL's autovacuum does the same on its side). Unbounded: with
  // `analysis_limit` sampling, a column with one value in a million rows (every document
  // 'accepted') was estimated at a thousand rows per value, and browsing sorted a million rows
  // through it (2.3 s) instead of reading the order's index (0.1 ms). A full pass over a million
  // documents takes about 1.5 s, and `optimize` repeats it only when a table has changed a lot.
  connection.pragma('optimize = 0x10002');
  const optimizer = setInterval(() => connection.open && connection.pragma('optimize'), 60 * 60 * 1000);
  optimizer.unref();
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }) });
  return {
    db,
    capabilities: SQLITE_CAPABILITIES,
    description: `sqlite:${file}`,
    close: () => {
      clearInterval(optimizer);
      return db.destroy();
    },
  };
}

/**
 * Kysely prepares every query anew; preparing is a large share of a small query's cost, and of a
 * bulk insert's (a 1,000-row INSERT has 30,000 parameters to parse). Prepared statements are kept
 * by their SQL text, the most recently used 256 of them.
 */
function withStatementCache(connection: SqliteDatabase.Database) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => connection.close(),
    prepare: (sqlText: string) => {
      let statement = cache.get(sqlText);
      if (statement) {
        cache.delete(sqlText);
      } else {
        statement = connection.prepare(sqlText);
        if (cache.size >= 256) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, statement);
      return statement;
    },
  };
}

// COUNT(*) and BIGINT come back as strings from pg by default; our counts fit in a double.
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => {
    if (oid === 20 && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

function openPostgres(url: string, poolSize: number): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: pgTypes as pg.CustomTypesConfig });
  // An idle connection cut by the server (restart, admin termination) emits 'error' on the pool;
  // unheard, that would end the process. The pool replaces the connection on next use.
  pool.on('error', (error) => {
    process.emitWarning(`PostgreSQL connection lost while idle: ${error.message}`, 'DatadamDatabaseWarning');
  });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const safe = new URL(url);
  if (safe.password) safe.password = '***';
  return {
    db,
    capabilities: POSTGRES_CAPABILITIES,
    description: safe.toString(),
    close: () => db.destroy(),
  };
}

/** Answers when the engine answers a trivial query; used by /readyz. */
export async function pingDatabase(database: Database): Promise<void> {
  await sql`select 1`.execute(database.db);
}
