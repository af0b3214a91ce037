/**
 * Reading a DCAT catalog page for harvesting, as pure functions: the page's RDF syntax (from its
 * Content-Type, else by sniffing), its triples (Turtle by n3, JSON-LD by jsonld with no network:
 * remote contexts are refused, so a source cannot make us fetch anything), each `dcat:Dataset` as a
 * flat record, and the next page (hydra:next / hydra:nextPage in the page, or a Link rel="next").
 * No I/O; the harvest service fetches pages and stores what these return.
 */
import type { Quad, Term } from 'n3';

export const DCAT = 'http://www.w3.org/ns/dcat#';
export const DCT = 'http://purl.org/dc/terms/';
export const FOAF = 'http://xmlns.com/foaf/0.1/';
export const HYDRA = 'http://www.w3.org/ns/hydra/core#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const RDFS_LABEL = 'http://www.w3.org/2000/01/rdf-schema#label';
const SKOS_PREF_LABEL = 'http://www.w3.org/2004/02/skos/core#prefLabel';
const VCARD_FN = 'http://www.w3.org/2006/vcard/ns#fn';

export type RdfSyntax = 'turtle' | 'jsonld';

/** The Accept header a harvester sends for a DCAT catalog. */
export const DCAT_ACCEPT = 'text/turtle, application/ld+json;q=0.9, application/json;q=0.5, */*;q=0.1';

/** A DCAT dataset as the harvester keeps it. */
export interface DcatDatasetRecord {
  /** dct:identifier, else the dataset's IRI. */
  remoteId: string;
  /** The dataset's IRI, or null for a blank node. */
  iri: string | null;
  /** dct:title in Korean, else English, else without a language, else any. */
  title: string;
  description: string;
  /** Sorted, each once. */
  keywords: string[];
  /** The publisher's foaf:name (Korean first), or null. */
  agency: string | null;
  /** Upper-case formats of its distributions (dct:format, dcat:mediaType), sorted: 'CSV', 'JSON'. */
  formats: string[];
  /** ISO times, or null. */
  modified: string | null;
  issued: string | null;
}

export interface DcatPageContent {
  syntax: RdfSyntax;
  datasets: DcatDatasetRecord[];
  /** Datasets left out because they have neither an identifier nor an IRI. */
  skipped: number;
  /** The next page's absolute URL, or null on the last page. */
  next: string | null;
}

/** Why a page could not be read as a DCAT catalog. */
export class DcatReadError extends Error {
  override name = 'DcatReadError';
}

/**
 * The RDF syntax of a page: by Content-Type first, else by its first character.
 *
 * @example rdfSyntaxOf('text/turtle; charset=utf-8', '') // 'turtle'
 * @example rdfSyntaxOf('application/octet-stream', '  {"@context": {}}') // 'jsonld'
 */
export function rdfSyntaxOf(contentType: string | null, body: string): RdfSyntax {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/turtle' || type === 'application/x-turtle' || type === 'application/n-triples' || type === 'text/n3') return 'turtle';
  if (type === 'application/ld+json' || type === 'application/json' || type.endsWith('+json')) return 'jsonld';
  if (type === 'application/rdf+xml') throw new DcatReadError('RDF/XML catalogs are not supported; ask the source for Turtle or JSON-LD');
  const first = body.replace(/^\uFEFF/, '').trimStart()[0];
  if (first === '{' || first === '[') return 'jsonld';
  if (first === '<' && /^\s*<\?xml|^\s*<rdf:RDF|^\s*<!doctype html|^\s*<html/i.test(body.slice(0, 200))) {
    throw new DcatReadError('the answer is XML or HTML, not a Turtle or JSON-LD catalog');
  }
  return 'turtle';
}

/** A loader for jsonld that fetches nothing: every remote context is refused. */
async function refuseRemoteContexts(url: string): Promise<never> {
  throw new DcatReadError(`remote JSON-LD context ${url} is not fetched; the catalog must carry its context inline`);
}

/**
 * A page's triples (every graph's), its relative IRIs resolved against `baseIri`.
 *
 * @example (await parseRdf('<a> <b> "c" .', 'turtle', 'https://x.kr/')).length // 1
 */
