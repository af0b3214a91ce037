import path from 'node:path';
import { AppError } from './errors.js';

export type DbConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export type BlobConfig =
  | { kind: 'fs'; root: string }
  | {
      kind: 's3';
      bucket: string;
      endpoint?: string;
      region: string;
      accessKeyId?: string;
      secretAccessKey?: string;
      forcePathStyle: boolean;
      prefix: string;
    };

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** Lets tests and intranet deployments talk to an issuer over plain HTTP. */
  allowInsecure: boolean;
  scopes: string;
}

export interface Config {
  dataDir: string;
  db: DbConfig;
  blob: BlobConfig;
  port: number;
  host: string;
  /** The address people reach the platform at; used for cookies and OIDC redirects. */
  publicUrl: string;
  /** Undefined means: generate one and keep it in the data folder (embedded default only). */
  secret: string | undefined;
  cookieSecure: boolean;
  oidc: OidcConfig | undefined;
  logLevel: string;
  /** Requests per minute per client address on the API. */
  rateLimitPerMinute: number;
  /** The largest file an upload may stream in (bulk imports); larger ones are refused with 413. */
  maxUploadBytes: number;
  /**
   * Harvest sources (and anything else the platform fetches for its users) may be on loopback,
   * private, link-local or unique-local addresses. Off by default (SSRF guard); tests, the demo
   * and intranet deployments turn it on with DATADAM_HARVEST_ALLOW_PRIVATE=true.
   */
  harvestAllowPrivate: boolean;
  /** The refinery's ingest limits (docs/refinery.md). */
  refinery: RefineryLimits;
  /** Fair sharing of download bandwidth (docs/access-and-downloads.md). */
  downloads: DownloadLimits;
  /**
   * Releases of versions up to this many bytes are built while the request waits, larger ones in
   * the background (docs/releases.md); DATADAM_RELEASE_INLINE_BYTES, default 64 MiB, 0: always.
   */
  releaseInlineBytes: number;
}

export interface DownloadLimits {
  /** Downloads one person (or anonymous address) may run at once; DATADAM_DOWNLOAD_CONCURRENCY, default 4. */
  maxConcurrent: number;
  /** Bytes per second over all of one person's downloads; DATADAM_DOWNLOAD_RATE_BYTES, default unlimited. */
  rateBytesPerSecond: number | undefined;
}

export interface RefineryLimits {
  /** The largest resumable upload (tus Upload-Length); DATADAM_UPLOAD_MAX_BYTES, default 50 GiB. */
  uploadMaxBytes: number;
  /** How long an upload lives after it was created; DATADAM_UPLOAD_EXPIRY_HOURS, default 24. */
  uploadExpiryMs: number;
  /** Entries an archive may hold; DATADAM_ARCHIVE_MAX_ENTRIES, default 100 000. */
  archiveMaxEntries: number;
  /** Bytes an archive may unpack to in all; DATADAM_ARCHIVE_MAX_BYTES, default 20 GiB. */
  archiveMaxBytes: number;
  /** How many times its compressed size an entry may inflate to; DATADAM_ARCHIVE_MAX_RATIO, default 100. */
  archiveMaxRatio: number;
}

const GIB = 1024 * 1024 * 1024;

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new AppError('bad_request', `${name} must be a positive number, not "${raw}"`);
  return value;
}

function nonNegativeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new AppError('bad_request', `${name} must be zero or a positive number, not "${raw}"`);
  return value;
}

/** The refinery's limits from the environment, with the defaults docs/refinery.md states. */
export function loadRefineryLimits(env: NodeJS.ProcessEnv): RefineryLimits {
  return {
    uploadMaxBytes: positiveNumber(env, 'DATADAM_UPLOAD_MAX_BYTES', 50 * GIB),
    uploadExpiryMs: positiveNumber(env, 'DATADAM_UPLOAD_EXPIRY_HOURS', 24) * 60 * 60 * 1000,
    archiveMaxEntries: positiveNumber(env, 'DATADAM_ARCHIVE_MAX_ENTRIES', 100_000),
    archiveMaxBytes: positiveNumber(env, 'DATADAM_ARCHIVE_MAX_BYTES', 20 * GIB),
    archiveMaxRatio: positiveNumber(env, 'DATADAM_ARCHIVE_MAX_RATIO', 100),
  };
}

export interface ConfigFlags {
  dataDir?: string | undefined;
  port?: number | string | undefined;
  host?: string | undefined;
  db?: string | undefined;
  blob?: string | undefined;
}

/**
 * Reads configuration from flags first, then the environment, then the embedded defaults of DESIGN §5.
 *
 * @example
 * loadConfig({ DATADAM_DB: 'postgres://localhost/datadam' }, { port: 9000 }).db // { kind: 'postgres', … }
 */
