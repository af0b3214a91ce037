/**
 * The ports: what services need from the outside world, as interfaces. Adapters in src/platform
 * implement them; src/server picks which. Services import these types, never an adapter.
 */
import type { Readable } from 'node:stream';

export type { Clock } from './clock.js';

/** What an engine can do, so code asks a question instead of testing an engine's name. */
export interface DbCapabilities {
  readonly dialect: 'sqlite' | 'postgres';
  /** `SELECT … FOR UPDATE SKIP LOCKED`: many workers claim rows without waiting on each other. */
  readonly supportsSkipLocked: boolean;
  /** Several connections write at once; SQLite has one writer at a time. */
  readonly concurrentWriters: boolean;
  /** `ILIKE` and similar PostgreSQL-only operators. */
  readonly supportsIlike: boolean;
  /**
   * How full-text search is stored and queried over the analyzer's terms: an FTS5 external-content
   * table (`catalog_fts`) or a weighted `tsvector` column with a GIN index.
   */
  readonly fullText: 'fts5' | 'tsvector';
}

export interface BlobInfo {
  /** The SHA-256 of the content, 64 lower-case hex digits: the only name a blob has. */
  key: string;
  size: number;
}

/**
 * Inclusive byte range, as in HTTP `Range: bytes=start-end`; `end` omitted, or past the last byte,
 * means to the last byte. A `start` at or past the size is not satisfiable (see `BlobStore.get`).
 */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface PutOptions {
  /** Refuse (and store nothing) when the content is longer than this. */
  maxBytes?: number;
  /** Refuse (and store nothing) when the content's SHA-256 is not this. */
  expectedKey?: string;
}

export interface BlobStoreCapabilities {
  /** The store can hand out time-limited URLs that clients fetch from it directly. */
  readonly presignedUrls: boolean;
}

