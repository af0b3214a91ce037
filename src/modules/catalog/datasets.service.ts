/**
 * Dataset pages of the data map (issue 4): one census entry with every field, its lineage, access
 * tier, related datasets and history, and its machine-readable metadata (schema.org, Croissant
 * 1.1, DCAT-AP 3). Reads through the census, catalog and identity services; no I/O of its own.
 *
 * Visibility is the data map's (`canSee`): everyone sees accepted entries; stewards their
 * agency's others; oversight everything. What the caller may not see is a 404, as in the census.
 */
import type { Actor } from '../../core/auth/policy.js';
import { isAppError, notFound } from '../../core/errors.js';
import { MODALITY, PERSONAL_INFO, PROVISION_SCOPE, type CensusForm, type Labels } from '../census/census.form.js';
import type { CensusService, DraftForm, Entry, HistoryItem } from '../census/census.service.js';
import type { EntryStatus } from '../census/census.tables.js';
import type { IdentityService, Organization } from '../identity/identity.service.js';
import { canSee, MAX_WINDOW, type CatalogService } from './catalog.service.js';
import { croissant } from './metadata/croissant.js';
import { dcatCatalogJsonLd, dcatCatalogTurtle } from './metadata/dcat.js';
import { catalogDatasetFromCensus } from './metadata/from-census.js';
import { schemaOrgDataset, type JsonObject } from './metadata/schemaorg.js';
import type { CatalogDataset, CatalogInfo } from './metadata/types.js';

export interface DatasetsServiceDeps {
  census: Pick<CensusService, 'getEntry' | 'entryHistory'>;
  catalog: Pick<CatalogService, 'searchWindow' | 'recordUse'>;
  identity: Pick<IdentityService, 'getOrganization' | 'listOrganizations'>;
  /** The site's public URL: dataset pages and metadata links are made from it. */
  publicUrl: string;
  /** The releases made from a census entry (through its refinery datasets) that the caller may see: the lineage. */
  releasesOf?: (actor: Actor, censusEntryId: string) => Promise<LineageRelease[]>;
  /** What a release tells a dataset page: its quality summary, and sample rows if the caller may preview them. */
  releaseExtras?: ReleaseExtras;
}

export interface ReleaseExtras {
  /** The release's quality indicators; null when its version was never measured. */
  quality(actor: Actor, releaseId: string): Promise<DatasetQuality | null>;
  /** The first rows of the release's first table, if the caller may preview them; null otherwise. */
  samples(actor: Actor, releaseId: string, rows: number): Promise<DatasetSamples | null>;
}

export interface DatasetQuality {
  releaseId: string;
  semver: string;
  records: number | null;
  indicators: Array<{ id: string; name: Labels; value: number | null }>;
}

export interface DatasetSamples {
  releaseId: string;
  semver: string;
  path: string;
  columns: Array<{ name: string; type: string }>;
  rows: Array<Record<string, unknown>>;
}

/** Sample rows a dataset page shows. */
export const SAMPLE_ROWS = 5;
/** Releases, newest first, looked at for a quality summary or samples before giving up. */
const RELEASES_TRIED = 3;

/** A release on a dataset page's lineage: census entry → refinery dataset → release. */
export interface LineageRelease {
  id: string;
  datasetId: string;
  versionId: string;
  semver: string;
  tier: string;
  createdAt: string;
  withdrawnAt: string | null;
  url: string;
}

export interface RelatedDataset {
  id: string;
  title: string;
  agency: string;
  agencyId: string;
  domain: string | null;
  /** Why it is related: the same agency or the same domain. */
  relation: 'agency' | 'domain';
}

export interface DatasetView {
  id: string;
  kind: 'census_entry';
  status: EntryStatus;
  title: string;
  titleEn: string | null;
  description: string;
  descriptionEn: string | null;
  agency: { id: string; name: string; nameEn: string | null; code: string | null };
  form: DraftForm;
  /** The scope of provision (개방, 조건부, 안심구역, 제공 불가); null while a draft leaves it empty. */
  accessTier: { scope: string; labels: Labels } | null;
  /** Where the dataset comes from and what was released of it: releases come with the release module. */
  lineage: { censusEntryId: string; releases: LineageRelease[] };
  /** The quality indicators of the newest release that has them. */
  quality: DatasetQuality | null;
  /** The first rows of the newest release the caller may preview. */
  samples: DatasetSamples | null;
  /** Only for callers who may read the entry's history (its agency's stewards and oversight). */
  history?: HistoryItem[];
  related: RelatedDataset[];
  metadata: { croissantUrl: string; dcatUrl: string; schemaOrg: JsonObject };
}

export interface DcatPage {
  total: number;
  page: number;
  pageSize: number;
  /** The number of the next page, or null on the last. */
  nextPage: number | null;
  datasets: CatalogDataset[];
}

