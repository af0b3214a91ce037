// The refinery's API as its pages use it: datasets, versions (with their jobs' state), reports,
// rules, recipes, inspections, and uploads by tus 1.0.0 over plain fetch (chunked PATCH requests,
// resumed from the offset the server holds after a failure).
import { queryOptions } from '@tanstack/react-query';
import { api, ApiError, type BodyOf, type ResponseOf, type Schema } from '../../api';

export type AnalysisSettings = Schema<'RefineryAnalysisSettings'>;
export type RefineryDataset = Schema<'RefineryDataset'>;
export type DatasetVersion = Schema<'DatasetVersion'>;
export type TaskKind = keyof DatasetVersion['tasks'];
export type VersionTask = Schema<'VersionTask'>;
export type TaskStatus = VersionTask['status'];
export type ManifestFile = Schema<'ManifestFile'>;
export type VersionManifest = Schema<'VersionManifest'>;

// The bodies of the reports (profile, quality): the server's schema types them `unknown`
// (VersionReport.body), so their shape is written here, after src/modules/refinery/.

export interface Indicator {
  id: string;
  name: { ko: string; en: string };
  value: number | null;
  formula: string;
  inputs: Record<string, unknown>;
}

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

export interface ColumnProfile {
  name: string;
  type: string;
  nulls: number;
  distinct: number;
  distinctApprox: boolean;
  issues: string[];
  stats: {
    min: number | string | null;
    max: number | string | null;
    mean: number | null;
    topValues: Array<{ value: string; count: number }>;
    histogram: { kind: 'bins'; bins: HistogramBin[] } | { kind: 'top'; values: Array<{ value: string; count: number }> };
  };
}

export interface FileProfile {
  path: string;
  format: string;
  encoding: string | null;
  uploadedEncoding?: string | null;
  rows: number | null;
  bytes: number;
  columns: ColumnProfile[];
  error?: string;
}

export interface Defect {
  file: string;
  column: string;
  code: string;
  count: number;
  message: { ko: string; en: string };
  examples: Array<{ row: number; value: string }>;
}

export interface QualityReport {
  records: number;
  indicators: Indicator[];
  defects: Defect[];
  duplicates: {
    exact: Array<{ file: string; rows: number[]; count: number }>;
    texts: Array<{ file: string; rows: number[]; texts: string[] }>;
    images: Array<{ files: string[] }>;
  };
  rules: Array<{ rule: number; name?: string; file: string; passed: boolean; failed: number; message: { ko: string; en: string } }>;
  warnings: string[];
}

/** A stored report with its body read as `T` (the server's schema leaves the body untyped). */
export type Report<T> = Omit<Schema<'VersionReport'>, 'body'> & { body: T };

export type Inspection = Schema<'Inspection'>;
export type InspectionItem = Inspection['items'][number];
export type InspectionSummary = Schema<'InspectionSummary'>;

/** The AQLs of ISO 2859-1's table, in percent nonconforming. */
export const AQLS = [0.01, 0.015, 0.025, 0.04, 0.065, 0.1, 0.15, 0.25, 0.4, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5];

const BASE = '/api/v1/refinery';
const enc = encodeURIComponent;

export const refineryKeys = {
  datasets: ['refinery', 'datasets'] as const,
  dataset: (id: string) => ['refinery', 'dataset', id] as const,
  versions: (id: string) => ['refinery', 'versions', id] as const,
  version: (id: string) => ['refinery', 'version', id] as const,
  report: (id: string, kind: string) => ['refinery', 'report', id, kind] as const,
  inspections: (versionId: string) => ['refinery', 'inspections', versionId] as const,
  inspection: (id: string) => ['refinery', 'inspection', id] as const,
};

export const datasetsQuery = queryOptions({
  queryKey: refineryKeys.datasets,
  queryFn: ({ signal }) => api<ResponseOf<'/api/v1/refinery/datasets'>>(`${BASE}/datasets`, { signal }).then((r) => r.items),
});

export const datasetQuery = (id: string) =>
  queryOptions({
    queryKey: refineryKeys.dataset(id),
    queryFn: ({ signal }) => api<RefineryDataset>(`${BASE}/datasets/${enc(id)}`, { signal }),
  });

export const versionsQuery = (id: string) =>
  queryOptions({
    queryKey: refineryKeys.versions(id),
    queryFn: ({ signal }) =>
      api<ResponseOf<'/api/v1/refinery/datasets/{id}/versions'>>(`${BASE}/datasets/${enc(id)}/versions`, { signal }).then((r) => r.items),
  });

export const versionQuery = (id: string) =>
  queryOptions({
    queryKey: refineryKeys.version(id),
    queryFn: ({ signal }) => api<VersionManifest>(`${BASE}/versions/${enc(id)}`, { signal }),
  });

