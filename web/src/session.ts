// The signed-in session as a TanStack Query entry, shared by the header, the pages and the router.
import { queryOptions, type QueryClient } from '@tanstack/react-query';
import { fetchOrgs, fetchSession, type Session } from './api';

export const sessionQuery = queryOptions({
  queryKey: ['session'] as const,
  queryFn: ({ signal }) => fetchSession(signal),
  staleTime: 60_000,
});

export const orgsQuery = queryOptions({
  queryKey: ['orgs'] as const,
  queryFn: ({ signal }) => fetchOrgs(signal),
  staleTime: 5 * 60_000,
});

/** After sign-in or sign-out: the new session, and nothing cached from the old one. */
export function replaceSession(queryClient: QueryClient, session: Session | null): void {
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' && q.queryKey[0] !== 'orgs' });
  queryClient.setQueryData(sessionQuery.queryKey, session);
}

/**
 * Where to go after signing in: only a path on this site, never another origin.
 * @example safeRedirect('//evil.example') // '/'
 */
export function safeRedirect(target: string | undefined): string {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return '/';
  if (target.startsWith('/login')) return '/';
  return target;
}
