/**
 * DCAT-AP 3 for the data map: a `dcat:Catalog` of `dcat:Dataset`s with their distributions, as
 * JSON-LD and as Turtle. Both are written from one graph (rdf.ts), so they hold the same triples.
 * Pure. Vocabularies and mappings are listed in docs/metadata.md.
 */
import { MODALITY } from '../../census/census.form.js';
import { licenceUrl } from './licence.js';
import type { Prefixes, RdfNode, Term } from './rdf.js';
import { toJsonLd, toTurtle } from './rdf.js';
import { partialDateType, XSD } from './temporal.js';
import type {
  CatalogDataset,
  CatalogDistribution,
  CatalogInfo,
  CatalogPublisher,
  LangText,
  ProvisionScopeKey,
  UpdateCycleKey,
} from './types.js';

export const NS = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  spdx: 'http://spdx.org/rdf/terms#',
  xsd: XSD,
} as const;
export const PREFIXES: Prefixes = { ...NS };

const EU = 'http://publications.europa.eu/resource/authority/';

/** Update cycles onto the EU frequency vocabulary. */
export const FREQUENCY: Record<UpdateCycleKey, string> = {
  realtime: `${EU}frequency/UPDATE_CONT`,
  daily: `${EU}frequency/DAILY`,
  weekly: `${EU}frequency/WEEKLY`,
  monthly: `${EU}frequency/MONTHLY`,
  quarterly: `${EU}frequency/QUARTERLY`,
  yearly: `${EU}frequency/ANNUAL`,
  irregular: `${EU}frequency/IRREG`,
  once: `${EU}frequency/NEVER`,
};

/** Scopes of provision onto the EU access-right vocabulary. */
export const ACCESS_RIGHTS: Record<ProvisionScopeKey, string> = {
  open: `${EU}access-right/PUBLIC`,
  conditional: `${EU}access-right/RESTRICTED`,
  safe_zone: `${EU}access-right/NON_PUBLIC`,
  not_providable: `${EU}access-right/NON_PUBLIC`,
};

/** The default domains onto the EU data-theme vocabulary (DCAT-AP's mandatory theme scheme). */
export const DATA_THEMES: Record<string, string> = {
  korean_language: 'EDUC',
  vision: 'TECH',
  healthcare: 'HEAL',
  disaster_safety: 'JUST',
  environment: 'ENVI',
  agriculture: 'AGRI',
  education: 'EDUC',
  autonomous_driving: 'TRAN',
  transport: 'TRAN',
  daily_life: 'SOCI',
  culture_tourism: 'EDUC',
  public_administration: 'GOVE',
  industry_finance: 'ECON',
  welfare: 'SOCI',
  land: 'REGI',
  science: 'TECH',
  law_security: 'JUST',
  food: 'AGRI',
};

const LANGUAGES: Record<string, string> = { ko: 'KOR', en: 'ENG' };

const iri = (s: string): Term => ({ iri: s });
const text = (value: string, lang?: string): Term => (lang ? { value, lang } : { value });
const typed = (value: string, datatype: string): Term => ({ value, datatype });
const p = (prefix: keyof typeof NS, local: string) => NS[prefix] + local;

function langTexts(pred: string, t: LangText): Array<[string, Term]> {
  const out: Array<[string, Term]> = [[pred, text(t.ko, 'ko')]];
  if (t.en) out.push([pred, text(t.en, 'en')]);
  return out;
}

function agent(a: CatalogPublisher): RdfNode {
  const props: Array<[string, Term]> = [[p('foaf', 'name'), text(a.name, 'ko')]];
  if (a.nameEn) props.push([p('foaf', 'name'), text(a.nameEn, 'en')]);
  if (a.code) props.push([p('dct', 'identifier'), text(a.code)]);
  if (a.url) props.push([p('foaf', 'homepage'), iri(a.url)]);
  return { types: [p('foaf', 'Agent')], props };
}

function distribution(d: CatalogDataset, f: CatalogDistribution): RdfNode {
  const props: Array<[string, Term]> = [
    [p('dct', 'identifier'), text(f.id)],
    [p('dct', 'title'), text(f.name)],
    [p('dcat', 'accessURL'), iri(f.contentUrl)],
    [p('dcat', 'downloadURL'), iri(f.contentUrl)],
    [p('dcat', 'mediaType'), iri(`https://www.iana.org/assignments/media-types/${f.encodingFormat}`)],
  ];
  if (f.sizeBytes !== undefined) props.push([p('dcat', 'byteSize'), typed(String(f.sizeBytes), `${XSD}nonNegativeInteger`)]);
  if (f.sha256) {
    props.push([
      p('spdx', 'checksum'),
      {
        types: [p('spdx', 'Checksum')],
        props: [
          [p('spdx', 'algorithm'), iri(p('spdx', 'checksumAlgorithm_sha256'))],
          [p('spdx', 'checksumValue'), typed(f.sha256.toLowerCase(), `${XSD}hexBinary`)],
        ],
      },
    ]);
  }
  const lic = licenceUrl(d.licence);
  if (lic) props.push([p('dct', 'license'), iri(lic)]);
  return { id: `${d.url}#distribution-${encodeURIComponent(f.id)}`, types: [p('dcat', 'Distribution')], props };
}

