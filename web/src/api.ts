// The one way the web app talks to the server: JSON over /api/v1, problem+json errors (RFC 9457),
// the session cookie sent by the browser, and the CSRF token on every unsafe request.

export type Locale = 'ko' | 'en';

export interface User {
  id: string;
  email: string;
  displayName: string;
  locale: Locale;
}

export interface Membership {
  orgId: string;
  orgName: string;
  /** The organisation's English name, when the server sends it. */
  orgNameEn?: string | null;
  orgKind: string;
  role: string;
}

/** What `GET /api/v1/auth/me` and `POST /api/v1/auth/login` return. */
export interface Session {
  user: User;
  memberships: Membership[];
  csrfToken: string;
}

export interface Org {
  id: string;
  slug: string;
  name: string;
  nameEn: string | null;
  kind: string;
}

/** One field the server found wrong (RFC 9457 extension `problems`). */
export interface FieldProblem {
  field: string;
  message: string;
  /** The message in Korean, when the server has one. */
  messageKo?: string;
}

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
 * @example const { items } = await api<{ items: Org[] }>('/api/v1/orgs');
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
  const session = await api<Session>('/api/v1/auth/login', { method: 'POST', body: { email, password } });
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
  const { items } = await api<{ items: Org[] }>('/api/v1/orgs', { signal });
  return items;
}

export interface SignInProviders {
  password: boolean;
  oidc: { enabled: boolean; loginUrl: string | null };
}

/** How people can sign in on this deployment (password always; an identity provider when configured). */
export async function fetchProviders(signal?: AbortSignal): Promise<SignInProviders> {
  return api<SignInProviders>('/api/v1/auth/providers', { signal });
}
