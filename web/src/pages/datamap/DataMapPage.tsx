// The data map: one search over every accepted dataset. The words, the chosen facet values and the
// order live in the address, so a search can be linked to and the back button undoes a step.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
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
  FACET_KEYS,
  facetValueLabel,
  fetchSearch,
  type FacetCount,
  type FacetKey,
  type SearchResult,
  type SortKey,
} from './catalogApi';

const STATUSES = new Set(['draft', 'submitted', 'returned', 'accepted']);

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

  const setFacet = (key: FacetKey, value: string | undefined) =>
    void navigate({ search: (prev) => ({ ...prev, [key]: value }), resetScroll: false, state: { keepFocus: true } });
  const setSort = (sort: SortKey) =>
    void navigate({ search: (prev) => ({ ...prev, sort }), resetScroll: false, state: { keepFocus: true } });

  const first = results.data?.pages[0];
  const items = results.data?.pages.flatMap((p) => p.results) ?? [];
  const selected = FACET_KEYS.filter((key) => search[key] !== undefined);
  const valueLabel = (key: FacetKey, value: string) =>
    facetValueLabel(definition, key, value, lang, first?.facets[key]?.find((f) => f.value === value)?.label);

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
            <div className="form-conts">
              <input
                id="datamap-q"
                type="search"
                className="krds-input"
                value={words}
                placeholder={t('datamap.placeholder')}
                onChange={(e) => setWords(e.target.value)}
                enterKeyHint="search"
              />
            </div>
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
                counts={first.facets[key] ?? []}
                selected={search[key]}
                definition={definition}
                onChange={(value) => setFacet(key, value)}
              />
            ))
          ) : results.isPending ? (
            <Loading />
          ) : null}
        </aside>

        <section className="dd-map-results" aria-labelledby="results-title">
          <div className="dd-section-head">
            <h2 id="results-title" className="dd-subtitle" tabIndex={-1} ref={resultsHeading}>
              {search.q ? t('datamap.resultsFor', { q: search.q }) : t('datamap.results')}
            </h2>
            <div className="dd-map-sort">
              <label htmlFor="datamap-sort">{t('datamap.sort')}</label>
              <select
                id="datamap-sort"
                className="krds-form-select small"
                value={search.sort ?? (search.q ? 'relevance' : 'newest')}
                onChange={(e) => setSort(e.target.value as SortKey)}
              >
                <option value="relevance">{t('datamap.sortRelevance')}</option>
                <option value="newest">{t('datamap.sortNewest')}</option>
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
                {selected.map((key) => (
                  <span className="krds-btn-tag" key={key}>
                    {t(`datamap.facets.${key}`)}: {valueLabel(key, search[key] ?? '')}
                    <button type="button" className="btn-delete" onClick={() => setFacet(key, undefined)}>
                      <span className="sr-only">
                        {t('datamap.removeFilter', { name: `${t(`datamap.facets.${key}`)} ${valueLabel(key, search[key] ?? '')}` })}
                      </span>
                    </button>
                  </span>
                ))}
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
              {results.hasNextPage && (
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
  selected: string | undefined;
  definition: FormDefinition | undefined;
  onChange: (value: string | undefined) => void;
}) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const [all, setAll] = useState(false);
  if (counts.length === 0 && !selected) return null;
  const list = selected && !counts.some((c) => c.value === selected) ? [{ value: selected, count: 0 }, ...counts] : counts;
  const shown = all ? list : list.slice(0, SHOWN);
  const id = `facet-${facetKey}`;
  return (
    <fieldset className="dd-map-facet">
      <legend className="dd-map-facet-title">{t(`datamap.facets.${facetKey}`)}</legend>
      <ul className="krds-check-area dd-map-facet-list" id={id}>
        {shown.map((c) => (
          <li className="krds-form-check small" key={c.value}>
            <input
              type="checkbox"
              id={`${id}-${c.value}`}
              checked={selected === c.value}
              onChange={(e) => onChange(e.target.checked ? c.value : undefined)}
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
      {list.length > SHOWN && (
        <button type="button" className="krds-btn text small" aria-expanded={all} aria-controls={id} onClick={() => setAll((v) => !v)}>
          {all ? t('datamap.showFewer') : t('datamap.showAll', { count: list.length })}
        </button>
      )}
    </fieldset>
  );
}
