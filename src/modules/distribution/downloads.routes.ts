/**
 * HTTP for downloads (issue 8, points 3 and 4): released files with HTTP Range (resume), checksums
 * in headers, presigned URLs on S3, a whole release as a streamed tar, previews, fair sharing of
 * bandwidth, and a usage event for every completed download or range.
 *
 * Usage is recorded when the whole response body has been written (the response's `finish`), not
 * when it starts: a transfer the client aborts records nothing, and its resumption (a Range
 * request) is recorded when it completes. Each completion is recorded once under a key made of the
 * request id and a nonce of this server (a client may send its own X-Request-Id, so the request id
 * alone could be replayed to hide a use).
 */
import { pipeline, Transform, type Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../core/errors.js';
import { uuidv7 } from '../../core/ids.js';
import { attachment } from '../refinery/analysis.routes.js';
import { commonErrors, problemSchema, type ApiApp } from '../shared/http.js';
import { downloadQuerySchema, idParamsSchema, previewSchema, releaseFileParamsSchema } from './access.schema.js';
import type { DownloadAuthority } from './access.service.js';
import { throttle, type BandwidthShares, type DownloadSlot } from './bandwidth.js';
import type { ReleaseRow } from './distribution.tables.js';
import { decideRange, type DownloadsService } from './downloads.service.js';

export interface DownloadRoutesDeps {
  downloads: DownloadsService;
  shares: BandwidthShares;
}

/** RFC 9530 `Repr-Digest` for a SHA-256 given in hex. */
export function reprDigest(sha256Hex: string): string {
  return `sha-256=:${Buffer.from(sha256Hex, 'hex').toString('base64')}:`;
}

/** Whose share of the bandwidth a request draws from: the signed-in user, else the client address. */
function shareKey(request: FastifyRequest): string {
  return request.actor.kind === 'user' ? `user:${request.actor.userId}` : `ip:${request.ip}`;
}

const RETRY_AFTER_SECONDS = 5;

function takeSlot(request: FastifyRequest, reply: FastifyReply, shares: BandwidthShares): DownloadSlot {
  const slot = shares.acquire(shareKey(request));
  if (!slot) {
    void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    throw new AppError(
      'rate_limited',
      `At most ${shares.policy.maxConcurrent} downloads at a time per person: wait for one to finish / 동시에 내려받을 수 있는 개수를 넘었습니다`,
    );
  }
  return slot;
}

interface Metered {
  kind: 'download' | 'range' | 'archive';
  release: ReleaseRow;
  path: string | null;
  authority: DownloadAuthority;
  /** What the event records. */
  quantity: number;
  /** Bytes the body must carry to count as complete (undefined: whatever the stream gave, ended normally). */
  expectedBytes: number | undefined;
}

/**
 * Streams `source` as the reply body through the person's rate limit and a byte counter; records
 * the usage event once the response has finished with every byte, and frees the slot either way.
 */
function meteredBody(
  request: FastifyRequest,
  reply: FastifyReply,
  downloads: DownloadsService,
  slot: DownloadSlot,
  source: Readable,
  metered: Metered,
): Readable {
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sent += chunk.length;
      callback(null, chunk);
    },
  });
  let failed = false;
  const onError = (error: NodeJS.ErrnoException | null) => {
    if (error) failed = true;
  };
  const body = slot.bucket ? pipeline(source, throttle(slot.bucket), counter, onError) : pipeline(source, counter, onError);
  const key = `${metered.kind}:${request.id}:${uuidv7()}`;
  reply.raw.once('close', () => slot.release());
  reply.raw.once('finish', () => {
    slot.release();
    const complete = !failed && counter.readableEnded && (metered.expectedBytes === undefined || sent === metered.expectedBytes);
    if (!complete) {
      request.log.warn({ sent, expected: metered.expectedBytes }, 'download ended incomplete: no usage recorded');
      return;
    }
    void recordWithRetry(request, downloads, {
      idempotencyKey: key,
      kind: metered.kind,
      datasetId: metered.release.dataset_id,
      releaseId: metered.release.id,
      path: metered.path,
      orgId: metered.authority.orgId,
      userId: metered.authority.userId,
      grantId: metered.authority.grantId,
      purpose: metered.authority.purpose,
      quantity: metered.quantity,
    });
  });
  return body;
}

