// The data map: one search over every accepted dataset. The words, the chosen facet values (several
// per facet: any of them matches) and the order live in the address, so a search can be linked to
// and the back button undoes a step.
import { keepPreviousData, useInfiniteQuery, useQueries, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useTitle } from '../../components/useTitle';
import { currentLanguage } from '../../i18n';
import { formQuery, type FormDefinition } from '../census/censusApi';
import { ErrorBox, formatDate, formatNumber, Loading, StatusBadge } from '../census/common';
import { DataMapBreadcrumb } from './common';
import {
  catalogKeys,
  defaultSort,
  FACET_KEYS,
  facetQuery,
  facetValueLabel,
  fetchSearch,
  SORT_KEYS,
  type FacetCount,
  type FacetKey,
  type SearchResult,
  type SortKey,
} from './catalogApi';
import { SearchBox } from './SearchBox';

const STATUSES = new Set(['draft', 'submitted', 'returned', 'accepted']);

const SORT_LABELS = {
  relevance: 'datamap.sortRelevance',
  newest: 'datamap.sortNewest',
  title: 'datamap.sortTitle',
  most_used: 'datamap.sortMostUsed',
} as const satisfies Record<SortKey, string>;

export function DataMapPage() {
  const { t } = useTranslation();
  useTitle(t('modules.data-map.full'));
  const search = useSearch({ from: '/datamap' });
  const navigate = useNavigate({ from: '/datamap' });
  const definition = useQuery(formQuery).data;
  const lang = currentLanguage();
  const [words, setWords] = useState(search.q ?? '');
  const resultsHeading = useRef<HTMLHeadingElement>(null);
  const focusResults = useRef(false);

  // The address changed (back button, a link): show its words in the box.
  useEffect(() => setWords(search.q ?? ''), [search.q]);

  const results = useInfiniteQuery({
    queryKey: catalogKeys.search(search),
    queryFn: ({ pageParam, signal }) => fetchSearch(search, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // While a changed search loads, the facets stay (and the box just ticked keeps focus).
    placeholderData: keepPreviousData,
  });

  // After a search the results heading takes focus, so that screen readers continue from there.
  useEffect(() => {
    if (focusResults.current && !results.isFetching) {
      focusResults.current = false;
      resultsHeading.current?.focus();
    }
  }, [results.isFetching]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    focusResults.current = true;
    const q = words.trim();
    void navigate({ search: (prev) => ({ ...prev, q: q || undefined }), resetScroll: false }).then(() => {
      // The same search again: nothing to fetch, focus now.
      if (!results.isFetching && focusResults.current) {
        focusResults.current = false;
        resultsHeading.current?.focus();
      }
    });
  }

  const setFacet = (key: FacetKey, values: string[]) =>
    void navigate({
      search: (prev) => ({ ...prev, [key]: values.length > 0 ? values : undefined }),
      resetScroll: false,
      state: { keepFocus: true },
    });
  const setSort = (sort: SortKey) =>
    void navigate({ search: (prev) => ({ ...prev, sort }), resetScroll: false, state: { keepFocus: true } });

  const first = results.data?.pages[0];
  const items = results.data?.pages.flatMap((p) => p.results) ?? [];
  const selected = FACET_KEYS.filter((key) => (search[key]?.length ?? 0) > 0);

  // A facet with chosen values counts its values as if none were chosen, so that more can be added
  // ("any of them"); the other facets count within the results.
  const ownCounts = useQueries({
    queries: selected.map((key) => ({
      ...facetQuery(search, key),
      // The same facet's earlier counts while the new ones load (never another facet's).
      placeholderData: (previous: FacetCount[] | undefined, query?: { queryKey: readonly unknown[] }) =>
        query?.queryKey[2] === key ? previous : undefined,
    })),
  });
  const countsOf = (key: FacetKey): FacetCount[] => {
    const own = selected.indexOf(key) >= 0 ? ownCounts[selected.indexOf(key)]?.data : undefined;
    return own ?? first?.facets[key] ?? [];
  };
  const valueLabel = (key: FacetKey, value: string) =>
    facetValueLabel(definition, key, value, lang, countsOf(key).find((f) => f.value === value)?.label);
  const sorts = SORT_KEYS.filter((key) => key !== 'relevance' || search.q);

  return (
    <div className="inner dd-section">
      <DataMapBreadcrumb />
      <div className="dd-page-head">
        <h1 className="dd-page-title">{t('modules.data-map.full')}</h1>
      </div>
      <p className="dd-body dd-census-lead">{t('datamap.lead')}</p>

      <form className="dd-map-search" role="search" onSubmit={onSubmit}>
        <div className="form-group">
          <div className="form-tit">
            <label htmlFor="datamap-q">{t('datamap.searchLabel')}</label>
          </div>
          <div className="dd-map-search-row">
            <SearchBox id="datamap-q" value={words} onChange={setWords} />
            <button type="submit" className="krds-btn primary large">
              {t('datamap.search')}
            </button>
          </div>
        </div>
      </form>

      <div className="dd-map-layout">
        <aside className="dd-map-facets" aria-labelledby="facets-title">
          <h2 id="facets-title" className="dd-subtitle">
            {t('datamap.filters')}
          </h2>
          {first ? (
            FACET_KEYS.map((key) => (
              <Facet
                key={key}
                facetKey={key}
                counts={countsOf(key)}
                selected={search[key] ?? []}
                definition={definition}
                onChange={(values) => setFacet(key, values)}
              />
            ))
          ) : results.isPending ? (
            <Loading />
          ) : null}
        </aside>

        <section className="dd-map-results" aria-labelledby="results-title" aria-busy={results.isPlaceholderData}>
          <div className="dd-section-head">
            <h2 id="results-title" className="dd-subtitle" tabIndex={-1} ref={resultsHeading}>
              {search.q ? t('datamap.resultsFor', { q: search.q }) : t('datamap.results')}
            </h2>
            <div className="dd-map-sort">
              <label htmlFor="datamap-sort">{t('datamap.sort')}</label>
              <select
                id="datamap-sort"
                className="krds-form-select small"
                value={search.sort ?? defaultSort(search)}
                onChange={(e) => setSort(e.target.value as SortKey)}
              >
                {sorts.map((key) => (
                  <option key={key} value={key}>
                    {t(SORT_LABELS[key])}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <p className="dd-map-count" role="status" aria-live="polite">
            {first ? t('datamap.count', { count: first.total, formatted: formatNumber(first.total) }) : ''}
          </p>

          {selected.length > 0 && (
            <div className="dd-map-chips">
              <span className="sr-only">{t('datamap.selectedFilters')}</span>
              <div className="krds-tag-wrap medium">
                {selected.flatMap((key) =>
                  (search[key] ?? []).map((value) => (
                    <span className="krds-btn-tag" key={`${key}:${value}`}>
                      {t(`datamap.facets.${key}`)}: {valueLabel(key, value)}
                      <button
                        type="button"
                        className="btn-delete"
                        onClick={() =>
                          setFacet(
                            key,
                            (search[key] ?? []).filter((v) => v !== value),
                          )
                        }
                      >
                        <span className="sr-only">
                          {t('datamap.removeFilter', { name: `${t(`datamap.facets.${key}`)} ${valueLabel(key, value)}` })}
                        </span>
                      </button>
                    </span>
                  )),
                )}
              </div>
              <button
                type="button"
                className="krds-btn text small"
                onClick={() =>
                  void navigate({
                    search: (prev) => ({ q: prev.q, sort: prev.sort }),
                    resetScroll: false,
                    state: { keepFocus: true },
                  })
                }
              >
                {t('datamap.clearFilters')}
              </button>
            </div>
          )}

          {results.isPending ? (
            <Loading />
          ) : !results.data ? (
            <ErrorBox error={results.error}>
              <button type="button" className="krds-btn secondary small" onClick={() => void results.refetch()}>
                {t('datamap.retry')}
              </button>
            </ErrorBox>
          ) : items.length === 0 ? (
            <div className="dd-notice">
              <p className="dd-notice-title">{t('datamap.emptyTitle')}</p>
              <p>{search.q || selected.length > 0 ? t('datamap.emptyHint') : t('datamap.emptyCatalog')}</p>
            </div>
          ) : (
            <>
              <ResultList items={items} definition={definition} />
              {results.hasNextPage && !results.isPlaceholderData && (
                <div className="dd-map-more">
                  <button
                    type="button"
                    className="krds-btn secondary medium"
                    disabled={results.isFetchingNextPage}
                    onClick={() => void results.fetchNextPage()}
                  >
                    {results.isFetchingNextPage ? t('common.loading') : t('datamap.loadMore')}
                  </button>
                </div>
              )}
              {results.isError && <ErrorBox error={results.error} />}
            </>
          )}
        </section>
      </div>
    </div>
  );
}

function ResultList({ items, definition }: { items: SearchResult['results']; definition: FormDefinition | undefined }) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  return (
    <ul className="krds-structured-list type-full dd-map-list">
      {items.map((hit) => (
        <li className="structured-item" key={hit.id}>
          <div className="in">
            <div className="card-body">
              <div className="c-text">
                <h3 className="c-tit">
                  <Link to="/datasets/$id" params={{ id: hit.id }} className="span">
                    {hit.title}
                  </Link>
                  {hit.status !== 'accepted' && STATUSES.has(hit.status) && (
                    <StatusBadge status={hit.status as 'draft' | 'submitted' | 'returned' | 'accepted'} />
                  )}
                </h3>
                <p className="c-date">
                  <strong className="key">{t('datamap.agency')}</strong>
                  <span className="value">{hit.agency}</span>
                  <strong className="key">{t('datamap.updated')}</strong>
                  <span className="value">{formatDate(hit.updatedAt)}</span>
                  {typeof hit.uses === 'number' && (
                    <span className="dd-map-uses">{t('datamap.uses', { count: hit.uses, formatted: formatNumber(hit.uses) })}</span>
                  )}
                </p>
              </div>
            </div>
            {(hit.domain || hit.modality) && (
              <div className="card-btm">
                {hit.domain && <span className="tag">{facetValueLabel(definition, 'domain', hit.domain, lang)}</span>}
                {hit.modality && <span className="tag">{facetValueLabel(definition, 'modality', hit.modality, lang)}</span>}
              </div>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

const SHOWN = 8;

function Facet({
  facetKey,
  counts,
  selected,
  definition,
  onChange,
}: {
  facetKey: FacetKey;
  counts: FacetCount[];
  selected: string[];
  definition: FormDefinition | undefined;
  onChange: (values: string[]) => void;
}) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const [all, setAll] = useState(false);
  const listRef = useRef<HTMLUListElement>(null);
  if (counts.length === 0 && selected.length === 0) return null;
  // Chosen values stay in the list (and in its short form) even when nothing is counted for them.
  const missing = selected.filter((value) => !counts.some((c) => c.value === value)).map((value) => ({ value, count: 0 }));
  const list: FacetCount[] = [...missing, ...counts];
  const shown = all ? list : list.filter((c, index) => index < SHOWN || selected.includes(c.value));
  const id = `facet-${facetKey}`;
  const name = t(`datamap.facets.${facetKey}`);
  return (
    <fieldset className="dd-map-facet">
      <legend className="dd-map-facet-title">{name}</legend>
      <ul className="krds-check-area dd-map-facet-list" id={id} ref={listRef}>
        {shown.map((c) => (
          <li className="krds-form-check small" key={c.value}>
            <input
              type="checkbox"
              id={`${id}-${c.value}`}
              checked={selected.includes(c.value)}
              onChange={(e) => onChange(e.target.checked ? [...selected, c.value] : selected.filter((v) => v !== c.value))}
            />
            <label htmlFor={`${id}-${c.value}`}>
              {facetValueLabel(definition, facetKey, c.value, lang, c.label)}
              <span className="dd-map-facet-count">
                <span className="sr-only">, </span>
                {t('datamap.facetCount', { count: c.count, formatted: formatNumber(c.count) })}
              </span>
            </label>
          </li>
        ))}
      </ul>
      {(list.length > SHOWN || selected.length > 0) && (
        <div className="dd-map-facet-actions">
          {list.length > SHOWN && (
            <button type="button" className="krds-btn text small" aria-expanded={all} aria-controls={id} onClick={() => setAll((v) => !v)}>
              {all ? t('datamap.showFewer') : t('datamap.showAll', { count: list.length })}
            </button>
          )}
          {selected.length > 0 && (
            <button
              type="button"
              className="krds-btn text small"
              aria-label={t('datamap.clearFacet', { name })}
              onClick={() => {
                // The button goes away: keyboard focus moves to the facet's first box.
                listRef.current?.querySelector('input')?.focus();
                onChange([]);
              }}
            >
              {t('datamap.clearFacetShort')}
            </button>
          )}
        </div>
      )}
    </fieldset>
  );
}
