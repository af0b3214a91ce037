/**
 * Reading DCAT catalog pages for harvesting: our own DCAT-AP 3 output (Turtle and JSON-LD) reads
 * back into the same records, titles in the preferred language, publishers, formats from EU file
 * types and IANA media types, Hydra and Link paging, syntax by Content-Type or sniffing, and no
 * network ever (remote JSON-LD contexts are refused).
 */
import { describe, expect, it } from 'vitest';
import { ALL, CATALOG } from '../../../../test/support/metadata/fixtures.js';
import { dcatCatalogJsonLd, dcatCatalogTurtle } from '../metadata/dcat.js';
import { DcatReadError, dcatDatasets, formatOf, hydraNext, linkNext, parseRdf, rdfSyntaxOf, readDcatPage } from './dcat-source.js';

const PAGE = 'https://portal.example.eu/catalog.ttl';

/** A hand-written page 1 of 2: language preferences, blank publishers and formats of every kind. */
const PAGED_TURTLE = `
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<catalog.ttl?page=1> a hydra:PartialCollectionView ; hydra:next <catalog.ttl?page=2> .

<https://portal.example.eu/cat> a dcat:Catalog ;
  dcat:dataset <ds/air>, <ds/noise>, [ a dcat:Dataset ; dct:title "no id" ], [ a dcat:Dataset ; dct:identifier "blank-1" ; dct:title "Blank with id"@en ] .

<ds/air> a dcat:Dataset ;
  dct:title "Air quality"@en, "Luftqualität"@de, "대기질"@ko ;
  dct:description "Hourly measurements"@en ;
  dct:identifier "air-2024" ;
  dcat:keyword "air"@en, "pm10", "air"@en ;
  dct:publisher [ a foaf:Agent ; foaf:name "Umweltamt"@de, "Environment Agency"@en ] ;
  dct:issued "2020-01-02"^^xsd:date ;
  dct:modified "2024-05-06T07:08:09Z"^^xsd:dateTime ;
  dcat:distribution
    [ a dcat:Distribution ; dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ],
    [ a dcat:Distribution ; dcat:mediaType <https://www.iana.org/assignments/media-types/application/json> ],
    [ a dcat:Distribution ; dct:format "geojson" ; dcat:mediaType <https://www.iana.org/assignments/media-types/text/csv> ] .

<ds/noise> a dcat:Dataset ;
  dct:title "Lärm" ;
  dct:publisher [ foaf:name "Stadt" ] .
`;

