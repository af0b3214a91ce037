/**
 * The HttpFetch adapter and its outbound policy (SSRF guard), against a local server: private
 * addresses refused as literals, through DNS (at connect time) and behind a redirect; redirects
 * followed a few at most and only to http(s); timeouts, aborts, compressed and oversized answers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeFetch } from './fetch.js';
import { addressPolicy, checkOutboundUrl, nonPublicReason } from './outbound.js';

let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/ok':
        res.writeHead(200, { 'content-type': 'application/json', link: '</ok?page=2>; rel="next"' }).end('{"ok":true}');
        return;
      case '/gzip':
        res.writeHead(200, { 'content-type': 'text/turtle; charset=utf-8', 'content-encoding': 'gzip' }).end(gzipSync('<a> <b> "가" .'));
        return;
      case '/big':
        res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(4096));
        return;
      case '/to-ok':
        res.writeHead(302, { location: '/ok' }).end();
        return;
      case '/to-private':
        res.writeHead(302, { location: `http://127.0.0.2:${port}/ok` }).end();
        return;
      case '/to-file':
        res.writeHead(301, { location: 'file:///etc/passwd' }).end();
        return;
      case '/loop':
        res.writeHead(302, { location: '/loop' }).end();
        return;
      case '/hang':
        return;
      default:
        res.writeHead(404).end();
    }
  });
  // Every loopback address (127.0.0.2 included) reaches it.
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

/** Reaches 127.0.0.1 (the test server) and nothing else that is not public. */
const onlyTheTestServer = (address: string) => (address === '127.0.0.1' ? null : nonPublicReason(address));

const errorOf = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
};

describe('outbound policy', () => {
  it('names what is not a public address', () => {
    const cases: Array<[string, string | null]> = [
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['169.254.169.254', 'link-local'],
      ['100.64.0.1', 'shared (CGNAT)'],
      ['0.0.0.0', 'unspecified'],
      ['224.0.0.1', 'multicast'],
      ['::1', 'loopback'],
      ['::', 'unspecified'],
      ['fe80::1', 'link-local'],
      ['fd12:3456::1', 'unique-local'],
      ['fc00::1', 'unique-local'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['::ffff:10.0.0.1', 'private'],
      ['64:ff9b::a00:1', 'private'],
      ['2002:c0a8:101::1', 'private'],
      ['8.8.8.8', null],
      ['172.32.0.1', null],
      ['93.184.216.34', null],
      ['2606:4700:4700::1111', null],
      ['::ffff:8.8.8.8', null],
    ];
    for (const [ip, reason] of cases) expect([ip, nonPublicReason(ip)]).toEqual([ip, reason]);
  });

  it('checks a URL before anything is stored: scheme, credentials, literals and names', async () => {
    const strict = addressPolicy(false);
    expect(await checkOutboundUrl('ftp://example.org/', strict)).toMatch(/http and https/);
    expect(await checkOutboundUrl('http://user:pw@example.org/', strict)).toMatch(/credentials/);
    expect(await checkOutboundUrl('http://127.0.0.1:8080/api', strict)).toMatch(/127\.0\.0\.1 is a loopback address/);
    expect(await checkOutboundUrl('http://10.0.0.7/', strict)).toMatch(/private address/);
    expect(await checkOutboundUrl('http://[::1]:8080/', strict)).toMatch(/::1 is a loopback address/);
    expect(await checkOutboundUrl('http://[fd00::1]/', strict)).toMatch(/unique-local/);
    expect(await checkOutboundUrl('http://localhost:8080/', strict)).toMatch(/localhost resolves to .* loopback address/);
    expect(await checkOutboundUrl('http://no-such-host.invalid/', strict)).toMatch(/does not resolve/);
    expect(await checkOutboundUrl('http://93.184.216.34/', strict)).toBeNull();
    expect(await checkOutboundUrl('http://127.0.0.1:8080/api', addressPolicy(true))).toBeNull();
  });
});

describe('nodeFetch', () => {
  it('refuses a private address at fetch time, as a literal and through DNS', async () => {
    const { fetch } = createNodeFetch({ allowPrivate: false });
    const literal = await errorOf(fetch(`http://127.0.0.1:${port}/ok`, { timeoutMs: 2000 }));
    expect(literal.name).toBe('OutboundRefusedError');
    expect(literal.message).toMatch(/loopback/);
    // A name is checked on the very addresses the socket connects to (no DNS rebinding window).
    const named = await errorOf(fetch(`http://localhost:${port}/ok`, { timeoutMs: 2000 }));
    expect(named.name).toBe('OutboundRefusedError');
    expect(named.message).toMatch(/localhost resolves to/);
  });

  it('reads status, headers, the final URL and the body as JSON or text', async () => {
    const { fetch } = createNodeFetch({ allowPrivate: true });
    const response = await fetch(`http://127.0.0.1:${port}/to-ok`, { timeoutMs: 2000 });
    expect(response.status).toBe(200);
    expect(response.url).toBe(`http://127.0.0.1:${port}/ok`);
    expect(response.header('Content-Type')).toBe('application/json');
    expect(response.header('link')).toContain('rel="next"');
    expect(await response.json()).toEqual({ ok: true });
    const gz = await fetch(`http://127.0.0.1:${port}/gzip`, { timeoutMs: 2000, accept: 'text/turtle' });
    expect(await gz.text()).toBe('<a> <b> "가" .');
    expect((await fetch(`http://127.0.0.1:${port}/nothing`, { timeoutMs: 2000 })).status).toBe(404);
  });

  it('checks every redirect again: no private address, no other scheme, no endless loop', async () => {
    const { fetch } = createNodeFetch({ policy: onlyTheTestServer });
    expect((await fetch(`http://127.0.0.1:${port}/to-ok`, { timeoutMs: 2000 })).status).toBe(200);
    const toPrivate = await errorOf(fetch(`http://127.0.0.1:${port}/to-private`, { timeoutMs: 2000 }));
    expect(toPrivate.name).toBe('OutboundRefusedError');
    expect(toPrivate.message).toMatch(/127\.0\.0\.2 is a loopback address/);
    const toFile = await errorOf(fetch(`http://127.0.0.1:${port}/to-file`, { timeoutMs: 2000 }));
    expect(toFile.name).toBe('OutboundRefusedError');
    expect(toFile.message).toMatch(/file:/);
    const loop = await errorOf(fetch(`http://127.0.0.1:${port}/loop`, { timeoutMs: 2000 }));
    expect(loop.message).toMatch(/more than 5 redirects/);
  });

  it('times out, aborts, and caps the size of an answer', async () => {
    const { fetch } = createNodeFetch({ allowPrivate: true, maxBytes: 1000 });
    const started = Date.now();
    expect((await errorOf(fetch(`http://127.0.0.1:${port}/hang`, { timeoutMs: 200 }))).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(2000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect((await errorOf(fetch(`http://127.0.0.1:${port}/hang`, { timeoutMs: 5000, signal: controller.signal }))).name).toBe('AbortError');
    const big = await errorOf(fetch(`http://127.0.0.1:${port}/big`, { timeoutMs: 2000 }));
    expect(big.name).toBe('OutboundRefusedError');
    expect(big.message).toMatch(/larger than 1000 bytes/);
  });
});
