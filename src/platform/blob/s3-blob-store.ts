/**
 * The scale-out blob store: content-addressed objects in any S3-compatible bucket, under
 * `prefix + ab/cd/<key>`.
 *
 * The key is the content's hash, known only once the last byte has arrived, so a put spools to a
 * local temp file first and uploads from there; the spool also lets a retry re-read the bytes.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  type GetObjectCommandOutput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { BlobConfig } from '../../core/config.js';
import { AppError } from '../../core/errors.js';
import type { BlobInfo, BlobStore, BlobStoreCapabilities, ByteRange, PutOptions } from '../../core/ports.js';
import { blobNotFound, keyMismatch, spoolToFile } from './fs-blob-store.js';
import { assertBlobKey, assertByteRange, blobKeyPath, clampByteRange, formatRange, rangeNotSatisfiable } from './keys.js';

export type S3BlobStoreOptions = Omit<Extract<BlobConfig, { kind: 's3' }>, 'kind'>;

const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;
/** Tries of a conditional upload that S3 answered with 409 (another conditional write raced it). */
const CONFLICT_RETRIES = 3;
// Clients may fetch straight from the store with a time-limited signed URL, sparing the API the bytes.
const CAPABILITIES: BlobStoreCapabilities = Object.freeze({ presignedUrls: true });
/** S3 refuses presigned URLs valid for longer than seven days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

/** Opens a blob store on an S3-compatible bucket; the bucket must exist already. */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const { bucket } = options;
  const prefix = options.prefix === '' || options.prefix.endsWith('/') ? options.prefix : `${options.prefix}/`;
  const config: S3ClientConfig = {
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    // The SDK's default CRC checksums are not understood by every S3-compatible store; the key is a hash anyway.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // Without explicit keys the SDK's own chain applies (environment, profile, instance role).
    ...(options.accessKeyId && options.secretAccessKey
      ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
      : {}),
  };
  const client = new S3Client(config);
  // `If-None-Match: *` makes concurrent uploads of one key create it once; stores that reject the
  // header (501) get plain uploads after the first refusal.
  let conditionalWrites = true;

  function objectKey(key: string): string {
    assertBlobKey(key);
    return prefix + blobKeyPath(key);
  }

  async function headSize(key: string): Promise<number | undefined> {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Uploads the spooled file; false when the object turned out to exist already. */
  async function upload(file: string, key: string, size: number): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const conditional = conditionalWrites;
      const body = createReadStream(file, { highWaterMark: 1024 * 1024 });
      try {
        await new Upload({
          client,
          params: {
            Bucket: bucket,
            Key: objectKey(key),
            Body: body,
            ContentLength: size,
            ContentType: 'application/octet-stream',
            ...(conditional ? { IfNoneMatch: '*' } : {}),
          },
          partSize: PART_SIZE,
          queueSize: QUEUE_SIZE,
        }).done();
        return true;
      } catch (error) {
        const status = httpStatus(error);
        if (conditional && status === 412) return false;
        if (conditional && status === 501) conditionalWrites = false;
        else if (!(conditional && status === 409 && attempt < CONFLICT_RETRIES)) throw error;
      } finally {
        body.destroy();
      }
    }
  }

  return {
    capabilities: CAPABILITIES,

    async put(body, putOptions: PutOptions = {}) {
      if (putOptions.expectedKey !== undefined) assertBlobKey(putOptions.expectedKey);
      const temp = path.join(os.tmpdir(), `datadam-s3-put-${randomUUID()}`);
      try {
        const { key, size } = await spoolToFile(body, temp, { maxBytes: putOptions.maxBytes, fsync: false });
        if (putOptions.expectedKey !== undefined && key !== putOptions.expectedKey) throw keyMismatch(putOptions.expectedKey, key);
        // A HEAD first saves re-sending bytes the store already has, the common case for re-uploads.
        if ((await headSize(key)) !== undefined) return { key, size, created: false };
        const created = await upload(temp, key, size);
        return { key, size, created };
      } finally {
        await rm(temp, { force: true }).catch(() => undefined);
      }
    },

    async get(key, range?: ByteRange) {
      const Key = objectKey(key);
      if (range) assertByteRange(range);
      let reply: GetObjectCommandOutput;
      try {
        reply = await client.send(new GetObjectCommand({ Bucket: bucket, Key, ...(range ? { Range: formatRange(range) } : {}) }));
      } catch (error) {
        if (isNotFound(error)) throw blobNotFound(key);
        if (range && httpStatus(error) === 416) {
          const size = await headSize(key);
          throw size === undefined ? blobNotFound(key) : rangeNotSatisfiable(range, size);
        }
        throw error;
      }
      const body = asReadable(reply.Body);
      return range ? fitToRange(body, range, reply) : body;
    },

    async stat(key): Promise<BlobInfo | undefined> {
      const size = await headSize(key);
      return size === undefined ? undefined : { key, size };
    },

    async delete(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
      } catch (error) {
        // S3 answers 204 for an absent key; some compatible stores say 404 instead.
        if (!isNotFound(error)) throw error;
      }
    },

    async presignGet(key, { expiresInSeconds, fileName }) {
      assertBlobKey(key);
      if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
        throw new AppError('bad_request', `A presigned URL lives 1 to ${MAX_PRESIGN_SECONDS} seconds, not ${expiresInSeconds}`);
      }
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: objectKey(key),
        ...(fileName ? { ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}` } : {}),
      });
      return getSignedUrl(client, command, { expiresIn: expiresInSeconds });
    },

    async ping() {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    },

    async close() {
      client.destroy();
    },
  };
}

/**
 * Makes a ranged reply exactly the range asked for. Stores may ignore `Range` (a 200 with the whole
 * object) or serve more than asked (s3rver reads `bytes=0-0` as "to the end"), and some serve an
 * empty object's range instead of refusing it; HTTP allows the first, and callers must not see any.
 */
function fitToRange(body: Readable, range: ByteRange, reply: GetObjectCommandOutput): Readable {
  const served = parseContentRange(reply.ContentRange);
  const size = served?.size ?? reply.ContentLength;
  if (size === undefined) return body;
  let want: { start: number; end: number };
  try {
    want = clampByteRange(range, size);
  } catch (error) {
    body.destroy();
    throw error;
  }
  const start = served?.start ?? 0;
  const end = served?.end ?? size - 1;
  if (start === want.start && end === want.end) return body;
  if (start > want.start || end < want.end) {
    body.destroy();
    throw new AppError('internal', `The object store served bytes ${start}-${end} when asked for ${want.start}-${want.end}`);
  }
  return Readable.from(slice(body, want.start - start, want.end - want.start + 1), { objectMode: false });
}

/** Skips `skip` bytes and yields the next `take`; returning early destroys the source. */
async function* slice(source: Readable, skip: number, take: number): AsyncGenerator<Buffer> {
  if (take <= 0) return;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    const from = Math.min(skip, chunk.byteLength);
    skip -= from;
    const part = chunk.subarray(from, from + take);
    take -= part.byteLength;
    if (part.byteLength > 0) yield part;
    if (take <= 0) return;
  }
}

function parseContentRange(header: string | undefined): { start: number; end: number; size: number | undefined } | undefined {
  const match = header ? /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim()) : null;
  if (!match) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), size: match[3] === '*' ? undefined : Number(match[3]) };
}

function asReadable(body: GetObjectCommandOutput['Body']): Readable {
  if (body === undefined) return Readable.from([]);
  if (body instanceof Readable) return body;
  throw new AppError('internal', 'The S3 client returned a body that is not a Node stream');
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = error.$metadata;
  return typeof metadata === 'object' && metadata !== null && 'httpStatusCode' in metadata && typeof metadata.httpStatusCode === 'number'
    ? metadata.httpStatusCode
    : undefined;
}

/** An absent object; a missing bucket is a broken setup, not a missing blob (HEAD cannot tell them apart). */
function isNotFound(error: unknown): boolean {
  const name = error instanceof Error ? error.name : undefined;
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || httpStatus(error) === 404;
}