/** Content-addressed storage of files: local disk or an S3-compatible object store. */
export interface BlobStore {
  readonly capabilities: BlobStoreCapabilities;
  /**
   * Streams content in; returns its key. Storing content that is already there is a no-op (`created: false`).
   * Throws `payload_too_large` past `maxBytes` and `bad_request` when the hash is not `expectedKey`; either way nothing is stored.
   */
  put(body: Readable | AsyncIterable<Uint8Array> | Uint8Array, options?: PutOptions): Promise<BlobInfo & { created: boolean }>;
  /**
   * Streams content out, whole or a byte range. Throws `not_found` for an unknown key, and `bad_request`
   * for a key that is not 64 lower-case hex digits or a range that is not satisfiable; the latter carries
   * the problem `{ field: 'range', message: 'bytes *\/<size>' }`, which HTTP turns into a 416.
   */
  get(key: string, range?: ByteRange): Promise<Readable>;
  /** The size of a stored blob, or undefined when there is none. */
  stat(key: string): Promise<BlobInfo | undefined>;
  /** Removing an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** Only when `capabilities.presignedUrls`. */
  presignGet?(key: string, options: { expiresInSeconds: number; fileName?: string }): Promise<string>;
  /** Checks that the store is reachable and writable; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Where the bytes of resumable uploads (tus) wait until they are complete: appended chunk by chunk,
 * kept when a connection breaks, then read once into the BlobStore and removed. Ids are the
 * platform's own upload ids, never a name or path from a client; adapters refuse anything else.
 */
export interface UploadStaging {
  /**
   * Appends `body` at `offset` and resolves with the new offset: the bytes received, also when the
   * body broke off half-way (a client's connection cut keeps what arrived). Bytes past `offset`
   * from an attempt that died before it could record them are dropped first. Throws `conflict`
   * when fewer than `offset` bytes are staged, and `payload_too_large` (keeping nothing of this
   * body) when it brings more than `maxBytes`.
   */
  append(id: string, offset: number, body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<number>;
  /** The staged bytes, from the start. Throws `not_found` when nothing is staged under `id`. */
  read(id: string): Promise<Readable>;
  /** Removing an absent id is not an error. */
  remove(id: string): Promise<void>;
}

export interface EnqueueOptions {
  /** A second enqueue with the same key returns the first job instead of adding another. */
  idempotencyKey?: string;
  /** Not before this time. */
  runAt?: Date;
  maxAttempts?: number;
  /** Higher runs first. */
  priority?: number;
}

/** The side of the job queue services see: they ask for work to be done later. */
export interface JobQueue {
  enqueue(name: string, payload: unknown, options?: EnqueueOptions): Promise<{ id: string; created: boolean }>;
}

export interface OidcLoginChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcVerifiedClaims {
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
}

/** An OpenID Connect identity provider, for deployments that sign people in through one. */
export interface OidcProvider {
  readonly issuer: string;
  /** The provider's authorization URL to send the browser to, and what to check when it comes back. */
  beginLogin(redirectUri: string): Promise<{ url: string; checks: OidcLoginChecks }>;
  /** Exchanges the code in the callback URL and verifies the ID token (signature, issuer, audience, nonce, expiry). */
  finishLogin(callbackUrl: URL, checks: OidcLoginChecks): Promise<OidcVerifiedClaims>;
}

/** What a module's job handler is told about the attempt it runs. */
export interface JobRunContext {
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when this worker lost the job's lease to another: stop at once. */
  signal: AbortSignal;
}

/**
 * A module's background job: its name (`<module>.<verb>`) and an idempotent handler, since a job
 * whose worker died is run again by another. The server registers these with the worker.
 */
export interface JobSpec<P = unknown> {
  name: string;
  handler: (payload: P, ctx: JobRunContext) => Promise<unknown>;
  maxAttempts?: number;
  leaseMs?: number;
  parse?: (raw: unknown) => P;
}

/** A job enqueued on a schedule: at most once per period across every worker, by idempotency key. */
export interface ScheduledJob {
  name: string;
  everyMs: number;
  payload?: unknown;
}

/** What an HTTP GET answered: its status, headers and body (read once, as JSON or as text). */
export interface HttpResponse {
  status: number;
  /** The address that answered (the last one, after any redirect the adapter followed and checked). */
  url: string;
  /** A response header, case-insensitive; null when absent. */
  header(name: string): string | null;
  /** The body as JSON; throws on invalid JSON. */
  json(): Promise<unknown>;
  /** The body as text (UTF-8 unless the content type names another charset). */
  text(): Promise<string>;
}

export interface HttpFetchOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** The Accept header; default `application/json`. */
  accept?: string;
}

/**
 * An HTTP GET of another system's resource, for services that read other systems (harvesting
 * CKAN portals and DCAT catalogs). The timeout covers the whole exchange, body included.
 *
 * Rejects with an error named `TimeoutError` when no answer came within `timeoutMs`, with an
 * `AbortError` when `signal` aborted, and with an `OutboundRefusedError` when the adapter's
 * outbound policy refuses the address (say a host that resolves to a private address, or a
 * redirect to one): trying again will not help.
 */
export type HttpFetch = (url: string, options: HttpFetchOptions) => Promise<HttpResponse>;

/**
 * Whether the platform may fetch a URL, checked before anything is stored (say when a harvest
 * source is added): null when it may, else the reason it may not (not http(s); its host resolves
 * to a loopback, private, link-local or unique-local address while the deployment does not allow
 * those). `HttpFetch` checks again at fetch time, after DNS resolution.
 */
export type OutboundUrlCheck = (url: string) => Promise<string | null>;

/** What was used, by whom, under what, and how much: one usage event (issue 8 records them, issue 9 keeps them verifiably). */
export interface UsageEventInput {
  /**
   * The same use retried (a re-sent request, a job run twice, a restart) carries the same key and
   * is recorded once.
   */
  idempotencyKey: string;
  /** 'download' (a whole file), 'range' (a byte range of one), 'archive' (a whole release), later safe-zone reads. */
  kind: string;
  datasetId: string;
  releaseId?: string | null;
  /** The file within the release. */
  path?: string | null;
  orgId?: string | null;
  userId?: string | null;
  grantId?: string | null;
  purpose?: string | null;
  quantity: number;
  unit: 'bytes' | 'records' | 'tokens' | 'compute_seconds';
  /** ISO 8601; when the use completed. */
  occurredAt: string;
}

/** Where usage events go: recorded durably (acknowledged = survives a crash) and exactly once per idempotency key. */
export interface UsageRecorder {
  /** `duplicate`: the key was recorded before (nothing new was written); `seq`: the event's place in the record. */
  record(event: UsageEventInput): Promise<{ seq: number; duplicate: boolean }>;
}
