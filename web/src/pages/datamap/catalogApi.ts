// The data map's API as the web app uses it: the search (GET /api/v1/catalog/search), the
// autocomplete (GET /api/v1/catalog/suggest), one dataset (GET /api/v1/catalog/datasets/:id), the
// search parameters kept in the address, and the labels of facet values from the census form.
import { queryOptions } from '@tanstack/react-query';
import { api, type QueryOf, type ResponseOf, type Schema } from '../../api';
import type { FormDefinition, Labels } from '../census/censusApi';
import { label } from '../census/formModel';

export const FACET_KEYS = [
  'domain',
  'agency',
  'modality',
  'readiness',
  'provisionScope',
  'format',
  'personalInfo',
  'year',
] as const satisfies ReadonlyArray<keyof Schema<'CatalogSearchResult'>['facets']>;
export type FacetKey = (typeof FACET_KEYS)[number];
export const SORT_KEYS = ['relevance', 'newest', 'title', 'most_used'] as const satisfies ReadonlyArray<
  NonNullable<QueryOf<'/api/v1/catalog/search'>['sort']>
>;
export type SortKey = (typeof SORT_KEYS)[number];

/**
 * What the data map keeps in its address: the words, the chosen facet values (several per facet:
 * any of them matches; facets combine with AND), the order.
 */
export type DataMapSearch = { q?: string; sort?: SortKey } & { [K in FacetKey]?: string[] };

/** The most values of one facet the server takes. */
const MAX_VALUES = 50;

export type SearchResult = Schema<'CatalogSearchResult'>;
/** `uses`: recorded uses, visits to the dataset page by people outside the agency, downloads. */
export type SearchHit = SearchResult['results'][number];
/** `label`: a readable name where the value is an id (agencies). */
export type FacetCount = SearchResult['facets'][FacetKey][number];

/** One autocomplete suggestion: a dataset whose title holds what was typed so far. */
export type Suggestion = Schema<'CatalogSuggestions'>['suggestions'][number];

/** `accessTier`: how it may be reached, the provision scope with its labels. */
export type Dataset = Schema<'Dataset'>;

const text = (value: unknown): string | undefined => {
  const s = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  return typeof s === 'string' && s.trim().length > 0 ? s.trim() : undefined;
};

/** The data map's address parameters, checked: unknown keys and values are dropped, a facet's values listed once. */
export function validateDataMapSearch(search: Record<string, unknown>): DataMapSearch {
  const out: DataMapSearch = {};
  const q = text(search.q);
  if (q) out.q = q;
  const sort = SORT_KEYS.find((s) => s === search.sort);
  // Relevance needs words to be relevant to.
  if (sort && (sort !== 'relevance' || q)) out.sort = sort;
  for (const key of FACET_KEYS) {
    const raw: unknown = search[key];
    const values = [...new Set((Array.isArray(raw) ? raw : [raw]).map(text).filter((v): v is string => v !== undefined))];
    if (values.length > 0) out[key] = values.slice(0, MAX_VALUES);
  }
  return out;
}

/** The order a search is shown in when none is chosen: by relevance with words, the newest first without. */
export const defaultSort = (search: DataMapSearch): SortKey => (search.q ? 'relevance' : 'newest');

export const catalogKeys = {
  search: (search: DataMapSearch) => ['catalog', 'search', search] as const,
  facet: (search: DataMapSearch, key: FacetKey) => ['catalog', 'facet', key, search] as const,
  suggest: (typed: string) => ['catalog', 'suggest', typed] as const,
  dataset: (id: string) => ['catalog', 'dataset', id] as const,
};

export const PAGE_SIZE = 20;

/** A query string with a facet's values as repeated parameters (?domain=a&domain=b). */
function searchQuery(params: Record<string, string | number | readonly string[] | undefined>): string {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined && one !== '') out.append(key, String(one));
    }
  }
  const text = out.toString();
  return text ? `?${text}` : '';
}

export function fetchSearch(search: DataMapSearch, cursor: string | undefined, signal?: AbortSignal): Promise<SearchResult> {
  return api<SearchResult>(`/api/v1/catalog/search${searchQuery({ ...search, limit: PAGE_SIZE, cursor })}`, { signal });
}

/**
 * The counts of one facet as if none of its values were chosen (the other facets and the words
 * still apply), so that a second value of a facet can be added to the first: "any of them".
 */
export const facetQuery = (search: DataMapSearch, key: FacetKey) => {
  const others: DataMapSearch = { ...search, [key]: undefined, sort: undefined };
  return queryOptions({
    queryKey: catalogKeys.facet(others, key),
    queryFn: ({ signal }) =>
      api<SearchResult>(`/api/v1/catalog/search${searchQuery({ ...others, limit: 1 })}`, { signal }).then((r) => r.facets[key] ?? []),
  });
};

/** Up to 8 datasets whose titles hold what was typed so far, the most used first. */
export const suggestQuery = (typed: string) =>
  queryOptions({
    queryKey: catalogKeys.suggest(typed),
    queryFn: ({ signal }) =>
      api<ResponseOf<'/api/v1/catalog/suggest'>>(`/api/v1/catalog/suggest${searchQuery({ q: typed })}`, { signal }).then(
        (r) => r.suggestions,
      ),
    staleTime: 60_000,
  });

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
