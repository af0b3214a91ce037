/** A census entry (and its agency) as a `CatalogDataset`, before any release. Pure. */
import type { CensusForm, Labels } from '../../census/census.form.js';
import { DEFAULT_DOMAINS, MODALITY } from '../../census/census.form.js';
import type { CatalogDataset, CatalogPublisher } from './types.js';

/**
 * The metadata view of a census entry: no distributions until a release adds them.
 *
 * @example catalogDatasetFromCensus({ id: 'e1', form, createdAt, updatedAt }, { name: '서울특별시' }, { baseUrl: 'https://data.example.kr' })
 */
export function catalogDatasetFromCensus(
  entry: { id: string; form: CensusForm; createdAt: string; updatedAt: string },
  publisher: CatalogPublisher,
  opts: { baseUrl: string; domains?: Record<string, Labels> },
): CatalogDataset {
  const f = entry.form;
  const domains = opts.domains ?? DEFAULT_DOMAINS;
  const labels = domains[f.domain] ?? { ko: f.domain, en: f.domain };
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/datasets/${encodeURIComponent(entry.id)}`;
  return {
    id: entry.id,
    url,
    title: { ko: f.title, ...(f.titleEn ? { en: f.titleEn } : {}) },
    description: { ko: f.description, ...(f.descriptionEn ? { en: f.descriptionEn } : {}) },
    publisher,
    domain: { key: f.domain, labels },
    keywords: [labels.ko, MODALITY.labels[f.modality].ko, ...f.formats],
    modality: f.modality,
    formats: f.formats,
    ...(f.licence ? { licence: f.licence } : {}),
    provisionScope: f.provisionScope,
    personalInfo: f.personalInfo,
    ...(f.collectionStart || f.collectionEnd
      ? {
          temporal: {
            ...(f.collectionStart ? { start: f.collectionStart } : {}),
            ...(f.collectionEnd ? { end: f.collectionEnd } : {}),
          },
        }
      : {}),
    ...(f.updateCycle ? { updateCycle: f.updateCycle } : {}),
    created: entry.createdAt,
    modified: entry.updatedAt,
    relatedUrls: f.urls,
    distributions: [],
  };
}
