// The census API as the web app uses it: types of /api/v1/census/*, the calls, the query keys,
// and what the signed-in person may do there (from their memberships).
import { queryOptions } from '@tanstack/react-query';
import { api, type Session } from '../../api';

export type Labels = { ko: string; en: string };
export type FieldType = 'text' | 'textarea' | 'enum' | 'multi' | 'number' | 'date' | 'list' | 'email';

export interface FormField {
  key: string;
  labels: Labels;
  type: FieldType;
  /** Needed before the entry can be submitted (a draft may lack it). */
  required: boolean;
  choices?: Array<{ value: string; labels: Labels }>;
}

export interface FormDefinition {
  version: string;
  fields: FormField[];
  domains: Array<{ value: string; labels: Labels }>;
}

export type EntryStatus = 'draft' | 'submitted' | 'returned' | 'accepted';
export const ENTRY_STATUSES: EntryStatus[] = ['draft', 'submitted', 'returned', 'accepted'];

/** The values of a form as the API stores them. */
export type FormData = Record<string, unknown>;

export interface EntrySummary {
  id: string;
  orgId: string;
  orgName: string;
  campaignId: string | null;
  status: EntryStatus;
  title: string | null;
  domain: string | null;
  modality: string | null;
  readiness: string | null;
  provisionScope: string | null;
  version: number;
  updatedAt: string;
  duplicateCount: number;
}

export interface Entry extends EntrySummary {
  form: FormData;
  createdAt: string;
  submittedAt: string | null;
  decidedAt: string | null;
  reviewComment: string | null;
  source: string | null;
  externalId: string | null;
  /** What is still missing to submit. */
  problems: Array<{ field: string; message: string; messageKo?: string }>;
  duplicates: Array<{ id: string; title: string | null }>;
}

export interface HistoryItem {
  version: number;
  status: EntryStatus;
  changedBy: { id: string; name: string } | null;
  changedAt: string;
  kind: string;
  comment: string | null;
  changes: Array<{ field: string; before: unknown; after: unknown }>;
}

export interface Campaign {
  id: string;
  title: string;
  description: string | null;
  formVersion: string;
  deadline: string;
  status: 'open' | 'closed';
  targets: Array<{ orgId: string; orgName: string }>;
  createdAt: string;
  responded: number;
  targetCount: number;
}

export interface Assignment {
  campaign: Campaign;
  orgId: string;
  orgName: string;
  draft: number;
  submitted: number;
  returned: number;
  accepted: number;
  remindedAt: string | null;
}

export interface CoverageBucket {
  key: string;
  count: number;
}

export type CoverageKey = 'domain' | 'modality' | 'readiness' | 'provisionScope';
export const COVERAGE_KEYS: CoverageKey[] = ['domain', 'modality', 'readiness', 'provisionScope'];

export interface Dashboard {
  campaign: Campaign | null;
  responseRate: { targets: number; responded: number; rate: number };
  perAgency: Array<{
    orgId: string;
    orgName: string;
    draft: number;
    submitted: number;
    returned: number;
    accepted: number;
    responded: boolean;
  }>;
  coverage: Record<CoverageKey, CoverageBucket[]>;
  totals: { entries: number; accepted: number };
}

export type ImportMapping = 'native' | 'data-go-kr';

export interface ImportRun {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  fileName: string;
  encoding: string | null;
  rows: number;
  imported: number;
  rejected: number;
  /** Row 0 concerns the file as a whole; an empty column, the row as a whole. `message` is Korean. */
  errors: Array<{ row: number; column: string | null; message: string; messageEn?: string }>;
  /** All errors, of which `errors` holds the first ones (the server keeps 1,000). */
  errorCount?: number;
  duplicates: number;
  dryRun: boolean;
  error?: string | null;
}

export interface EntryFilters {
  org?: string;
  campaign?: string;
  status?: EntryStatus;
}

const BASE = '/api/v1/census';

