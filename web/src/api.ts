// The one way the web app talks to the server: JSON over /api/v1, problem+json errors (RFC 9457),
// the session cookie sent by the browser, and the CSRF token on every unsafe request.

import type { components, paths } from './api-schema';

export type { components, paths };

/** A named schema of the API (web/src/api-schema.ts, generated from the server's OpenAPI document). */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

type Json<Content> = Content extends { content: { 'application/json': infer T } } ? T : never;

/**
 * The JSON body of an operation's success response (200, else 201, else 202).
 * @example type Releases = ResponseOf<'/api/v1/datasets/{datasetId}/releases'>; // { items: Release[] }
 */
export type ResponseOf<
  Path extends keyof paths,
  Method extends keyof paths[Path] = 'get' & keyof paths[Path],
> = paths[Path][Method] extends {
  responses: infer R;
}
  ? R extends { 200: infer Ok }
    ? Json<Ok>
    : R extends { 201: infer Created }
      ? Json<Created>
      : R extends { 202: infer Accepted }
        ? Json<Accepted>
        : never
  : never;

/**
 * The JSON request body of an operation.
 * @example type NewRelease = BodyOf<'/api/v1/releases', 'post'>;
 */
export type BodyOf<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends {
  requestBody?: infer Body;
}
  ? Json<NonNullable<Body>>
  : never;

/** The query parameters of an operation. */
export type QueryOf<Path extends keyof paths, Method extends keyof paths[Path] = 'get' & keyof paths[Path]> = paths[Path][Method] extends {
  parameters: { query?: infer Query };
}
  ? NonNullable<Query>
  : never;

export type Locale = Schema<'User'>['locale'];

export type User = Schema<'User'>;

export type Membership = Schema<'Membership'>;

/** What `GET /api/v1/auth/me` and `POST /api/v1/auth/login` return. */
export type Session = Schema<'Me'>;

export type Org = Schema<'Organization'>;

/** One field the server found wrong (RFC 9457 extension `problems`). */
export type FieldProblem = NonNullable<Schema<'Problem'>['problems']>[number];

/** An error the API answered with, or a failure to reach it (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    /** The human explanation from the server, meant to be shown to the user. */
    readonly detail: string | undefined,
    readonly type?: string,
    /** The fields the server found wrong, to show next to them. */
    readonly problems: FieldProblem[] = [],
  ) {
    super(detail ?? title);
    this.name = 'ApiError';
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The token of the current session; the server checks it on every unsafe request. */
let csrfToken: string | undefined;

export function rememberSession(session: Session | null): void {
  csrfToken = session?.csrfToken;
}

interface Problem {
  type?: unknown;
  title?: unknown;
  detail?: unknown;
  problems?: unknown;
}

function fieldProblems(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  const out: FieldProblem[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { field, message, messageKo } = item as Record<string, unknown>;
    if (typeof field !== 'string' || typeof message !== 'string') continue;
    out.push(typeof messageKo === 'string' ? { field, message, messageKo } : { field, message });
  }
  return out;
}

async function toApiError(res: Response): Promise<ApiError> {
  let problem: Problem = {};
  if ((res.headers.get('content-type') ?? '').includes('json')) {
    try {
      problem = (await res.json()) as Problem;
    } catch {
      // An unreadable body: keep the status.
    }
  }
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  return new ApiError(
    res.status,
    text(problem.title) ?? res.statusText,
    text(problem.detail),
    text(problem.type),
    fieldProblems(problem.problems),
  );
}

/**
 * Sends a request to the API and returns its JSON body (undefined for 204).
 * @example const { items } = await api<ResponseOf<'/api/v1/orgs'>>('/api/v1/orgs');
 */
export async function api<T>(
  path: string,
  init: {
    method?: string;
    body?: unknown;
    signal?: AbortSignal;
    /** Sent as is, as application/octet-stream (uploads). */ rawBody?: Blob;
  } = {},
): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (init.rawBody !== undefined) headers['content-type'] = 'application/octet-stream';
  else if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      signal: init.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'Network error', undefined);
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** The signed-in session, or null when nobody is signed in. */
export async function fetchSession(signal?: AbortSignal): Promise<Session | null> {
  try {
    const session = await api<Session>('/api/v1/auth/me', { signal });
    rememberSession(session);
    return session;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      rememberSession(null);
      return null;
    }
    throw err;
  }
}

export async function login(email: string, password: string): Promise<Session> {
  const session = await api<ResponseOf<'/api/v1/auth/login', 'post'>>('/api/v1/auth/login', { method: 'POST', body: { email, password } });
  rememberSession(session);
  return session;
}

export async function logout(): Promise<void> {
  try {
    await api<undefined>('/api/v1/auth/logout', { method: 'POST' });
  } catch (err) {
    // Already signed out on the server (expired session): the outcome the user wanted.
    if (!(err instanceof ApiError && err.status === 401)) throw err;
  }
  rememberSession(null);
}

export async function fetchOrgs(signal?: AbortSignal): Promise<Org[]> {
  const { items } = await api<ResponseOf<'/api/v1/orgs'>>('/api/v1/orgs', { signal });
  return items;
}

export type SignInProviders = ResponseOf<'/api/v1/auth/providers'>;

/** How people can sign in on this deployment (password always; an identity provider when configured). */
export async function fetchProviders(signal?: AbortSignal): Promise<SignInProviders> {
  return api<SignInProviders>('/api/v1/auth/providers', { signal });
}
