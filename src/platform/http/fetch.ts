/**
 * The `HttpFetch` port over node:http and node:https, with a per-request timeout and the outbound
 * policy of outbound.ts: every address a name resolves to is checked at connect time (so a DNS
 * answer that changes between a check and the connection, "DNS rebinding", is caught), redirects are
 * followed by hand, a few at most, each one checked again, and the answer's size is capped.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import zlib from 'node:zlib';
import type { HttpFetch, HttpResponse, OutboundUrlCheck } from '../../core/ports.js';
import {
  addressPolicy,
  assertAllowedAddress,
  checkOutboundUrl,
  guardedLookup,
  hostOf,
  OutboundRefusedError,
  type AddressPolicy,
} from './outbound.js';

export { OutboundRefusedError } from './outbound.js';

export interface NodeFetchOptions {
  /** Allow loopback, private, link-local and unique-local addresses (tests, demos, intranets). Default false. */
  allowPrivate?: boolean;
  /** Decides which addresses may be reached instead (tests); overrides `allowPrivate`. */
  policy?: AddressPolicy;
  /** Redirects followed (each checked) before giving up; default 5. */
  maxRedirects?: number;
  /** The largest answer read, decompressed; default 64 MiB. */
  maxBytes?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function charsetOf(contentType: string | null): string {
  return /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType ?? '')?.[1] ?? 'utf-8';
}

function decode(body: Buffer, contentType: string | null): string {
  try {
    return new TextDecoder(charsetOf(contentType)).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

/**
 * The HTTP client the platform reads other systems with, and the check that goes with it.
 *
 * @example const { fetch, check } = createNodeFetch({ allowPrivate: false }); await check('http://10.0.0.1/') // '10.0.0.1 is a private address; …'
 */
export function createNodeFetch(options: NodeFetchOptions = {}): { fetch: HttpFetch; check: OutboundUrlCheck } {
  const policy = options.policy ?? addressPolicy(options.allowPrivate === true);
  const maxRedirects = options.maxRedirects ?? 5;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const lookup = guardedLookup(policy);

  /** One exchange, no redirect followed; the body read whole, within `signal`. */
  function exchange(url: URL, accept: string, signal: AbortSignal): Promise<RawAnswer> {
    return new Promise<RawAnswer>((resolve, reject) => {
      const host = hostOf(url);
      if (net.isIP(host) !== 0) {
        // No name to resolve: node:net calls no lookup, so check the literal here.
        try {
          assertAllowedAddress(host, host, policy);
        } catch (error) {
          reject(error as Error);
          return;
        }
      }
      if (signal.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const client = url.protocol === 'https:' ? https : http;
      const request = client.request(url, {
        method: 'GET',
        agent: false,
        lookup,
        headers: { accept, 'accept-encoding': 'gzip, deflate, br', 'user-agent': 'datadam-harvester' },
      });
      const onAbort = () => request.destroy(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      const fail = (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(signal.aborted ? (signal.reason as Error) : error);
      };
      request.on('error', fail);
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        if (REDIRECTS.has(status)) {
          // Only the Location matters; the body is dropped.
          response.resume();
          signal.removeEventListener('abort', onAbort);
          resolve({ status, headers: response.headers, body: Buffer.alloc(0) });
          return;
        }
        const encoding = String(response.headers['content-encoding'] ?? '').toLowerCase();
        const stream =
          encoding === 'gzip' || encoding === 'x-gzip'
            ? response.pipe(zlib.createGunzip())
            : encoding === 'deflate'
              ? response.pipe(zlib.createInflate())
              : encoding === 'br'
                ? response.pipe(zlib.createBrotliDecompress())
                : response;
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            fail(new OutboundRefusedError(`the answer is larger than ${maxBytes} bytes`));
            request.destroy();
            return;
          }
          chunks.push(chunk);
        });
        stream.on('error', fail);
        response.on('error', fail);
        stream.on('end', () => {
          signal.removeEventListener('abort', onAbort);
          resolve({ status, headers: response.headers, body: Buffer.concat(chunks) });
        });
      });
      request.end();
    });
  }

  const fetch: HttpFetch = async (url, { timeoutMs, signal, accept }) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
    let current = new URL(url);
    for (let hop = 0; ; hop++) {
      if (current.protocol !== 'http:' && current.protocol !== 'https:') {
        throw new OutboundRefusedError(`only http and https URLs are fetched, not ${current.protocol}`);
      }
      const answer = await exchange(current, accept ?? 'application/json', combined);
      const location = answer.headers.location;
      if (REDIRECTS.has(answer.status) && typeof location === 'string') {
        if (hop >= maxRedirects) throw new OutboundRefusedError(`more than ${maxRedirects} redirects`);
        current = new URL(location, current);
        continue;
      }
      const header = (name: string): string | null => {
        const value = answer.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      };
      const text = () => decode(answer.body, header('content-type'));
      const response: HttpResponse = {
        status: answer.status,
        url: current.toString(),
        header,
        text: () => Promise.resolve(text()),
        json: () => Promise.resolve().then(() => JSON.parse(text()) as unknown),
      };
      return response;
    }
  };

  return { fetch, check: (url) => checkOutboundUrl(url, policy) };
}

/**
 * The public-addresses-only client.
 *
 * @example const reply = await nodeFetch('https://example.org/api/3/action/status_show', { timeoutMs: 10_000 });
 */
export const nodeFetch: HttpFetch = createNodeFetch().fetch;
