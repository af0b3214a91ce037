/**
 * What the metadata generators (schema.org, Croissant, DCAT-AP) need to know about a dataset:
 * a census entry, later joined with its releases. Plain data, no I/O; built by
 * `catalogDatasetFromCensus` (from-census.ts) or by the release module.
 */
import type { Labels, MODALITY, PERSONAL_INFO, PROVISION_SCOPE, UPDATE_CYCLE } from '../../census/census.form.js';

/** Text in Korean, the language every entry has, and optionally in English. */
export type LangText = { ko: string; en?: string };

export type ModalityKey = (typeof MODALITY.keys)[number];
export type ProvisionScopeKey = (typeof PROVISION_SCOPE.keys)[number];
export type PersonalInfoKey = (typeof PERSONAL_INFO.keys)[number];
export type UpdateCycleKey = (typeof UPDATE_CYCLE.keys)[number];

/** The kinds of value a field of a record set holds; each maps to a schema.org type in Croissant. */
export type FieldDataType = 'text' | 'integer' | 'float' | 'boolean' | 'date' | 'datetime' | 'url' | 'image' | 'audio';

export interface CatalogPublisher {
  name: string;
  nameEn?: string;
  /** The agency code (기관코드), when known. */
  code?: string;
  url?: string;
}

export interface CatalogField {
  name: string;
  dataType: FieldDataType;
  description?: string;
  /** The column (CSV) the value comes from; defaults to `name`. */
  column?: string;
}

export interface CatalogDistribution {
  /** Unique within the dataset; used as the Croissant `@id` and in IRIs. */
  id: string;
  name: string;
  contentUrl: string;
  /** A MIME type, e.g. `text/csv`. */
  encodingFormat: string;
  sizeBytes?: number;
  /** Lower-case hex SHA-256 of the file. */
  sha256?: string;
  recordSet?: { fields: CatalogField[] };
}

/** A partial date as the census form accepts it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
export type PartialDate = string;

export interface CatalogDataset {
  id: string;
  /** The public dataset page; also the dataset's IRI in RDF outputs. */
  url: string;
  title: LangText;
  description: LangText;
  publisher: CatalogPublisher;
  domain: { key: string; labels: Labels };
  keywords: string[];
  modality: ModalityKey;
  /** File formats as the census names them (e.g. `CSV`, `JSON`). */
  formats: string[];
  /** A licence URL, or its name (e.g. `공공누리 제1유형`); absent when the steward gave none. */
  licence?: string;
  provisionScope: ProvisionScopeKey;
  personalInfo: PersonalInfoKey;
  temporal?: { start?: PartialDate; end?: PartialDate };
  updateCycle?: UpdateCycleKey;
  /** ISO 8601 date-times. */
  created: string;
  modified: string;
  /** When first published (first release); `created` stands in when absent. */
  issued?: string;
  /** The release version (semantic versioning), when released. */
  version?: string;
  landingPage?: string;
  relatedUrls: string[];
  /** Released files; empty for census-only entries. */
  distributions: CatalogDistribution[];
}

/** The catalog as a whole (the data map), for DCAT. */
export interface CatalogInfo {
  /** The catalog's IRI (e.g. where the DCAT document is served). */
  id: string;
  title: LangText;
  description: LangText;
  homepage: string;
  publisher: CatalogPublisher;
  /** BCP 47 codes of the catalog's languages, e.g. `['ko', 'en']`. */
  language: string[];
}
