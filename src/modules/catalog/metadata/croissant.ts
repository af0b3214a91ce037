/**
 * Croissant 1.1 (MLCommons) JSON-LD for one dataset: schema.org `Dataset` plus the files
 * (`cr:FileObject`) and their structure (`cr:RecordSet` of `cr:Field`), so ML tools can load it.
 * Pure. The context is the spec's Appendix 1 context, inlined, with `@language` set to the
 * document's language and `@base` to the dataset page so short `@id`s resolve.
 */
import { licenceUrl } from './licence.js';
import type { JsonObject } from './schemaorg.js';
import type { CatalogDataset, CatalogDistribution, FieldDataType } from './types.js';

export const CROISSANT_1_1 = 'http://mlcommons.org/croissant/1.1';

/** The recommended Croissant 1.1 JSON-LD context (spec Appendix 1, plus the 1.0 terms still in use). */
export const CROISSANT_CONTEXT: JsonObject = {
  '@vocab': 'http://schema.org/',
  sc: 'http://schema.org/',
  cr: 'http://mlcommons.org/croissant/',
  rai: 'http://mlcommons.org/croissant/RAI/',
  dct: 'http://purl.org/dc/terms/',
  annotation: 'cr:annotation',
  arrayShape: 'cr:arrayShape',
  citeAs: 'cr:citeAs',
  column: 'cr:column',
  conformsTo: 'dct:conformsTo',
  containedIn: 'cr:containedIn',
  data: { '@id': 'cr:data', '@type': '@json' },
  dataType: { '@id': 'cr:dataType', '@type': '@vocab' },
  equivalentProperty: 'cr:equivalentProperty',
  examples: { '@id': 'cr:examples', '@type': '@json' },
  excludes: 'cr:excludes',
  extract: 'cr:extract',
  field: 'cr:field',
  fileProperty: 'cr:fileProperty',
  fileObject: 'cr:fileObject',
  fileSet: 'cr:fileSet',
  format: 'cr:format',
  includes: 'cr:includes',
  isArray: 'cr:isArray',
  isLiveDataset: 'cr:isLiveDataset',
  jsonPath: 'cr:jsonPath',
  key: 'cr:key',
  md5: 'cr:md5',
  parentField: 'cr:parentField',
  path: 'cr:path',
  readLines: 'cr:readLines',
  recordSet: 'cr:recordSet',
  references: 'cr:references',
  regex: 'cr:regex',
  repeated: 'cr:repeated',
  replace: 'cr:replace',
  samplingRate: 'cr:samplingRate',
  sdVersion: 'cr:sdVersion',
  separator: 'cr:separator',
  source: 'cr:source',
  subField: 'cr:subField',
  transform: 'cr:transform',
  unArchive: 'cr:unArchive',
  value: 'cr:value',
};

const DATA_TYPES: Record<FieldDataType, string> = {
  text: 'sc:Text',
  integer: 'sc:Integer',
  float: 'sc:Float',
  boolean: 'sc:Boolean',
  date: 'sc:Date',
  datetime: 'sc:DateTime',
  url: 'sc:URL',
  image: 'sc:ImageObject',
  audio: 'sc:AudioObject',
};

/** An `@id` safe as a relative IRI reference. */
const idOf = (s: string) => encodeURIComponent(s);

function fileObject(f: CatalogDistribution): JsonObject {
  return {
    '@type': 'cr:FileObject',
    '@id': idOf(f.id),
    name: f.name,
    contentUrl: f.contentUrl,
    encodingFormat: f.encodingFormat,
    ...(f.sizeBytes !== undefined ? { contentSize: `${f.sizeBytes} B` } : {}),
    ...(f.sha256 ? { sha256: f.sha256 } : {}),
  };
}

function recordSet(f: CatalogDistribution): JsonObject | undefined {
  if (!f.recordSet || f.recordSet.fields.length === 0) return undefined;
  const rsId = `${idOf(f.id)}-records`;
  return {
    '@type': 'cr:RecordSet',
    '@id': rsId,
    name: `${f.name} records`,
    field: f.recordSet.fields.map((field) => ({
      '@type': 'cr:Field',
      '@id': `${rsId}/${idOf(field.name)}`,
      name: field.name,
      ...(field.description ? { description: field.description } : {}),
      dataType: DATA_TYPES[field.dataType],
      source: { fileObject: { '@id': idOf(f.id) }, extract: { column: field.column ?? field.name } },
    })),
  };
}

/**
 * Croissant 1.1 JSON-LD for a dataset. Written in English when the entry has an English title
 * and description, else in Korean. A census-only entry (no distributions) gets `distribution: []`:
 * it describes the dataset but cannot be loaded; `checkCroissant` reports it unless told
 * `{ requireDistribution: false }` (see docs/metadata.md).
 *
 * @example croissant(d).conformsTo // 'http://mlcommons.org/croissant/1.1'
 */
export function croissant(d: CatalogDataset): JsonObject {
  const en = d.title.en !== undefined && d.description.en !== undefined;
  const name = en ? d.title.en! : d.title.ko;
  const description = en ? d.description.en! : d.description.ko;
  const publisherName = en && d.publisher.nameEn ? d.publisher.nameEn : d.publisher.name;
  const published = d.issued ?? d.created;
  const licence = licenceUrl(d.licence) ?? (d.licence ? { '@type': 'sc:CreativeWork', name: d.licence } : undefined);
  const creator = {
    '@type': 'sc:Organization',
    name: publisherName,
    ...(d.publisher.url ? { url: d.publisher.url } : {}),
  };
  const recordSets = d.distributions.map(recordSet).filter((r): r is JsonObject => r !== undefined);
  return {
    '@context': { '@language': en ? 'en' : 'ko', '@base': d.url.endsWith('/') ? d.url : `${d.url}/`, ...CROISSANT_CONTEXT },
    '@type': 'sc:Dataset',
    conformsTo: CROISSANT_1_1,
    name,
    ...(en
      ? { alternateName: { '@value': d.title.ko, '@language': 'ko' } }
      : d.title.en
        ? { alternateName: { '@value': d.title.en, '@language': 'en' } }
        : {}),
    description,
    url: d.url,
    identifier: d.id,
    ...(licence ? { license: licence } : {}),
    citeAs: `${publisherName}. (${published.slice(0, 4)}). ${name}. ${d.url}`,
    creator,
    publisher: creator,
    datePublished: published,
    dateCreated: d.created,
    dateModified: d.modified,
    ...(d.version ? { version: d.version } : {}),
    inLanguage: 'ko',
    keywords: [...new Set([...d.keywords, en ? d.domain.labels.en : d.domain.labels.ko])],
    isLiveDataset: d.updateCycle === 'realtime' || d.updateCycle === 'daily',
    distribution: d.distributions.map(fileObject),
    ...(recordSets.length > 0 ? { recordSet: recordSets } : {}),
  };
}