export const DCAT_DEFAULT_PAGE_SIZE = MAX_WINDOW;
export const RELATED_LIMIT = 5;
/** The census API is for signed-in users; the data map reads as the platform and applies its own rule. */
const PLATFORM: Actor = { kind: 'system', name: 'data-map' };
const ANONYMOUS: Actor = { kind: 'anonymous' };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const oneOf = <K extends string>(keys: readonly K[], v: unknown, fallback: K): K =>
  typeof v === 'string' && (keys as readonly string[]).includes(v) ? (v as K) : fallback;

/**
 * A census entry's form as the metadata generators need it, read leniently: a draft may leave
 * anything empty, so missing choices fall back to neutral values (metadata of drafts is only ever
 * shown to their stewards).
 */
export function completeForm(entry: Entry): CensusForm {
  const f = entry.form;
  return {
    ...f,
    title: str(f.title) ?? entry.title ?? '(제목 없음)',
    description: str(f.description) ?? '',
    readiness: f.readiness ?? 'raw',
    structure: f.structure ?? 'structured',
    modality: oneOf(MODALITY.keys, f.modality, 'multimodal'),
    domain: str(f.domain) ?? 'public_administration',
    formats: f.formats ?? [],
    provisionScope: oneOf(PROVISION_SCOPE.keys, f.provisionScope, 'not_providable'),
    personalInfo: oneOf(PERSONAL_INFO.keys, f.personalInfo, 'none'),
    sensitiveCategories: f.sensitiveCategories ?? [],
    sampleAvailability: f.sampleAvailability ?? 'none',
    urls: f.urls ?? [],
  } as CensusForm;
}

