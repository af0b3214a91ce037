import fc from 'fast-check';
import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { ACCESS_RIGHTS, dcatCatalogJsonLd, dcatCatalogTurtle, FREQUENCY } from './dcat.js';
import { canonical, jsonLdToNQuads, turtleToNTriples } from '../../../../test/support/metadata/rdf.js';
import { toJsonLd, toTurtle, turtleIri } from './rdf.js';
import { ACCIDENTS, ALL, CATALOG, CORPUS, ER, HOSTILE } from '../../../../test/support/metadata/fixtures.js';

const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';

describe('DCAT-AP 3 catalog', () => {
  const ttl = dcatCatalogTurtle(CATALOG, ALL);
  const doc = dcatCatalogJsonLd(CATALOG, ALL);

  it('Turtle parses with n3 and JSON-LD converts with jsonld (no fetch) to the same triples', async () => {
    const fromTurtle = await canonical(turtleToNTriples(ttl));
    const fromJsonLd = await canonical(await jsonLdToNQuads(doc));
    expect(fromTurtle.length).toBeGreaterThan(100);
    expect(fromJsonLd).toEqual(fromTurtle);
  });

  it('survives a JSON round trip (what the HTTP layer sends)', async () => {
    const again = await canonical(await jsonLdToNQuads(JSON.parse(JSON.stringify(doc))));
    expect(again).toEqual(await canonical(turtleToNTriples(ttl)));
  });

  const parsed = new Parser().parse(ttl);
  const objects = (s: string, p: string) => parsed.filter((q) => q.subject.value === s && q.predicate.value === p).map((q) => q.object);

  it('describes the catalog and lists every dataset', () => {
    const ds = objects(CATALOG.id, `${DCAT}dataset`).map((o) => o.value);
    expect(ds.sort()).toEqual(ALL.map((d) => d.url).sort());
    expect(objects(CATALOG.id, 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type').map((o) => o.value)).toEqual([`${DCAT}Catalog`]);
  });

  it('keeps Korean and English titles exactly, language-tagged', () => {
    const titles = objects(ER.url, `${DCT}title`).map((o) => [o.value, 'language' in o ? o.language : '']);
    expect(titles).toEqual(
      expect.arrayContaining([
        ['서울특별시_응급실 위치 정보', 'ko'],
        ['Seoul emergency rooms: locations', 'en'],
      ]),
    );
    const hostile = objects(HOSTILE.url, `${DCT}title`).map((o) => o.value);
    expect(hostile).toEqual(expect.arrayContaining([HOSTILE.title.ko, HOSTILE.title.en]));
  });

  it('maps provision scope to EU access rights and update cycles to EU frequencies', () => {
    expect(objects(ER.url, `${DCT}accessRights`)[0]?.value).toBe(ACCESS_RIGHTS.open);
    expect(ACCESS_RIGHTS.open).toMatch(/access-right\/PUBLIC$/);
    expect(objects(CORPUS.url, `${DCT}accessRights`)[0]?.value).toMatch(/access-right\/RESTRICTED$/);
    expect(objects(HOSTILE.url, `${DCT}accessRights`)[0]?.value).toMatch(/access-right\/NON_PUBLIC$/);
    expect(objects(ER.url, `${DCT}accrualPeriodicity`)[0]?.value).toBe(FREQUENCY.monthly);
    expect(objects(ACCIDENTS.url, `${DCT}accrualPeriodicity`)[0]?.value).toMatch(/frequency\/ANNUAL$/);
  });

  it('types dates and the period of time, and describes distributions with checksums', () => {
    const issued = objects(ER.url, `${DCT}issued`)[0];
    expect(issued && 'datatype' in issued ? issued.datatype.value : '').toBe('http://www.w3.org/2001/XMLSchema#dateTime');
    const period = objects(ER.url, `${DCT}temporal`)[0]!;
    const start = objects(period.value, `${DCAT}startDate`)[0];
    expect(start && 'datatype' in start ? [start.value, start.datatype.value] : []).toEqual([
      '2015-01',
      'http://www.w3.org/2001/XMLSchema#gYearMonth',
    ]);
    const [dist] = objects(ER.url, `${DCAT}distribution`);
    expect(objects(dist!.value, `${DCAT}downloadURL`)[0]?.value).toBe(ER.distributions[0]!.contentUrl);
    expect(objects(dist!.value, `${DCAT}mediaType`)[0]?.value).toBe('https://www.iana.org/assignments/media-types/text/csv');
    expect(objects(dist!.value, `${DCAT}byteSize`)[0]?.value).toBe('482133');
    const checksum = objects(dist!.value, 'http://spdx.org/rdf/terms#checksum')[0]!;
    expect(objects(checksum.value, 'http://spdx.org/rdf/terms#checksumValue')[0]?.value).toBe(ER.distributions[0]!.sha256);
    expect(objects(CORPUS.url, `${DCAT}distribution`)).toEqual([]);
  });

  it('escapes any title so it round-trips through Turtle (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 20 }), (title, en) => {
        const d = { ...ACCIDENTS, title: { ko: title, en: en === '' ? undefined : en } };
        const quads = new Parser().parse(dcatCatalogTurtle(CATALOG, [d]));
        const got = quads.filter((q) => q.subject.value === d.url && q.predicate.value === `${DCT}title`).map((q) => q.object.value);
        expect(got.sort()).toEqual([title, ...(en === '' ? [] : [en])].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('percent-encodes characters no IRI may hold, the same way in Turtle and JSON-LD', async () => {
    const node = { id: 'https://x.kr/a b"<c>\\', types: [`${DCAT}Dataset`], props: [] };
    const ttlOut = toTurtle([node], { dcat: DCAT });
    expect(new Parser().parse(ttlOut)[0]?.subject.value).toBe('https://x.kr/a%20b%22%3Cc%3E%5C');
    expect(turtleIri('https://x.kr/한글 a')).toBe('<https://x.kr/한글%20a>');
    expect(await canonical(await jsonLdToNQuads(toJsonLd(node, { dcat: DCAT })))).toEqual(await canonical(turtleToNTriples(ttlOut)));
  });
});