export function loadConfig(env: NodeJS.ProcessEnv, flags: ConfigFlags = {}): Config {
  const dataDir = path.resolve(flags.dataDir ?? env.DATADAM_DATA_DIR ?? './.datadam');
  const port = parsePort(flags.port ?? env.PORT ?? '8080');
  const publicUrl = (env.DATADAM_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  return {
    dataDir,
    db: parseDb(flags.db ?? env.DATADAM_DB, dataDir),
    blob: parseBlob(flags.blob ?? env.DATADAM_BLOB, dataDir, env),
    port,
    host: flags.host ?? env.HOST ?? '0.0.0.0',
    publicUrl,
    secret: env.DATADAM_SECRET || undefined,
    cookieSecure: env.DATADAM_COOKIE_SECURE ? env.DATADAM_COOKIE_SECURE === 'true' : publicUrl.startsWith('https:'),
    oidc: parseOidc(env),
    logLevel: env.LOG_LEVEL ?? 'info',
    rateLimitPerMinute: Number(env.DATADAM_RATE_LIMIT ?? 1200),
    maxUploadBytes: Number(env.DATADAM_MAX_UPLOAD_BYTES ?? 512 * 1024 * 1024),
    harvestAllowPrivate: env.DATADAM_HARVEST_ALLOW_PRIVATE === 'true',
    refinery: loadRefineryLimits(env),
    downloads: {
      maxConcurrent: Math.floor(positiveNumber(env, 'DATADAM_DOWNLOAD_CONCURRENCY', 4)),
      rateBytesPerSecond: env.DATADAM_DOWNLOAD_RATE_BYTES ? Math.floor(positiveNumber(env, 'DATADAM_DOWNLOAD_RATE_BYTES', 1)) : undefined,
    },
    releaseInlineBytes: Math.floor(nonNegativeNumber(env, 'DATADAM_RELEASE_INLINE_BYTES', 64 * 1024 * 1024)),
  };
}

function parsePort(value: number | string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AppError('bad_request', `PORT must be a whole number from 0 to 65535, not "${value}"`);
  }
  return port;
}

function parseDb(value: string | undefined, dataDir: string): DbConfig {
  if (!value) return { kind: 'sqlite', file: path.join(dataDir, 'datadam.db') };
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', url: value };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new AppError('bad_request', `DATADAM_DB must be a SQLite file path or a postgres:// URL, not "${value}"`);
  }
  return { kind: 'sqlite', file: path.resolve(value) };
}

function parseBlob(value: string | undefined, dataDir: string, env: NodeJS.ProcessEnv): BlobConfig {
  if (!value) return { kind: 'fs', root: path.join(dataDir, 'blobs') };
  if (!value.startsWith('s3://')) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
      throw new AppError('bad_request', `DATADAM_BLOB must be a folder or an s3:// URL, not "${value}"`);
    }
    return { kind: 'fs', root: path.resolve(value) };
  }
  const url = new URL(value);
  const bucket = url.hostname;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new AppError('bad_request', `S3 bucket names are 3 to 63 lower-case letters, digits, dots or hyphens: "${bucket}"`);
  }
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  return {
    kind: 's3',
    bucket,
    ...(endpoint ? { endpoint } : {}),
    region: url.searchParams.get('region') ?? env.AWS_REGION ?? 'us-east-1',
    ...(env.AWS_ACCESS_KEY_ID ? { accessKeyId: env.AWS_ACCESS_KEY_ID } : {}),
    ...(env.AWS_SECRET_ACCESS_KEY ? { secretAccessKey: env.AWS_SECRET_ACCESS_KEY } : {}),
    forcePathStyle: (url.searchParams.get('pathStyle') ?? (endpoint ? 'true' : 'false')) === 'true',
    prefix: url.pathname.replace(/^\/+/, ''),
  };
}

function parseOidc(env: NodeJS.ProcessEnv): OidcConfig | undefined {
  if (!env.DATADAM_OIDC_ISSUER) return undefined;
  if (!env.DATADAM_OIDC_CLIENT_ID) {
    throw new AppError('bad_request', 'DATADAM_OIDC_ISSUER is set but DATADAM_OIDC_CLIENT_ID is not');
  }
  return {
    issuer: env.DATADAM_OIDC_ISSUER,
    clientId: env.DATADAM_OIDC_CLIENT_ID,
    ...(env.DATADAM_OIDC_CLIENT_SECRET ? { clientSecret: env.DATADAM_OIDC_CLIENT_SECRET } : {}),
    allowInsecure: env.DATADAM_OIDC_ALLOW_INSECURE === 'true',
    scopes: env.DATADAM_OIDC_SCOPES ?? 'openid email profile',
  };
}