export function createDatasetsService({ census, catalog, identity, publicUrl, releasesOf, releaseExtras }: DatasetsServiceDeps) {
  const base = publicUrl.replace(/\/+$/, '');
  const catalogInfo: CatalogInfo = {
    id: `${base}/api/v1/catalog/dcat.jsonld`,
    title: { ko: 'datadam 데이터 지도', en: 'datadam data map' },
    description: {
      ko: '공공기관이 보유한 AI 학습용 데이터와 원천 데이터의 목록',
      en: 'The AI-training and raw data held by public bodies',
    },
    homepage: `${base}/`,
    publisher: { name: 'datadam', url: `${base}/` },
    language: ['ko', 'en'],
  };

  /** The live entry if the actor may see it on the data map; otherwise 404. */
  async function visibleEntry(actor: Actor, id: string): Promise<Entry> {
    const entry = await census.getEntry(PLATFORM, id);
    if (!canSee(actor, entry)) throw notFound(`Dataset ${id}`);
    return entry;
  }

  function toCatalogDataset(entry: Entry, org: Organization): CatalogDataset {
    return catalogDatasetFromCensus(
      { id: entry.id, form: completeForm(entry), createdAt: entry.createdAt, updatedAt: entry.updatedAt },
      { name: org.name, ...(org.nameEn ? { nameEn: org.nameEn } : {}), ...(org.code ? { code: org.code } : {}) },
      { baseUrl: base },
    );
  }

  async function relatedTo(actor: Actor, entry: Entry): Promise<RelatedDataset[]> {
    const out: RelatedDataset[] = [];
    const seen = new Set([entry.id]);
    const lookups: Array<['agency' | 'domain', { agency?: string; domain?: string }]> = [['agency', { agency: entry.orgId }]];
    if (entry.domain) lookups.push(['domain', { domain: entry.domain }]);
    for (const [relation, query] of lookups) {
      if (out.length >= RELATED_LIMIT) break;
      const { results } = await catalog.searchWindow(actor, query, { offset: 0, limit: RELATED_LIMIT + 1 });
      for (const hit of results) {
        if (out.length >= RELATED_LIMIT || seen.has(hit.id)) continue;
        seen.add(hit.id);
        out.push({ id: hit.id, title: hit.title, agency: hit.agency, agencyId: hit.agencyId, domain: hit.domain, relation });
      }
    }
    return out;
  }

  /** The first answer `look` gives for the newest live releases (at most RELEASES_TRIED of them). */
  async function fromNewest<T>(releases: LineageRelease[], look: (id: string) => Promise<T | null>): Promise<T | null> {
    const live = releases.filter((r) => r.withdrawnAt === null).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    for (const release of live.slice(0, RELEASES_TRIED)) {
      const found = await look(release.id);
      if (found) return found;
    }
    return null;
  }

  async function historyFor(actor: Actor, id: string): Promise<HistoryItem[] | undefined> {
    try {
      return (await census.entryHistory(actor, id)).items;
    } catch (error) {
      if (isAppError(error) && [401, 403, 404].includes(error.status)) return undefined;
      throw error;
    }
  }

  return {
    /**
     * One dataset page's data, as the caller may see it.
     *
     * @example await datasets.getDataset({ kind: 'anonymous' }, entryId) // { id, kind: 'census_entry', title, … }
     */
    async getDataset(actor: Actor, id: string): Promise<DatasetView> {
      const entry = await visibleEntry(actor, id);
      // A visit by someone outside the agency is a use of its data ("most used" on the data map).
      if (actor.kind === 'anonymous' || (actor.kind === 'user' && !actor.memberships.some((m) => m.orgId === entry.orgId))) {
        await catalog.recordUse(entry.id);
      }
      const org = await identity.getOrganization(entry.orgId);
      const form = completeForm(entry);
      const dataset = toCatalogDataset(entry, org);
      const history = await historyFor(actor, id);
      const scope = entry.form.provisionScope;
      const releases = releasesOf ? await releasesOf(actor, entry.id) : [];
      return {
        id: entry.id,
        kind: 'census_entry',
        status: entry.status,
        title: form.title,
        titleEn: form.titleEn ?? null,
        description: form.description,
        descriptionEn: form.descriptionEn ?? null,
        agency: { id: org.id, name: org.name, nameEn: org.nameEn, code: org.code },
        form: entry.form,
        accessTier: scope ? { scope, labels: PROVISION_SCOPE.labels[scope] } : null,
        lineage: { censusEntryId: entry.id, releases },
        quality: releaseExtras ? await fromNewest(releases, (releaseId) => releaseExtras.quality(actor, releaseId)) : null,
        samples: releaseExtras ? await fromNewest(releases, (releaseId) => releaseExtras.samples(actor, releaseId, SAMPLE_ROWS)) : null,
        ...(history ? { history } : {}),
        related: await relatedTo(actor, entry),
        metadata: {
          croissantUrl: `${base}/api/v1/catalog/datasets/${encodeURIComponent(entry.id)}/croissant.json`,
          dcatUrl: `${base}/api/v1/catalog/dcat.jsonld`,
          schemaOrg: schemaOrgDataset(dataset, { lang: 'ko' }),
        },
      };
    },

    /**
     * Croissant 1.1 JSON-LD of a dataset the caller may see (metadata only until a release adds files).
     *
     * @example (await datasets.croissant(actor, id)).conformsTo // 'http://mlcommons.org/croissant/1.1'
     */
    async croissant(actor: Actor, id: string): Promise<JsonObject> {
      const entry = await visibleEntry(actor, id);
      return croissant(toCatalogDataset(entry, await identity.getOrganization(entry.orgId)));
    },

    /**
     * The schema.org `Dataset` (Korean) of a dataset anonymous users may see, for its public page;
     * null for anything else, unknown ids included.
     *
     * @example (await datasets.publicSchemaOrg(id))?.name // '서울시 공영주차장 현황'
     */
    async publicSchemaOrg(id: string): Promise<JsonObject | null> {
      try {
        const entry = await visibleEntry(ANONYMOUS, id);
        return schemaOrgDataset(toCatalogDataset(entry, await identity.getOrganization(entry.orgId)), { lang: 'ko' });
      } catch (error) {
        if (isAppError(error) && error.status === 404) return null;
        throw error;
      }
    },

    /**
     * One page of the public catalog (what anonymous users see), by title, for DCAT.
     *
     * @example await datasets.dcatPage({ page: 1, pageSize: 1000 }) // { total, page: 1, nextPage: null, datasets }
     */
    async dcatPage(window: { page?: number | undefined; pageSize?: number | undefined }): Promise<DcatPage> {
      const page = Math.max(1, Math.floor(window.page ?? 1));
      const pageSize = Math.min(Math.max(1, Math.floor(window.pageSize ?? DCAT_DEFAULT_PAGE_SIZE)), MAX_WINDOW);
      const { total, results } = await catalog.searchWindow(
        ANONYMOUS,
        { sort: 'title' },
        { offset: (page - 1) * pageSize, limit: pageSize },
      );
      const orgs = new Map((await identity.listOrganizations()).map((o) => [o.id, o]));
      const datasets: CatalogDataset[] = [];
      for (const hit of results) {
        const entry = await census.getEntry(PLATFORM, hit.id).catch((error: unknown) => {
          if (isAppError(error) && error.status === 404) return undefined;
          throw error;
        });
        // The index may lag the census by a moment; the live entry decides.
        if (!entry || !canSee(ANONYMOUS, entry)) continue;
        const org = orgs.get(entry.orgId) ?? (await identity.getOrganization(entry.orgId));
        datasets.push(toCatalogDataset(entry, org));
      }
      return { total, page, pageSize, nextPage: page * pageSize < total ? page + 1 : null, datasets };
    },

    /** The catalog's own description (its IRI, titles, publisher). */
    catalogInfo,

    /** A DCAT page as JSON-LD. */
    dcatJsonLd: (page: DcatPage) => dcatCatalogJsonLd(catalogInfo, page.datasets),
    /** A DCAT page as Turtle. */
    dcatTurtle: (page: DcatPage) => dcatCatalogTurtle(catalogInfo, page.datasets),
  };
}

export type DatasetsService = ReturnType<typeof createDatasetsService>;
