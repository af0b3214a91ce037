// The census API as the web app uses it: types of /api/v1/census/*, the calls, the query keys,
// and what the signed-in person may do there (from their memberships).
import { queryOptions } from '@tanstack/react-query';
import { api, type BodyOf, type QueryOf, type ResponseOf, type Schema, type Session } from '../../api';

export type Labels = Schema<'CensusLabels'>;
export type FormDefinition = Schema<'CensusFormDescription'>;
/** `required`: needed before the entry can be submitted (a draft may lack it). */
export type FormField = FormDefinition['fields'][number];
export type FieldType = FormField['type'];

export type EntrySummary = Schema<'CensusEntrySummary'>;
export type EntryStatus = EntrySummary['status'];
export const ENTRY_STATUSES: EntryStatus[] = ['draft', 'submitted', 'returned', 'accepted'];

/** The values of a form as the API takes them. */
export type FormData = BodyOf<'/api/v1/census/entries', 'post'>['form'];

/** A form's value under a field key of the form definition (the definition, not the type, names the keys). */
export function formValue(form: FormData, key: string): unknown {
  return form[key];
}

/** `problems`: what is still missing to submit. */
export type Entry = Schema<'CensusEntry'>;
export type HistoryItem = Schema<'CensusHistoryItem'>;
export type Campaign = Schema<'CensusCampaign'>;
export type Assignment = Schema<'CensusAssignment'>;
export type Dashboard = Schema<'CensusDashboard'>;
export type CoverageKey = keyof Dashboard['coverage'];
export type CoverageBucket = Dashboard['coverage'][CoverageKey][number];
export const COVERAGE_KEYS: CoverageKey[] = ['domain', 'modality', 'readiness', 'provisionScope'];

/** The mappings the import page offers (the server takes any name it knows). */
export type ImportMapping = 'native' | 'data-go-kr';

/**
 * An import run. Row 0 of `errors` concerns the file as a whole; an empty column, the row as a whole;
 * `message` is Korean. `errorCount` counts all errors, of which `errors` holds the first ones.
 */
export type ImportRun = Schema<'CensusImport'>;

export type EntryFilters = Pick<QueryOf<'/api/v1/census/entries'>, 'org' | 'campaign' | 'status'>;

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
  queryFn: async ({ signal }) => (await api<ResponseOf<'/api/v1/census/campaigns'>>(`${BASE}/campaigns`, { signal })).items,
});

export const assignmentsQuery = queryOptions({
  queryKey: censusKeys.assignments,
  queryFn: async ({ signal }) => (await api<ResponseOf<'/api/v1/census/assignments'>>(`${BASE}/assignments`, { signal })).items,
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
      (await api<ResponseOf<'/api/v1/census/entries/{id}/history'>>(`${BASE}/entries/${encodeURIComponent(id)}/history`, { signal })).items,
  });

export const dashboardQuery = (campaign: string | undefined) =>
  queryOptions({
    queryKey: censusKeys.dashboard(campaign),
    queryFn: ({ signal }) => api<Dashboard>(`${BASE}/dashboard${query({ campaign })}`, { signal }),
  });

export function fetchEntries(filters: EntryFilters, cursor: string | undefined, signal?: AbortSignal) {
  return api<ResponseOf<'/api/v1/census/entries'>>(`${BASE}/entries${query({ ...filters, limit: 50, cursor })}`, {
    signal,
  });
}

export function createEntry(body: BodyOf<'/api/v1/census/entries', 'post'>) {
  return api<Entry>(`${BASE}/entries`, { method: 'POST', body });
}

export function updateEntry(id: string, body: BodyOf<'/api/v1/census/entries/{id}', 'put'>) {
  return api<Entry>(`${BASE}/entries/${encodeURIComponent(id)}`, { method: 'PUT', body });
}

export type EntryAction = 'submit' | 'return' | 'accept' | 'reopen';

export function entryAction(id: string, action: EntryAction, comment?: string) {
  const body = action === 'submit' ? undefined : comment ? { comment } : {};
  return api<Entry>(`${BASE}/entries/${encodeURIComponent(id)}/${action}`, { method: 'POST', body });
}

export function createCampaign(body: BodyOf<'/api/v1/census/campaigns', 'post'>) {
  return api<Campaign>(`${BASE}/campaigns`, { method: 'POST', body });
}

export function closeCampaign(id: string) {
  return api<Campaign>(`${BASE}/campaigns/${encodeURIComponent(id)}/close`, { method: 'POST' });
}

export function remindCampaign(id: string) {
  return api<ResponseOf<'/api/v1/census/campaigns/{id}/remind', 'post'>>(`${BASE}/campaigns/${encodeURIComponent(id)}/remind`, {
    method: 'POST',
  });
}

export function startImport(file: File, options: { mapping: ImportMapping; orgId?: string; campaignId?: string; dryRun: boolean }) {
  const search = query({
    fileName: file.name,
    mapping: options.mapping,
    orgId: options.orgId,
    campaignId: options.campaignId,
    dryRun: options.dryRun,
  });
  return api<ResponseOf<'/api/v1/census/imports', 'post'>>(`${BASE}/imports${search}`, { method: 'POST', rawBody: file });
}

export function fetchImport(id: string, signal?: AbortSignal) {
  return api<ImportRun>(`${BASE}/imports/${encodeURIComponent(id)}`, { signal });
}

export function commitImport(id: string, validRowsOnly: boolean) {
  const body: BodyOf<'/api/v1/census/imports/{id}/commit', 'post'> = { validRowsOnly };
  return api<ResponseOf<'/api/v1/census/imports/{id}/commit', 'post'>>(`${BASE}/imports/${encodeURIComponent(id)}/commit`, {
    method: 'POST',
    body,
  });
}

export type ExportFormat = QueryOf<'/api/v1/census/export'>['format'];

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
