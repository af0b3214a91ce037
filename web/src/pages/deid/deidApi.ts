// De-identification runs as the pages use them: start one on a refinery version, follow it, list
// them, and (for authorised reviewers) read its before/after samples.
import { queryOptions } from '@tanstack/react-query';
import { api, type BodyOf, type ResponseOf, type Schema } from '../../api';

export type DeidTableSetting = Schema<'DeidTableSetting'>;
export type DeidProgress = Schema<'DeidProgress'>;
export type DeidReport = Schema<'DeidRunReport'>;
export type FieldStats = DeidReport['fields'][string];
export type RiskSummary = DeidReport['tables'][number]['before'];
export type DeidRunSummary = Schema<'DeidRunSummary'>;
export type DeidRunStatus = DeidRunSummary['status'];
export type DeidRun = Schema<'DeidRun'>;
export type DeidSamples = Schema<'DeidSamples'>;
export type NewDeidRun = BodyOf<'/api/v1/deid/runs', 'post'>;

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
      api<ResponseOf<'/api/v1/deid/runs'>>(`${BASE}/runs${versionId ? `?versionId=${enc(versionId)}` : ''}`, { signal }).then(
        (r) => r.items,
      ),
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

export const startRun = (input: NewDeidRun) => api<DeidRun>(`${BASE}/runs`, { method: 'POST', body: input });

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