/** A report, or null while it does not exist yet; `stamp` (when the job last finished) refreshes it. */
export const reportQuery = <T>(id: string, kind: string, stamp = '') =>
  queryOptions({
    queryKey: [...refineryKeys.report(id, kind), stamp] as const,
    queryFn: async ({ signal }) => {
      try {
        return await api<Report<T>>(`${BASE}/versions/${enc(id)}/reports/${enc(kind)}`, { signal });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });

export const inspectionsQuery = (versionId: string) =>
  queryOptions({
    queryKey: refineryKeys.inspections(versionId),
    queryFn: ({ signal }) =>
      api<ResponseOf<'/api/v1/refinery/versions/{id}/inspections'>>(`${BASE}/versions/${enc(versionId)}/inspections`, { signal }).then(
        (r) => r.items,
      ),
  });

export const inspectionQuery = (id: string) =>
  queryOptions({
    queryKey: refineryKeys.inspection(id),
    queryFn: ({ signal }) => api<Inspection>(`${BASE}/inspections/${enc(id)}`, { signal }),
  });

export const createDataset = (title: string) => api<RefineryDataset>(`${BASE}/datasets`, { method: 'POST', body: { title } });
export const createVersion = (datasetId: string, uploads: string[]) =>
  api<ResponseOf<'/api/v1/refinery/datasets/{id}/versions', 'post'>>(`${BASE}/datasets/${enc(datasetId)}/versions`, {
    method: 'POST',
    body: { uploads },
  });
export const putRules = (datasetId: string, rules: string) =>
  api<ResponseOf<'/api/v1/refinery/datasets/{id}/rules', 'put'>>(`${BASE}/datasets/${enc(datasetId)}/rules`, {
    method: 'PUT',
    body: { rules },
  });
export const putSettings = (datasetId: string, settings: BodyOf<'/api/v1/refinery/datasets/{id}/settings', 'put'>) =>
  api<ResponseOf<'/api/v1/refinery/datasets/{id}/settings', 'put'>>(`${BASE}/datasets/${enc(datasetId)}/settings`, {
    method: 'PUT',
    body: settings,
  });
export const applyRecipe = (versionId: string, recipe: string) =>
  api<ResponseOf<'/api/v1/refinery/versions/{id}/recipe', 'post'>>(`${BASE}/versions/${enc(versionId)}/recipe`, {
    method: 'POST',
    body: { recipe },
  });
export const startInspection = (versionId: string, aql: number) =>
  api<Inspection>(`${BASE}/versions/${enc(versionId)}/inspections`, { method: 'POST', body: { aql } });
export const decideItem = (id: string, no: number, verdict: 'pass' | 'fail', note: string) =>
  api<Inspection>(`${BASE}/inspections/${enc(id)}/items/${no}`, { method: 'POST', body: { verdict, ...(note.trim() ? { note } : {}) } });

export const reportJsonUrl = (versionId: string) => `${BASE}/versions/${enc(versionId)}/reports/quality?download=1`;
export const reportHtmlUrl = (versionId: string) => `${BASE}/versions/${enc(versionId)}/report.html`;

// ------------------------------------------------------------------------------------------------
// tus 1.0.0 over fetch

const TUS = { 'tus-resumable': '1.0.0' };
/** Bytes per PATCH request. */
export const CHUNK_BYTES = 4 * 1024 * 1024;

const b64 = (text: string) => {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
};

async function tusFetch(url: string, init: RequestInit & { csrf: string | undefined }): Promise<Response> {
  const headers = new Headers(init.headers);
  for (const [k, v] of Object.entries(TUS)) headers.set(k, v);
  if (init.csrf) headers.set('x-csrf-token', init.csrf);
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'Network error', undefined);
  }
  if (!res.ok && res.status !== 204) {
    let detail: string | undefined;
    try {
      detail = ((await res.json()) as { detail?: string }).detail;
    } catch {
      // not JSON
    }
    throw new ApiError(res.status, res.statusText, detail);
  }
  return res;
}

/**
 * Uploads a file with tus: creates the upload, sends it in chunks, and after a failed request asks
 * the server (HEAD) where to resume, a few times, before giving up. Returns the upload's id.
 */
export async function tusUpload(
  file: File,
  datasetId: string,
  csrf: string | undefined,
  onProgress: (sent: number, total: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  const created = await tusFetch('/api/v1/uploads', {
    method: 'POST',
    csrf,
    signal: signal ?? null,
    headers: { 'upload-length': String(file.size), 'upload-metadata': `filename ${b64(file.name)},datasetId ${b64(datasetId)}` },
  });
  const location = created.headers.get('location');
  if (!location) throw new ApiError(0, 'No upload location', undefined);
  let offset = 0;
  let failures = 0;
  onProgress(0, file.size);
  while (offset < file.size) {
    const chunk = file.slice(offset, Math.min(file.size, offset + CHUNK_BYTES));
    try {
      const res = await tusFetch(location, {
        method: 'PATCH',
        csrf,
        signal: signal ?? null,
        headers: { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
        body: chunk,
      });
      offset = Number(res.headers.get('upload-offset') ?? offset + chunk.size);
      failures = 0;
    } catch (error) {
      if (signal?.aborted || ++failures > 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * failures));
      const head = await tusFetch(location, { method: 'HEAD', csrf, signal: signal ?? null });
      offset = Number(head.headers.get('upload-offset') ?? offset);
    }
    onProgress(offset, file.size);
  }
  return location.split('/').pop()!;
}

/** Whether any job of the version is still to finish (pages poll while so). */
export function busy(version: DatasetVersion): boolean {
  if (version.status === 'ingesting') return true;
  return Object.values(version.tasks).some((task) => task && (task.status === 'queued' || task.status === 'running'));
}