export async function parseRdf(body: string, syntax: RdfSyntax, baseIri: string): Promise<Quad[]> {
  // Loaded on first use: only DCAT harvesting needs them.
  const { Parser } = await import('n3');
  if (syntax === 'turtle') {
    try {
      return new Parser({ format: 'text/turtle', baseIRI: baseIri }).parse(body);
    } catch (error) {
      throw new DcatReadError(`invalid Turtle: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(body.replace(/^\uFEFF/, ''));
  } catch {
    throw new DcatReadError('invalid JSON in the answer');
  }
  const jsonld = (await import('jsonld')).default;
  let nquads: string;
  try {
    nquads = (await jsonld.toRDF(
      doc as Parameters<typeof jsonld.toRDF>[0],
      {
        format: 'application/n-quads',
        base: baseIri,
        documentLoader: refuseRemoteContexts,
      } as Parameters<typeof jsonld.toRDF>[1],
    )) as unknown as string;
  } catch (error) {
    const cause = error instanceof Error ? findCause(error) : String(error);
    throw new DcatReadError(`invalid JSON-LD: ${cause}`);
  }
  return new Parser({ format: 'N-Quads' }).parse(nquads);
}

/** The innermost message of a jsonld error (its `details.cause` chain), which says what went wrong. */
function findCause(error: Error): string {
  let current: unknown = error;
  let message = error.message;
  for (let i = 0; i < 5 && current; i++) {
    if (current instanceof Error) message = current.message;
    const details = (current as { details?: { cause?: unknown } }).details;
    current = details?.cause ?? (current as { cause?: unknown }).cause;
  }
  return message;
}

const keyOf = (t: Term) => `${t.termType}:${t.value}`;

type Index = Map<string, Map<string, Term[]>>;

function indexOf(quads: Quad[]): Index {
  const index: Index = new Map();
  for (const q of quads) {
    const s = keyOf(q.subject);
    let props = index.get(s);
    if (!props) index.set(s, (props = new Map()));
    const list = props.get(q.predicate.value);
    if (list) list.push(q.object);
    else props.set(q.predicate.value, [q.object]);
  }
  return index;
}

const objects = (index: Index, subject: Term, predicate: string): Term[] => index.get(keyOf(subject))?.get(predicate) ?? [];

/** A literal's language, lower case ('' for none). */
const langOf = (t: Term) => (t.termType === 'Literal' ? t.language.toLowerCase() : '');

/**
 * The text to show from a set of literals in several languages: Korean, else English, else one
 * without a language, else the first.
 */
function preferredText(terms: Term[]): string {
  const literals = terms.filter((t) => t.termType === 'Literal' && t.value.trim() !== '');
  const pick =
    literals.find((t) => langOf(t) === 'ko' || langOf(t).startsWith('ko-')) ??
    literals.find((t) => langOf(t) === 'en' || langOf(t).startsWith('en-')) ??
    literals.find((t) => langOf(t) === '') ??
    literals[0];
  return pick ? pick.value.trim() : '';
}

/** Common media types onto the short formats the data map filters by. */
const MEDIA_FORMATS: Record<string, string> = {
  'text/csv': 'CSV',
  'application/csv': 'CSV',
  'text/tab-separated-values': 'TSV',
  'application/json': 'JSON',
  'application/ld+json': 'JSON-LD',
  'application/geo+json': 'GEOJSON',
  'application/xml': 'XML',
  'text/xml': 'XML',
  'text/html': 'HTML',
  'text/plain': 'TXT',
  'text/turtle': 'TTL',
  'application/rdf+xml': 'RDF',
  'application/pdf': 'PDF',
  'application/zip': 'ZIP',
  'application/gzip': 'GZIP',
  'application/vnd.ms-excel': 'XLS',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'XLSX',
  'application/vnd.apache.parquet': 'PARQUET',
  'application/x-parquet': 'PARQUET',
  'application/x-hdf5': 'HDF5',
  'application/x-netcdf': 'NETCDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/tiff': 'TIFF',
};

/**
 * A format from a dct:format or dcat:mediaType value: an EU file-type IRI (…/file-type/CSV), an IANA
 * media-type IRI (…/media-types/text/csv), a media type, or a short name.
 *
 * @example formatOf('http://publications.europa.eu/resource/authority/file-type/CSV') // 'CSV'
 * @example formatOf('https://www.iana.org/assignments/media-types/application/json') // 'JSON'
 */
export function formatOf(value: string): string {
  const v = value.trim();
  const iana = /\/assignments\/media-types\/([^?#]+)$/i.exec(v);
  const media = (iana ? iana[1]! : v).toLowerCase().split(';')[0]!.trim();
  if (MEDIA_FORMATS[media]) return MEDIA_FORMATS[media];
  if (/^[a-z]+\/[\w.+-]+$/.test(media) && !/^https?:/.test(v)) {
    const sub = media.split('/')[1]!.replace(/^(x-|vnd\.)/, '');
    return sub.toUpperCase();
  }
  if (/^https?:\/\//i.test(v)) {
    const last =
      v
        .replace(/[/#]+$/, '')
        .split(/[/#]/)
        .pop() ?? '';
    return last.replace(/\|/g, '').toUpperCase();
  }
  return v.replace(/\|/g, '').toUpperCase();
}

function termFormat(index: Index, t: Term): string {
  if (t.termType === 'NamedNode') return formatOf(t.value);
  if (t.termType === 'Literal') return formatOf(t.value);
  if (t.termType === 'BlankNode') {
    const label = preferredText([...objects(index, t, RDFS_LABEL), ...objects(index, t, SKOS_PREF_LABEL)]);
    return label === '' ? '' : formatOf(label);
  }
  return '';
}

function agencyOf(index: Index, publisher: Term | undefined): string | null {
  if (!publisher) return null;
  if (publisher.termType === 'Literal') return publisher.value.trim() || null;
  for (const predicate of [`${FOAF}name`, SKOS_PREF_LABEL, VCARD_FN, RDFS_LABEL]) {
    const name = preferredText(objects(index, publisher, predicate));
    if (name !== '') return name;
  }
  return null;
}

function isoOf(terms: Term[]): string | null {
  for (const t of terms) {
    if (t.termType !== 'Literal') continue;
    const date = new Date(/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(t.value) ? `${t.value}Z` : t.value);
    if (!Number.isNaN(date.getTime())) return date.toISOString();
  }
  return null;
}

/**
 * Every `dcat:Dataset` of a page's triples as a record; datasets with neither an identifier nor an
 * IRI are counted in `skipped`.
 *
 * @example dcatDatasets(quads).datasets[0]?.title // '서울시 공영주차장 현황'
 */
export function dcatDatasets(quads: Quad[]): { datasets: DcatDatasetRecord[]; skipped: number } {
  const index = indexOf(quads);
  const subjects = new Map<string, Term>();
  for (const q of quads) {
    if (q.predicate.value === RDF_TYPE && q.object.value === `${DCAT}Dataset`) subjects.set(keyOf(q.subject), q.subject);
  }
  const datasets: DcatDatasetRecord[] = [];
  let skipped = 0;
  for (const subject of subjects.values()) {
    const iri = subject.termType === 'NamedNode' ? subject.value : null;
    const identifier = objects(index, subject, `${DCT}identifier`).find((t) => t.termType === 'Literal' && t.value.trim() !== '');
    const remoteId = identifier?.value.trim() ?? iri;
    if (remoteId === null) {
      skipped++;
      continue;
    }
    const keywords = [
      ...new Set(
        objects(index, subject, `${DCAT}keyword`)
          .filter((t) => t.termType === 'Literal')
          .map((t) => t.value.trim())
          .filter((k) => k !== ''),
      ),
    ].sort();
    const formats = new Set<string>();
    for (const distribution of objects(index, subject, `${DCAT}distribution`)) {
      for (const p of [`${DCT}format`, `${DCAT}mediaType`]) {
        for (const t of objects(index, distribution, p)) {
          const f = termFormat(index, t);
          if (f !== '') formats.add(f);
        }
      }
    }
    datasets.push({
      remoteId,
      iri,
      title: preferredText(objects(index, subject, `${DCT}title`)) || remoteId,
      description: preferredText(objects(index, subject, `${DCT}description`)),
      keywords,
      agency: agencyOf(index, objects(index, subject, `${DCT}publisher`)[0]),
      formats: [...formats].sort(),
      modified: isoOf(objects(index, subject, `${DCT}modified`)),
      issued: isoOf(objects(index, subject, `${DCT}issued`)),
    });
  }
  datasets.sort((a, b) => (a.remoteId < b.remoteId ? -1 : a.remoteId > b.remoteId ? 1 : 0));
  return { datasets, skipped };
}

/**
 * The next page a page names with hydra:next (Hydra) or hydra:nextPage (its older spelling), as an
 * absolute URL; null when it names none.
 *
 * @example hydraNext(quads, 'https://x.kr/catalog.ttl?page=1') // 'https://x.kr/catalog.ttl?page=2'
 */
export function hydraNext(quads: Quad[], pageUrl: string): string | null {
  for (const q of quads) {
    if (q.predicate.value !== `${HYDRA}next` && q.predicate.value !== `${HYDRA}nextPage`) continue;
    if (q.object.termType !== 'NamedNode' && q.object.termType !== 'Literal') continue;
    try {
      return new URL(q.object.value, pageUrl).toString();
    } catch {
      continue;
    }
  }
  return null;
}

/**
 * The `rel="next"` target of an HTTP Link header, as an absolute URL.
 *
 * @example linkNext('</c.ttl?page=2>; rel="next"', 'https://x.kr/c.ttl') // 'https://x.kr/c.ttl?page=2'
 */
export function linkNext(header: string | null, pageUrl: string): string | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2]!)?.[1] ?? '';
    if (!rel.toLowerCase().split(/\s+/).includes('next')) continue;
    try {
      return new URL(match[1]!, pageUrl).toString();
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * One page of a DCAT catalog, read: its syntax, datasets and next page (from the page itself, else
 * from its Link header).
 *
 * @example await readDcatPage(turtle, 'text/turtle', 'https://x.kr/dcat.ttl', null) // { syntax: 'turtle', datasets: [...], skipped: 0, next: null }
 */
export async function readDcatPage(
  body: string,
  contentType: string | null,
  pageUrl: string,
  link: string | null,
): Promise<DcatPageContent> {
  const syntax = rdfSyntaxOf(contentType, body);
  const quads = await parseRdf(body, syntax, pageUrl);
  const { datasets, skipped } = dcatDatasets(quads);
  return { syntax, datasets, skipped, next: hydraNext(quads, pageUrl) ?? linkNext(link, pageUrl) };
}
