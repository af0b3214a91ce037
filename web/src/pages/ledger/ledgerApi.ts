// The usage ledger (issue 9) as the page uses it. Types follow the zod schemas of
// src/modules/ledger/ledger.schema.ts: signed tree heads, the public key, inclusion proofs, one
// event with its canonical bytes, and usage aggregates per organisation, dataset or month.
import { queryOptions } from '@tanstack/react-query';
import { api, ApiError, type QueryOf, type Schema, type Session } from '../../api';

const BASE = '/api/v1/ledger';

/** `timestamp`: ISO 8601 UTC, the signed milliseconds. */
export type SignedTreeHead = Schema<'SignedTreeHead'>;
export type PublicKey = Schema<'LedgerPublicKey'>;
export type InclusionProof = Schema<'InclusionProof'>;
/** `canonical`: Base64 of the canonical bytes the leaf hashes. */
export type LedgerEvent = Schema<'LedgerEvent'>;
export type UsageEventRow = LedgerEvent['event'];

type UsageQuery = QueryOf<'/api/v1/ledger/usage'>;
export type GroupBy = NonNullable<UsageQuery['groupBy']>;
export type Side = NonNullable<UsageQuery['side']>;
/** The units the page knows labels for (the server sends any unit as a string). */
export type Unit = 'bytes' | 'records' | 'tokens' | 'compute_seconds';
export const UNITS: Unit[] = ['bytes', 'records', 'tokens', 'compute_seconds'];

export type Usage = Schema<'UsageAggregates'>;
/** `key`: the organisation id, dataset id or month (YYYY-MM); null for use without an organisation. */
export type UsageRow = Usage['rows'][number];

/** `from`, `to`: ISO date-times (occurred_at ≥ from, < to). */
export type UsageFilter = { groupBy: GroupBy } & Pick<UsageQuery, 'side' | 'from' | 'to'>;

function usageParams(filter: UsageFilter): string {
  const params = new URLSearchParams({ groupBy: filter.groupBy });
  if (filter.side) params.set('side', filter.side);
  if (filter.from) params.set('from', filter.from);
  if (filter.to) params.set('to', filter.to);
  return params.toString();
}

export const ledgerKeys = {
  all: ['ledger'] as const,
  head: ['ledger', 'head'] as const,
  key: ['ledger', 'key'] as const,
  usage: (filter: UsageFilter) => ['ledger', 'usage', filter] as const,
};

/** The latest signed tree head, or null before the first is signed. */
export const latestHeadQuery = queryOptions({
  queryKey: ledgerKeys.head,
  queryFn: async ({ signal }) => {
    try {
      return await api<SignedTreeHead>(`${BASE}/tree-heads/latest`, { signal });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  },
});

export const publicKeyQuery = queryOptions({
  queryKey: ledgerKeys.key,
  queryFn: ({ signal }) => api<PublicKey>(`${BASE}/public-key`, { signal }),
  staleTime: Infinity,
});

export const usageQuery = (filter: UsageFilter) =>
  queryOptions({
    queryKey: ledgerKeys.usage(filter),
    queryFn: ({ signal }) => api<Usage>(`${BASE}/usage?${usageParams(filter)}`, { signal }),
  });

/** The same aggregates as CSV: a plain link (the browser sends the session cookie). */
export const usageCsvUrl = (filter: UsageFilter) => `${BASE}/usage.csv?${usageParams(filter)}`;

export const fetchInclusionProof = (seq: number, signal?: AbortSignal) =>
  api<InclusionProof>(`${BASE}/proofs/inclusion?seq=${seq}`, { signal });

export const fetchEvent = (seq: number, signal?: AbortSignal) => api<LedgerEvent>(`${BASE}/events/${seq}`, { signal });

/** Which views of the usage record the signed-in person has (the server decides in the end). */
export interface LedgerRoles {
  /** Steward or org_admin of an agency: who used our data. */
  provider: boolean;
  /** A member of a company or research organisation: what we used. */
  consumer: boolean;
  /** The operator or an auditor: everything. */
  oversight: boolean;
}

export function ledgerRoles(session: Session | null | undefined): LedgerRoles {
  const memberships = session?.memberships ?? [];
  return {
    provider: memberships.some((m) => m.orgKind === 'agency' && (m.role === 'steward' || m.role === 'org_admin')),
    consumer: memberships.some((m) => (m.orgKind === 'company' || m.orgKind === 'research') && m.role !== 'auditor'),
    oversight: memberships.some((m) => m.role === 'operator' || m.role === 'auditor'),
  };
}