/** A query string from the defined values, with a leading "?" when there is any. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const censusKeys = {
  all: ['census'] as const,
  form: ['census', 'form'] as const,
  entries: (filters: EntryFilters) => ['census', 'entries', filters] as const,
  entry: (id: string) => ['census', 'entry', id] as const,
  history: (id: string) => ['census', 'entry', id, 'history'] as const,
  campaigns: ['census', 'campaigns'] as const,
  assignments: ['census', 'assignments'] as const,
  dashboard: (campaign: string | undefined) => ['census', 'dashboard', campaign ?? null] as const,
  importRun: (id: string) => ['census', 'imports', id] as const,
};

export const formQuery = queryOptions({
  queryKey: censusKeys.form,
  queryFn: ({ signal }) => api<FormDefinition>(`${BASE}/form`, { signal }),
  staleTime: Infinity,
});

export const campaignsQuery = queryOptions({
  queryKey: censusKeys.campaigns,
  queryFn: async ({ signal }) => (await api<{ items: Campaign[] }>(`${BASE}/campaigns`, { signal })).items,
});

export const assignmentsQuery = queryOptions({
  queryKey: censusKeys.assignments,
  queryFn: async ({ signal }) => (await api<{ items: Assignment[] }>(`${BASE}/assignments`, { signal })).items,
});

export const entryQuery = (id: string) =>
  queryOptions({
    queryKey: censusKeys.entry(id),
    queryFn: ({ signal }) => api<Entry>(`${BASE}/entries/${encodeURIComponent(id)}`, { signal }),
  });

export const historyQuery = (id: string) =>
  queryOptions({
    queryKey: censusKeys.history(id),
    queryFn: async ({ signal }) =>
      (await api<{ items: HistoryItem[] }>(`${BASE}/entries/${encodeURIComponent(id)}/history`, { signal })).items,
  });

export const dashboardQuery = (campaign: string | undefined) =>
  queryOptions({
    queryKey: censusKeys.dashboard(campaign),
    queryFn: ({ signal }) => api<Dashboard>(`${BASE}/dashboard${query({ campaign })}`, { signal }),
  });

export function fetchEntries(filters: EntryFilters, cursor: string | undefined, signal?: AbortSignal) {
  return api<{ items: EntrySummary[]; nextCursor: string | null }>(`${BASE}/entries${query({ ...filters, limit: 50, cursor })}`, {
    signal,
  });
}

export function createEntry(body: { orgId: string; campaignId?: string; form: FormData }) {
  return api<Entry>(`${BASE}/entries`, { method: 'POST', body });
}

export function updateEntry(id: string, body: { form: FormData; version: number }) {
  return api<Entry>(`${BASE}/entries/${encodeURIComponent(id)}`, { method: 'PUT', body });
}

export type EntryAction = 'submit' | 'return' | 'accept' | 'reopen';

export function entryAction(id: string, action: EntryAction, comment?: string) {
  const body = action === 'submit' ? undefined : comment ? { comment } : {};
  return api<Entry>(`${BASE}/entries/${encodeURIComponent(id)}/${action}`, { method: 'POST', body });
}

export function createCampaign(body: { title: string; description?: string; deadline: string; targetOrgIds: string[] }) {
  return api<Campaign>(`${BASE}/campaigns`, { method: 'POST', body });
}

export function closeCampaign(id: string) {
  return api<Campaign>(`${BASE}/campaigns/${encodeURIComponent(id)}/close`, { method: 'POST' });
}

export function remindCampaign(id: string) {
  return api<{ reminded: number }>(`${BASE}/campaigns/${encodeURIComponent(id)}/remind`, { method: 'POST' });
}

export function startImport(file: File, options: { mapping: ImportMapping; orgId?: string; campaignId?: string; dryRun: boolean }) {
  const search = query({
    fileName: file.name,
    mapping: options.mapping,
    orgId: options.orgId,
    campaignId: options.campaignId,
    dryRun: options.dryRun,
  });
  return api<{ id: string }>(`${BASE}/imports${search}`, { method: 'POST', rawBody: file });
}

export function fetchImport(id: string, signal?: AbortSignal) {
  return api<ImportRun>(`${BASE}/imports/${encodeURIComponent(id)}`, { signal });
}

export function commitImport(id: string, validRowsOnly: boolean) {
  return api<{ id: string }>(`${BASE}/imports/${encodeURIComponent(id)}/commit`, { method: 'POST', body: { validRowsOnly } });
}

export type ExportFormat = 'csv' | 'xlsx' | 'json';

/** The download of the entries as filtered, with column names and choice labels in `lang`. */
export function exportUrl(format: ExportFormat, filters: EntryFilters, lang: 'ko' | 'en'): string {
  return `${BASE}/export${query({ format, campaign: filters.campaign, org: filters.org, status: filters.status, lang })}`;
}

export const templateUrl = (kind: 'csv' | 'xlsx') => `${BASE}/template.${kind}`;

/** What the signed-in person may do in the census, from their memberships. */
export interface CensusRoles {
  operator: boolean;
  auditor: boolean;
  /** The agencies the person answers for (steward or org_admin of an agency). */
  stewardOf: Array<{ orgId: string; orgName: string; orgNameEn: string | null }>;
}

export function censusRoles(session: Session | null | undefined): CensusRoles {
  const memberships = session?.memberships ?? [];
  const stewardOf: CensusRoles['stewardOf'] = [];
  for (const m of memberships) {
    if (m.orgKind === 'agency' && (m.role === 'steward' || m.role === 'org_admin') && !stewardOf.some((s) => s.orgId === m.orgId)) {
      stewardOf.push({ orgId: m.orgId, orgName: m.orgName, orgNameEn: m.orgNameEn ?? null });
    }
  }
  return {
    operator: memberships.some((m) => m.role === 'operator' && m.orgKind === 'operator'),
    auditor: memberships.some((m) => m.role === 'auditor'),
    stewardOf,
  };
}