describe('DCAT pages', () => {
  it('reads our own catalog back, from Turtle and from JSON-LD alike', async () => {
    const ttl = await readDcatPage(dcatCatalogTurtle(CATALOG, ALL), 'text/turtle; charset=utf-8', `${CATALOG.id}`, null);
    const jsonld = await readDcatPage(JSON.stringify(dcatCatalogJsonLd(CATALOG, ALL)), 'application/ld+json', `${CATALOG.id}`, null);
    expect(ttl.syntax).toBe('turtle');
    expect(jsonld.syntax).toBe('jsonld');
    expect(jsonld.datasets).toEqual(ttl.datasets);
    expect(ttl.skipped).toBe(0);
    expect(ttl.next).toBeNull();
    expect(ttl.datasets.map((d) => d.remoteId).sort()).toEqual(ALL.map((d) => d.id).sort());
    for (const d of ALL) {
      const record = ttl.datasets.find((r) => r.remoteId === d.id)!;
      expect(record).toMatchObject({ iri: d.url, title: d.title.ko, description: d.description.ko, agency: d.publisher.name });
      expect(record.formats.sort()).toEqual([...new Set(d.distributions.map((f) => formatOf(f.encodingFormat)))].sort());
      expect(record.keywords).toEqual(expect.arrayContaining(d.keywords));
      expect(record.modified).toBe(new Date(d.modified).toISOString());
    }
  });

  it('prefers Korean, then English, then untagged titles; takes formats from dct:format and dcat:mediaType', async () => {
    const page = await readDcatPage(PAGED_TURTLE, 'text/turtle', `${PAGE}?page=1`, null);
    expect(page.skipped).toBe(1);
    const byId = new Map(page.datasets.map((d) => [d.remoteId, d]));
    expect([...byId.keys()].sort()).toEqual(['air-2024', 'blank-1', 'https://portal.example.eu/ds/noise']);
    expect(byId.get('air-2024')).toEqual({
      remoteId: 'air-2024',
      iri: 'https://portal.example.eu/ds/air',
      title: '대기질',
      description: 'Hourly measurements',
      keywords: ['air', 'pm10'],
      agency: 'Environment Agency',
      formats: ['CSV', 'GEOJSON', 'JSON'],
      modified: '2024-05-06T07:08:09.000Z',
      issued: '2020-01-02T00:00:00.000Z',
    });
    expect(byId.get('https://portal.example.eu/ds/noise')).toMatchObject({ title: 'Lärm', agency: 'Stadt', formats: [], modified: null });
    expect(byId.get('blank-1')).toMatchObject({ iri: null, title: 'Blank with id', agency: null });
  });

  it('finds the next page by Hydra, else by the Link header, as absolute URLs', async () => {
    expect((await readDcatPage(PAGED_TURTLE, 'text/turtle', `${PAGE}?page=1`, null)).next).toBe(`${PAGE}?page=2`);
    const nextPage = PAGED_TURTLE.replace('hydra:next', 'hydra:nextPage');
    expect(hydraNext(await parseRdf(nextPage, 'turtle', `${PAGE}?page=1`), PAGE)).toBe(`${PAGE}?page=2`);
    const last = PAGED_TURTLE.replace(/hydra:next <[^>]*>/, 'hydra:first <catalog.ttl?page=1>');
    expect((await readDcatPage(last, 'text/turtle', PAGE, null)).next).toBeNull();
    expect((await readDcatPage(last, 'text/turtle', PAGE, '</api/v1/catalog/dcat.ttl?page=2&pageSize=5>; rel="next"')).next).toBe(
      'https://portal.example.eu/api/v1/catalog/dcat.ttl?page=2&pageSize=5',
    );
    expect(linkNext('</a?page=1>; rel="first", </a?page=3>; rel="next"', 'https://x.kr/a')).toBe('https://x.kr/a?page=3');
    expect(linkNext('</a?page=1>; rel="prev"', 'https://x.kr/a')).toBeNull();
    expect(linkNext(null, 'https://x.kr/a')).toBeNull();
  });

  it('follows Hydra paging in JSON-LD too', async () => {
    const doc = {
      '@context': { hydra: 'http://www.w3.org/ns/hydra/core#', dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/' },
      '@graph': [
        { '@id': '?page=1', 'hydra:next': { '@id': '?page=2' } },
        { '@id': 'ds/1', '@type': 'dcat:Dataset', 'dct:title': { '@value': '하천', '@language': 'ko' } },
      ],
    };
    const page = await readDcatPage(JSON.stringify(doc), 'application/json', `${PAGE}?page=1`, null);
    expect(page.next).toBe(`${PAGE}?page=2`);
    expect(page.datasets.map((d) => [d.remoteId, d.title])).toEqual([['https://portal.example.eu/ds/1', '하천']]);
  });

  it('chooses the syntax by Content-Type, else by sniffing, and refuses what it cannot read', () => {
    expect(rdfSyntaxOf('text/turtle', '{')).toBe('turtle');
    expect(rdfSyntaxOf('application/ld+json; charset=utf-8', '@prefix')).toBe('jsonld');
    expect(rdfSyntaxOf('application/octet-stream', '\uFEFF  [{"@id": "x"}]')).toBe('jsonld');
    expect(rdfSyntaxOf(null, '@prefix dcat: <http://www.w3.org/ns/dcat#> .')).toBe('turtle');
    expect(rdfSyntaxOf('text/plain', '<a> <b> <c> .')).toBe('turtle');
    expect(() => rdfSyntaxOf('application/rdf+xml', '<rdf:RDF/>')).toThrow(/RDF\/XML/);
    expect(() => rdfSyntaxOf('text/html', '<!DOCTYPE html><html></html>')).toThrow(/HTML/);
  });

  it('never fetches a remote JSON-LD context', async () => {
    const remote = { '@context': 'https://evil.example/context.jsonld', '@id': 'x', title: 'y' };
    const error = await readDcatPage(JSON.stringify(remote), 'application/ld+json', PAGE, null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DcatReadError);
    expect((error as Error).message).toMatch(/remote JSON-LD context https:\/\/evil\.example\/context\.jsonld is not fetched/);
    await expect(readDcatPage('{"@context": ', 'application/ld+json', PAGE, null)).rejects.toThrow(/invalid JSON/);
    await expect(readDcatPage('<a> <b> .', 'text/turtle', PAGE, null)).rejects.toThrow(/invalid Turtle/);
  });

  it('maps formats from file-type IRIs, media-type IRIs, media types and names', () => {
    expect(formatOf('http://publications.europa.eu/resource/authority/file-type/XLSX')).toBe('XLSX');
    expect(formatOf('https://www.iana.org/assignments/media-types/text/csv')).toBe('CSV');
    expect(formatOf('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).toBe('XLSX');
    expect(formatOf('application/x-custom')).toBe('CUSTOM');
    expect(formatOf(' csv ')).toBe('CSV');
    expect(dcatDatasets([]).datasets).toEqual([]);
  });
});
