// De-identification runs as the pages use them: start one on a refinery version, follow it, list
// them, and (for authorised reviewers) read its before/after samples.
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api';

export interface DeidTableSetting {
  file: string;
  quasi: string[];
  k: number;
  maxSuppression?: number;
}

export interface DeidProgress {
  files: number;
  filesDone: number;
  currentFile: string | null;
  bytes: number;
  totalBytes: number;
  records: number;
}

export interface RiskSummary {
  records: number;
  classes: number;
  k: number;
  prosecutor: { highest: number; average: number; recordsAtRisk: number; shareAtRisk: number; threshold: number };
  smallClassCount: number;
  smallClassRecords: number;
}

export interface FieldStats {
  entities: Record<string, number>;
  transformed: number;
  unreadable: number;
}

export interface DeidReport {
  runId: string;
  sourceVersion: { id: string; number: number };
  policy: { hash: string; uniqueIdentifiersLegalBasis?: string };
  files: Array<{
    path: string;
    format: string;
    action: 'deidentified' | 'pixelated' | 'copied' | 'not_written';
    reason?: string;
    faces?: number;
  }>;
  totals: {
    files: number;
    deidentified: number;
    copied: number;
    images: number;
    records: { in: number; out: number; changed: number; suppressed: number };
    bytes: number;
    unreadable: number;
    entities: Record<string, number>;
    operators: Record<string, number>;
  };
  fields: Record<string, FieldStats>;
  tables: Array<{
    file: string;
    quasi: string[];
    targetK: number;
    maxSuppression: number;
    before: RiskSummary;
    after: RiskSummary;
    reached: boolean;
    levels: Array<{ column: string; kind: string; level: number; levelName: string; levels: number }>;
    suppressedRecords: number;
    informationLoss: number;
  }>;
  images: { mode: 'faces' | 'skip' | 'none'; images: number; faces: number; failed: number; skipped: number; note?: string };
  warnings: string[];
  timing: { startedAt: string; finishedAt: string; seconds: number };
}

export type DeidRunStatus = 'queued' | 'running' | 'done' | 'failed';

export interface DeidRunSummary {
  id: string;
  orgId: string;
  datasetId: string;
  datasetTitle: string | null;
  versionId: string;
  versionNumber: number | null;
  status: DeidRunStatus;
  error: string | null;
  progress: DeidProgress | null;
  outputVersionId: string | null;
  outputVersionNumber: number | null;
  policyHash: string;
  tables: DeidTableSetting[];
  images: 'faces' | 'skip';
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  canReviewSamples: boolean;
}

export interface DeidRun extends DeidRunSummary {
  policy: string;
  report: DeidReport | null;
}

export interface DeidSamples {
  runId: string;
  items: Array<{ file: string; record: number; before: string; after: string | null }>;
}

const BASE = '/api/v1/deid';
const enc = encodeURIComponent;

export const deidKeys = {
  runs: (versionId?: string) => ['deid', 'runs', versionId ?? 'all'] as const,
  run: (id: string) => ['deid', 'run', id] as const,
  samples: (id: string) => ['deid', 'samples', id] as const,
};

export const runsQuery = (versionId?: string) =>
  queryOptions({
    queryKey: deidKeys.runs(versionId),
    queryFn: ({ signal }) =>
      api<{ items: DeidRunSummary[] }>(`${BASE}/runs${versionId ? `?versionId=${enc(versionId)}` : ''}`, { signal }).then((r) => r.items),
  });

export const runQuery = (id: string) =>
  queryOptions({
    queryKey: deidKeys.run(id),
    queryFn: ({ signal }) => api<DeidRun>(`${BASE}/runs/${enc(id)}`, { signal }),
  });

export const samplesQuery = (id: string) =>
  queryOptions({
    queryKey: deidKeys.samples(id),
    queryFn: ({ signal }) => api<DeidSamples>(`${BASE}/runs/${enc(id)}/samples`, { signal }),
  });

export const startRun = (input: { versionId: string; policy: string; tables?: DeidTableSetting[]; images?: 'faces' | 'skip' }) =>
  api<DeidRun>(`${BASE}/runs`, { method: 'POST', body: input });

/** Whether the run is still to finish (pages poll while so). */
export const running = (run: DeidRunSummary) => run.status === 'queued' || run.status === 'running';

/**
 * A sensible starting policy (docs/deid.md): names pseudonymised, unique identifiers (RRN, FRN,
 * passport, driving licence) replaced by tokens, phone numbers masked, addresses generalised to
 * 시군구, e-mail addresses pseudonymised, anything else detected replaced by its token.
 */
export const DEFAULT_POLICY = `version: 1
threshold: 0.5
types:
  PERSON: pseudonym
  KR_RRN: replace
  KR_FRN: replace
  KR_PASSPORT: replace
  KR_DRIVER_LICENSE: replace
  PHONE: { operator: mask, keep_first: 3, keep_last: 4 }
  EMAIL: pseudonym
  ADDRESS: { operator: generalize, to: sigungu }
default: replace
# Whole CSV columns or JSON keys, e.g.:
# fields:
#   성명: { operator: pseudonym, as: PERSON }
#   연락처: { operator: mask, as: PHONE, keep_first: 3, keep_last: 4 }
#   주소: { operator: generalize, to: sigungu, as: ADDRESS }
#   나이: { operator: generalize, to: age_band }
secret_env: DATADAM_DEID_SECRET
samples: 5
`;