/**
 * One `dcat:Dataset` node (DCAT-AP 3), its IRI the dataset page.
 *
 * @example dcatDatasetNode(d).types // ['http://www.w3.org/ns/dcat#Dataset']
 */
export function dcatDatasetNode(d: CatalogDataset): RdfNode {
  const props: Array<[string, Term]> = [
    ...langTexts(p('dct', 'title'), d.title),
    ...langTexts(p('dct', 'description'), d.description),
    [p('dct', 'identifier'), text(d.id)],
    [p('dct', 'publisher'), agent(d.publisher)],
    [p('dct', 'issued'), typed(d.issued ?? d.created, `${XSD}dateTime`)],
    [p('dct', 'modified'), typed(d.modified, `${XSD}dateTime`)],
    [p('dcat', 'landingPage'), iri(d.landingPage ?? d.url)],
    [p('dct', 'accessRights'), iri(ACCESS_RIGHTS[d.provisionScope])],
    [p('dct', 'language'), iri(`${EU}language/KOR`)],
  ];
  const theme = DATA_THEMES[d.domain.key];
  if (theme) props.push([p('dcat', 'theme'), iri(`${EU}data-theme/${theme}`)]);
  const keywords = new Set([...d.keywords, d.domain.labels.ko, MODALITY.labels[d.modality].ko]);
  for (const k of keywords) props.push([p('dcat', 'keyword'), text(k, 'ko')]);
  props.push([p('dcat', 'keyword'), text(d.domain.labels.en, 'en')]);
  if (d.updateCycle) props.push([p('dct', 'accrualPeriodicity'), iri(FREQUENCY[d.updateCycle])]);
  const lic = licenceUrl(d.licence);
  if (lic) props.push([p('dct', 'license'), iri(lic)]);
  else if (d.licence) {
    props.push([p('dct', 'license'), { types: [p('dct', 'LicenseDocument')], props: [[p('rdfs', 'label'), text(d.licence, 'ko')]] }]);
  }
  if (d.temporal && (d.temporal.start || d.temporal.end)) {
    const t: Array<[string, Term]> = [];
    if (d.temporal.start) t.push([p('dcat', 'startDate'), typed(d.temporal.start, partialDateType(d.temporal.start))]);
    if (d.temporal.end) t.push([p('dcat', 'endDate'), typed(d.temporal.end, partialDateType(d.temporal.end))]);
    props.push([p('dct', 'temporal'), { types: [p('dct', 'PeriodOfTime')], props: t }]);
  }
  if (d.version) props.push([p('dcat', 'version'), text(d.version)]);
  for (const u of d.relatedUrls) props.push([p('rdfs', 'seeAlso'), iri(u)]);
  for (const f of d.distributions) props.push([p('dcat', 'distribution'), distribution(d, f)]);
  return { id: d.url, types: [p('dcat', 'Dataset')], props };
}

/**
 * The catalog node with its datasets.
 *
 * @example dcatCatalogNode(info, [d]).id // info.id
 */
export function dcatCatalogNode(catalog: CatalogInfo, datasets: CatalogDataset[]): RdfNode {
  const props: Array<[string, Term]> = [
    ...langTexts(p('dct', 'title'), catalog.title),
    ...langTexts(p('dct', 'description'), catalog.description),
    [p('dct', 'publisher'), agent(catalog.publisher)],
    [p('foaf', 'homepage'), iri(catalog.homepage)],
  ];
  for (const l of catalog.language) props.push([p('dct', 'language'), iri(`${EU}language/${LANGUAGES[l] ?? l.toUpperCase()}`)]);
  for (const d of datasets) props.push([p('dcat', 'dataset'), dcatDatasetNode(d)]);
  return { id: catalog.id, types: [p('dcat', 'Catalog')], props };
}

/**
 * The DCAT-AP 3 catalog as JSON-LD, its context inline (nothing to fetch).
 *
 * @example dcatCatalogJsonLd(info, datasets)['@type'] // ['dcat:Catalog']
 */
export function dcatCatalogJsonLd(catalog: CatalogInfo, datasets: CatalogDataset[]): Record<string, unknown> {
  return toJsonLd(dcatCatalogNode(catalog, datasets), PREFIXES);
}

/**
 * The DCAT-AP 3 catalog as Turtle.
 *
 * @example dcatCatalogTurtle(info, datasets).startsWith('@prefix dcat:') // true
 */
export function dcatCatalogTurtle(catalog: CatalogInfo, datasets: CatalogDataset[]): string {
  return toTurtle([dcatCatalogNode(catalog, datasets)], PREFIXES);
}
