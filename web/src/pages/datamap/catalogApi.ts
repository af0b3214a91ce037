// The data map's API as the web app uses it: the search (GET /api/v1/catalog/search), one dataset
// (GET /api/v1/catalog/datasets/:id), the search parameters kept in the address, and the labels
// of facet values from the census form.
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api';
import { query, type FormDefinition, type Labels } from '../census/censusApi';
import { label } from '../census/formModel';

export const FACET_KEYS = ['domain', 'agency', 'modality', 'readiness', 'provisionScope', 'format', 'personalInfo', 'year'] as const;
export type FacetKey = (typeof FACET_KEYS)[number];
export type SortKey = 'relevance' | 'newest';

/** What the data map keeps in its address: the words, the chosen facet values, the order. */
export type DataMapSearch = { q?: string; sort?: SortKey } & { [K in FacetKey]?: string };

export interface FacetCount {
  value: string;
  count: number;
  /** A readable name where the value is an id (agencies). */
  label?: string;
}

export interface SearchHit {
  id: string;
  kind: string;
  title: string;
  agency: string;
  agencyId: string;
  domain: string | null;
  modality: string | null;
  status: string;
  score: number;
  updatedAt: string;
}

export interface SearchResult {
  total: number;
  results: SearchHit[];
  facets: Record<FacetKey, FacetCount[]>;
  nextCursor: string | null;
}

export interface Dataset {
  id: string;
  kind: string;
  status: string;
  title: string;
  titleEn: string | null;
  description: string | null;
  descriptionEn: string | null;
  agency: { id: string; name: string; nameEn: string | null; code: string | null };
  form: Record<string, unknown>;
  /** How it may be reached: the provision scope with its labels (a bare code from older servers). */
  accessTier: { scope: string; labels?: Labels } | string | null;
  lineage: { censusEntryId: string | null; releases: unknown[] } | null;
  quality: unknown;
  samples: unknown;
  related: Array<{ id: string; title: string; agency: string }>;
  metadata: { croissantUrl: string | null; dcatUrl: string | null; schemaOrg?: unknown } | null;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined);

/** The data map's address parameters, checked: unknown keys and values are dropped. */
export function validateDataMapSearch(search: Record<string, unknown>): DataMapSearch {
  const out: DataMapSearch = {};
  const q = text(search.q);
  if (q) out.q = q;
  if (search.sort === 'relevance' || search.sort === 'newest') out.sort = search.sort;
  for (const key of FACET_KEYS) {
    const raw: unknown = search[key];
    const value = typeof raw === 'number' ? String(raw) : text(raw);
    if (value) out[key] = value;
  }
  return out;
}

export const catalogKeys = {
  search: (search: DataMapSearch) => ['catalog', 'search', search] as const,
  dataset: (id: string) => ['catalog', 'dataset', id] as const,
};

export const PAGE_SIZE = 20;

export function fetchSearch(search: DataMapSearch, cursor: string | undefined, signal?: AbortSignal): Promise<SearchResult> {
  return api<SearchResult>(`/api/v1/catalog/search${query({ ...search, limit: PAGE_SIZE, cursor })}`, { signal });
}

export const datasetQuery = (id: string) =>
  queryOptions({
    queryKey: catalogKeys.dataset(id),
    queryFn: ({ signal }) => api<Dataset>(`/api/v1/catalog/datasets/${encodeURIComponent(id)}`, { signal }),
    retry: false,
  });

/** The name of a facet value in the interface language: from the census form, the server's label, or the value. */
export function facetValueLabel(
  definition: FormDefinition | undefined,
  key: string,
  value: string,
  lang: 'ko' | 'en',
  serverLabel?: string,
): string {
  if (serverLabel) return serverLabel;
  if (!definition) return value;
  const choices: Array<{ value: string; labels: Labels }> | undefined =
    key === 'domain' ? definition.domains : definition.fields.find((f) => f.key === key)?.choices;
  const found = choices?.find((c) => c.value === value);
  return found ? label(found.labels, lang) : value;
}
