import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { checkCroissant } from './croissant.check.js';
import { croissant, CROISSANT_1_1 } from './croissant.js';
import { jsonLdToNQuads } from '../../../../test/support/metadata/rdf.js';
import { ACCIDENTS, CORPUS, ER, HOSTILE } from '../../../../test/support/metadata/fixtures.js';

type Obj = Record<string, unknown>;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const SC = 'http://schema.org/';
const CR = 'http://mlcommons.org/croissant/';

describe('Croissant 1.1', () => {
  it('released datasets pass the required-property check', () => {
    expect(checkCroissant(croissant(ER))).toEqual([]);
    expect(checkCroissant(croissant(ACCIDENTS))).toEqual([]);
  });

  it('maps the record set to cr:Field entries with schema.org data types and a column source', () => {
    const doc = croissant(ER) as Obj;
    expect(doc.conformsTo).toBe(CROISSANT_1_1);
    expect(doc['@type']).toBe('sc:Dataset');
    expect(doc.license).toBe('https://www.kogl.or.kr/info/licenseType1.do');
    const [rs] = doc.recordSet as Obj[];
    const fields = rs!.field as Obj[];
    expect(fields.map((f) => f.dataType)).toEqual(['sc:Text', 'sc:Text', 'sc:Text', 'sc:Float', 'sc:Float', 'sc:Integer']);
    expect(fields[5]!.source).toEqual({ fileObject: { '@id': 'er_locations.csv' }, extract: { column: 'hvec' } });
    expect(fields[5]!['@id']).toBe(`er_locations.csv-records/${encodeURIComponent('응급실 병상수')}`);
  });

  it('a census-only entry (no files) is valid metadata but not loadable: only the distribution is reported', () => {
    const doc = croissant(CORPUS) as Obj;
    expect(doc.distribution).toEqual([]);
    expect(checkCroissant(doc)).toEqual(["dataset: missing required 'distribution' (at least one FileObject or FileSet)"]);
    expect(checkCroissant(doc, { requireDistribution: false })).toEqual([]);
    // A licence given by name only becomes a CreativeWork.
    expect(doc.license).toEqual({ '@type': 'sc:CreativeWork', name: '국립국어원 말뭉치 이용 약관' });
  });

  it('reports a missing licence (the steward gave none)', () => {
    expect(checkCroissant(croissant(HOSTILE), { requireDistribution: false })).toEqual(["dataset: missing required 'license'"]);
  });

  // Mutation test: remove each required property in turn; the checker must name it.
  const required: Array<[string, (d: Obj) => void, string]> = [
    ['@context', (d) => delete d['@context'], "dataset: missing required '@context'"],
    ['@type', (d) => delete d['@type'], "dataset: missing required '@type'"],
    ['conformsTo', (d) => delete d.conformsTo, "dataset: missing required 'conformsTo'"],
    ['name', (d) => delete d.name, "dataset: missing required 'name'"],
    ['description', (d) => delete d.description, "dataset: missing required 'description'"],
    ['license', (d) => delete d.license, "dataset: missing required 'license'"],
    ['url', (d) => delete d.url, "dataset: missing required 'url'"],
    ['creator', (d) => delete d.creator, "dataset: missing required 'creator'"],
    ['datePublished', (d) => delete d.datePublished, "dataset: missing required 'datePublished'"],
    ['distribution', (d) => delete d.distribution, "dataset: missing required 'distribution'"],
    ['FileObject @id', (d) => delete (d.distribution as Obj[])[0]!['@id'], "distribution[0]: missing required '@id'"],
    ['FileObject name', (d) => delete (d.distribution as Obj[])[0]!.name, "distribution[0]: missing required 'name'"],
    ['FileObject contentUrl', (d) => delete (d.distribution as Obj[])[0]!.contentUrl, "distribution[0]: missing required 'contentUrl'"],
    [
      'FileObject encodingFormat',
      (d) => delete (d.distribution as Obj[])[0]!.encodingFormat,
      "distribution[0]: missing required 'encodingFormat'",
    ],
    ['FileObject sha256', (d) => delete (d.distribution as Obj[])[0]!.sha256, "distribution[0]: missing required 'sha256' or 'md5'"],
    ['RecordSet @id', (d) => delete (d.recordSet as Obj[])[0]!['@id'], "recordSet[0]: missing required '@id'"],
    ['RecordSet name', (d) => delete (d.recordSet as Obj[])[0]!.name, "recordSet[0]: missing required 'name'"],
    ['RecordSet field', (d) => delete (d.recordSet as Obj[])[0]!.field, "recordSet[0]: missing required 'field'"],
    ['Field @id', (d) => delete ((d.recordSet as Obj[])[0]!.field as Obj[])[1]!['@id'], "recordSet[0].field[1]: missing required '@id'"],
    ['Field name', (d) => delete ((d.recordSet as Obj[])[0]!.field as Obj[])[1]!.name, "recordSet[0].field[1]: missing required 'name'"],
    [
      'Field dataType',
      (d) => delete ((d.recordSet as Obj[])[0]!.field as Obj[])[1]!.dataType,
      "recordSet[0].field[1]: missing required 'dataType'",
    ],
    [
      'Field source',
      (d) => delete ((d.recordSet as Obj[])[0]!.field as Obj[])[1]!.source,
      "recordSet[0].field[1]: missing required 'source'",
    ],
  ];
  it.each(required)('names a missing %s', (_name, mutate, message) => {
    const doc = clone(croissant(ER)) as Obj;
    mutate(doc);
    const problems = checkCroissant(doc);
    expect(problems.some((p) => p.startsWith(message))).toBe(true);
  });

  const wrongTypes: Array<[string, (d: Obj) => void, string]> = [
    ['@type', (d) => (d['@type'] = 'sc:CreativeWork'), "'@type' must be sc:Dataset"],
    ['conformsTo', (d) => (d.conformsTo = 'http://mlcommons.org/croissant/1.0'), "'conformsTo' must be"],
    ['url', (d) => (d.url = 'not a url'), "'url' must be an absolute URL"],
    ['datePublished', (d) => (d.datePublished = '2025년 4월'), "'datePublished' must be an ISO 8601"],
    ['creator', (d) => (d.creator = '서울특별시'), "'creator' must be an Organization or Person"],
    ['license', (d) => (d.license = 42), "'license' must be a URL or CreativeWork"],
    ['sha256', (d) => ((d.distribution as Obj[])[0]!.sha256 = 'abc'), "'sha256' must be 64 hex digits"],
    ['encodingFormat', (d) => ((d.distribution as Obj[])[0]!.encodingFormat = 'CSV'), "'encodingFormat' must be a MIME type"],
    ['dataType', (d) => (((d.recordSet as Obj[])[0]!.field as Obj[])[0]!.dataType = 'string'), "'dataType' must be a type IRI"],
    [
      'source reference',
      (d) => (((d.recordSet as Obj[])[0]!.field as Obj[])[0]!.source = { fileObject: { '@id': 'nope.csv' }, extract: { column: 'x' } }),
      "'source' must be a fileObject/fileSet reference to a declared distribution",
    ],
  ];
  it.each(wrongTypes)('names a %s of the wrong type', (_name, mutate, message) => {
    const doc = clone(croissant(ER)) as Obj;
    mutate(doc);
    expect(checkCroissant(doc).join('\n')).toContain(message);
  });

  it('converts to RDF with jsonld using only the inlined context, Korean and English literals tagged', async () => {
    const lines = await jsonLdToNQuads(croissant(ER));
    const base = `${ER.url}/`;
    expect(lines).toContain(`<${base}er_locations.csv> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${CR}FileObject> .`);
    expect(lines).toContain(`<${base}er_locations.csv> <${SC}sha256> "${ER.distributions[0]!.sha256}"@en .`);
    expect(lines.some((l) => l.includes(`<${CR}dataType> <${SC}Integer>`))).toBe(true);
    expect(lines.some((l) => l.endsWith(`<http://purl.org/dc/terms/conformsTo> "${CROISSANT_1_1}"@en .`))).toBe(true);
    expect(lines.some((l) => l.includes(`<${SC}alternateName> "서울특별시_응급실 위치 정보"@ko`))).toBe(true);
    const ko = await jsonLdToNQuads(croissant(ACCIDENTS));
    expect(ko.some((l) => l.includes(`<${SC}name> "도로교통공단_사망 교통사고 정보"@ko`))).toBe(true);
    // Quotes, backslashes and newlines come back exactly, with their language tags.
    const hostile = new Parser({ format: 'N-Quads' }).parse((await jsonLdToNQuads(croissant(HOSTILE))).join('\n'));
    const ds = hostile.find((q) => q.object.value === `${SC}Dataset`)!.subject;
    const lit = (p: string) =>
      hostile
        .filter((q) => q.subject.equals(ds) && q.predicate.value === SC + p)
        .map((q) => [q.object.value, 'language' in q.object ? q.object.language : '']);
    expect(lit('name')).toEqual([[HOSTILE.title.ko, 'ko']]);
    expect(lit('alternateName')).toEqual([[HOSTILE.title.en, 'en']]);
    expect(lit('description')).toEqual([[HOSTILE.description.ko, 'ko']]);
  });
});
