// Federation's API as the operator's harvest page uses it: sources, their logs, adding one and
// asking for a run (queued: the source's `running` and `lastRunAt` say when it is done).
import { queryOptions } from '@tanstack/react-query';
import { api, type BodyOf, type ResponseOf, type Schema } from '../../api';

export type HarvestSource = Schema<'HarvestSource'>;
export type HarvestKind = HarvestSource['kind'];
export const HARVEST_KINDS: HarvestKind[] = ['ckan', 'dcat'];

export type HarvestLogEntry = ResponseOf<'/api/v1/catalog/harvest/sources/{id}/log'>['entries'][number];

export type NewHarvestSource = BodyOf<'/api/v1/catalog/harvest/sources', 'post'>;

/** What a run asked for without waiting answers (202). */
export type QueuedHarvestRun = Schema<'QueuedHarvestRun'>;

const BASE = '/api/v1/catalog/harvest/sources';

export const harvestKeys = {
  sources: ['harvest', 'sources'] as const,
  log: (id: string) => ['harvest', 'log', id] as const,
};

export const fetchSources = (signal?: AbortSignal) =>
  api<ResponseOf<'/api/v1/catalog/harvest/sources'>>(BASE, { signal }).then((r) => r.sources);

export const fetchLog = (id: string, signal?: AbortSignal) =>
  api<ResponseOf<'/api/v1/catalog/harvest/sources/{id}/log'>>(`${BASE}/${encodeURIComponent(id)}/log`, { signal }).then((r) => r.entries);

export const addSource = (input: NewHarvestSource) => api<HarvestSource>(BASE, { method: 'POST', body: input });

/** Queues a run (202); a 409 while another run holds the source. */
export const runSource = (id: string) => api<QueuedHarvestRun>(`${BASE}/${encodeURIComponent(id)}/run`, { method: 'POST' });

export const sourcesQuery = queryOptions({
  queryKey: harvestKeys.sources,
  queryFn: ({ signal }) => fetchSources(signal),
});

export const logQuery = (id: string) =>
  queryOptions({
    queryKey: harvestKeys.log(id),
    queryFn: ({ signal }) => fetchLog(id, signal),
  });