async function recordWithRetry(
  request: FastifyRequest,
  downloads: DownloadsService,
  event: Parameters<DownloadsService['recordUsage']>[0],
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // The same key each time: a retry after a lost acknowledgement is recorded once.
      await downloads.recordUsage(event);
      return;
    } catch (error) {
      if (attempt >= 3) {
        request.log.error({ err: error, usage: event }, 'a usage event could not be recorded');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

export function registerDownloadRoutes(app: ApiApp, { downloads, shares }: DownloadRoutesDeps): void {
  const tags = ['downloads'];
  const scope = app.withTypeProvider<ZodTypeProvider>();
  const errors = { ...commonErrors, 416: problemSchema, 429: problemSchema };

  // GET and HEAD in one route: Fastify's own HEAD route would replace the Content-Length with 0.
  scope.route({
    method: ['GET', 'HEAD'],
    url: '/api/v1/releases/:id/files/*',
    schema: {
      tags,
      summary: 'Download one file of a release (Range for resume; checksums in ETag, Repr-Digest and X-Checksum-SHA256)',
      description:
        'Open releases: anonymous when the release needs no account, else after accepting its licence. Conditional: a grant of your organisation in force. Safe zone: never (403). ' +
        'A single `Range: bytes=…` gives 206 with Content-Range (416 with `bytes */size` past the end); `If-Range` with the ETag is honoured. ' +
        '`?redirect=1` on an S3 store answers 302 to a presigned URL after the same checks. Beyond the concurrent downloads allowed per person: 429 with Retry-After.',
      params: releaseFileParamsSchema,
      querystring: downloadQuerySchema,
    },
    handler: async (request, reply) => {
      const { release, file, authority } = await downloads.resolveFile(request.actor, request.params.id, request.params['*']);
      const etag = `"${file.sha256}"`;
      void reply
        .header('accept-ranges', 'bytes')
        .header('etag', etag)
        .header('repr-digest', reprDigest(file.sha256))
        .header('x-checksum-sha256', file.sha256)
        .header('content-disposition', attachment(file.path.split('/').pop() ?? file.path))
        .header('last-modified', new Date(release.created_at).toUTCString())
        .header('cache-control', 'private, no-cache');

      const ifNoneMatch = request.headers['if-none-match'];
      if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
        return reply.code(304).send();
      }

      const redirect = request.query.redirect === '1' || request.query.redirect === 'true';
      if (redirect && request.method === 'GET') {
        const url = await downloads.presignedUrl(file);
        if (url !== undefined) {
          // The store serves the bytes: the use is counted when the URL is handed out (the server never sees the transfer end).
          await recordWithRetry(request, downloads, {
            idempotencyKey: `download:${request.id}:${uuidv7()}`,
            kind: 'download',
            datasetId: release.dataset_id,
            releaseId: release.id,
            path: file.path,
            orgId: authority.orgId,
            userId: authority.userId,
            grantId: authority.grantId,
            purpose: authority.purpose,
            quantity: file.size,
          });
          return reply.code(302).header('cache-control', 'no-store').header('location', url).send();
        }
      }

      const ifRange = request.headers['if-range'];
      const range = decideRange(request.headers.range, file.size, typeof ifRange === 'string' ? ifRange : undefined, etag);
      if (range.kind === 'unsatisfiable') {
        return reply
          .code(416)
          .header('content-range', `bytes */${file.size}`)
          .type('application/problem+json')
          .send({
            type: 'urn:datadam:problem:range_not_satisfiable',
            title: 'Range not satisfiable',
            status: 416,
            detail: `The range ${request.headers.range ?? ''} is outside the file's ${file.size} bytes`,
            instance: request.url.split('?')[0],
            code: 'range_not_satisfiable',
            requestId: request.id,
          });
      }
      const length = range.kind === 'partial' ? range.end - range.start + 1 : file.size;
      void reply.type(file.media_type).header('content-length', String(length));
      if (range.kind === 'partial') void reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${file.size}`);
      if (request.method === 'HEAD') return reply.send();

      const slot = takeSlot(request, reply, shares);
      let source: Readable;
      try {
        source = await downloads.open(file, range.kind === 'partial' ? range : undefined);
      } catch (error) {
        slot.release();
        throw error;
      }
      return reply.send(
        meteredBody(request, reply, downloads, slot, source, {
          kind: range.kind === 'partial' ? 'range' : 'download',
          release,
          path: file.path,
          authority,
          quantity: length,
          expectedBytes: length,
        }),
      );
    },
  });

  scope.get(
    '/api/v1/releases/:id/archive',
    {
      schema: {
        tags,
        summary: 'The whole release as one tar, streamed, with a SHA256SUMS file inside (the same rights as each file)',
        params: idParamsSchema,
      },
    },
    async (request, reply) => {
      const archive = await downloads.archive(request.actor, request.params.id);
      let slot: DownloadSlot;
      try {
        slot = takeSlot(request, reply, shares);
      } catch (error) {
        archive.stream.destroy();
        throw error;
      }
      const { release, authority, files, stream } = archive;
      const name = `${release.title}-${release.semver}.tar`;
      void reply.type('application/x-tar').header('content-disposition', attachment(name)).header('cache-control', 'private, no-cache');
      return reply.send(
        meteredBody(request, reply, downloads, slot, stream, {
          kind: 'archive',
          release,
          path: null,
          authority,
          quantity: files.reduce((sum, f) => sum + f.size, 0),
          expectedBytes: undefined,
        }),
      );
    },
  );

  scope.get(
    '/api/v1/releases/:id/preview/*',
    {
      schema: {
        tags,
        summary:
          'The first 20 rows of a tabular file (CSV, TSV, JSON Lines, Parquet) or the first characters of a text file, where the tier allows a download',
        params: releaseFileParamsSchema,
        response: { 200: previewSchema, ...errors },
      },
    },
    async (request) => downloads.preview(request.actor, request.params.id, request.params['*']),
  );
}
