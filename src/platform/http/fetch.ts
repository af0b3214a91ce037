/** The `HttpFetch` port over Node's own `fetch`, with a per-request timeout. */
import type { HttpFetch } from '../../core/ports.js';

/**
 * GETs JSON with Node's `fetch`; the timeout covers the whole exchange, body included.
 *
 * @example const reply = await nodeFetch('https://example.org/api/3/action/status_show', { timeoutMs: 10_000 });
 */
export const nodeFetch: HttpFetch = async (url, { timeoutMs, signal }) => {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
  const response = await fetch(url, { signal: combined, headers: { accept: 'application/json', 'user-agent': 'datadam-harvester' } });
  return {
    status: response.status,
    json: () => response.json() as Promise<unknown>,
  };
};
