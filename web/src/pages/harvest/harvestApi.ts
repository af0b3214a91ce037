// Federation's API as the operator's harvest page uses it: sources, their logs, adding one and
// asking for a run (queued: the source's `running` and `lastRunAt` say when it is done).
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api';

export type HarvestKind = 'ckan' | 'dcat';
export const HARVEST_KINDS: HarvestKind[] = ['ckan', 'dcat'];

export interface HarvestSource {
  id: string;
  name: string;
  kind: HarvestKind;
  url: string;
  scheduleMinutes: number;
  enabled: boolean;
  lastRunAt: string | null;
  lastOkAt: string | null;
  lastError: string | null;
  createdAt: string;
  running: boolean;
  documentCount: number;
}

export interface HarvestLogEntry {
  at: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface NewHarvestSource {
  name: string;
  kind: HarvestKind;
  url: string;
  scheduleMinutes: number;
}

export interface QueuedHarvestRun {
  sourceId: string;
  jobId: string;
  status: 'queued';
  sourceUrl: string;
  logUrl: string;
}

const BASE = '/api/v1/catalog/harvest/sources';

export const harvestKeys = {
  sources: ['harvest', 'sources'] as const,
  log: (id: string) => ['harvest', 'log', id] as const,
};

export const fetchSources = (signal?: AbortSignal) => api<{ sources: HarvestSource[] }>(BASE, { signal }).then((r) => r.sources);

export const fetchLog = (id: string, signal?: AbortSignal) =>
  api<{ entries: HarvestLogEntry[] }>(`${BASE}/${encodeURIComponent(id)}/log`, { signal }).then((r) => r.entries);

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
