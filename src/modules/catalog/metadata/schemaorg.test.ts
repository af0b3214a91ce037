import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonLdToNQuads } from '../../../../test/support/metadata/rdf.js';
import { jsonLdScriptTag, schemaOrgDataset, schemaOrgWarnings } from './schemaorg.js';
import { ACCIDENTS, ALL, CORPUS, ER, HOSTILE } from '../../../../test/support/metadata/fixtures.js';

type Obj = Record<string, unknown>;
/** schema.org's context, reduced to what these documents use, served locally (nothing is fetched). */
const SCHEMA_CONTEXT = { 'https://schema.org/': { '@context': { '@vocab': 'https://schema.org/' } } };

/** The JSON inside a script element as the HTML parser would see it: everything up to the first `</script`. */
function scriptContent(html: string): string {
  const open = '<script type="application/ld+json">';
  expect(html.startsWith(open)).toBe(true);
  const end = html.toLowerCase().indexOf('</script', open.length);
  return html.slice(open.length, end);
}

describe('schema.org Dataset', () => {
  it('has the properties Google Dataset Search asks for, in Korean and English', () => {
    const ko = schemaOrgDataset(ER, { lang: 'ko' });
    const en = schemaOrgDataset(ER, { lang: 'en' });
    expect(ko).toMatchObject({
      '@type': 'Dataset',
      name: '서울특별시_응급실 위치 정보',
      alternateName: 'Seoul emergency rooms: locations',
      url: ER.url,
      identifier: ER.id,
      license: 'https://www.kogl.or.kr/info/licenseType1.do',
      temporalCoverage: '2015-01/2025-12-31',
      isAccessibleForFree: true,
      inLanguage: 'ko',
      dateModified: ER.modified,
      creator: { '@type': 'Organization', name: '서울특별시', alternateName: 'Seoul Metropolitan Government' },
    });
    expect(en).toMatchObject({ name: 'Seoul emergency rooms: locations', alternateName: '서울특별시_응급실 위치 정보' });
    expect((en.keywords as string[]).includes('Healthcare')).toBe(true);
    expect(ko.distribution).toEqual([
      expect.objectContaining({ '@type': 'DataDownload', encodingFormat: 'text/csv', contentUrl: ER.distributions[0]!.contentUrl }),
    ]);
    for (const d of [ER, ACCIDENTS, CORPUS]) expect(schemaOrgWarnings(schemaOrgDataset(d, { lang: 'ko' }))).toEqual([]);
  });

  it('marks non-open data with its conditions of access, not as free', () => {
    const c = schemaOrgDataset(CORPUS, { lang: 'en' });
    expect(c.isAccessibleForFree).toBeUndefined();
    expect(c.conditionsOfAccess).toBe('Conditional (approval)');
    expect(schemaOrgDataset(HOSTILE, { lang: 'ko' }).temporalCoverage).toBe('2020-03-01/..');
  });

  it('flags a description shorter than Google accepts', () => {
    const short = { ...CORPUS, description: { ko: '응급실 위치 목록입니다.' } };
    expect(schemaOrgWarnings(schemaOrgDataset(short, { lang: 'ko' }))).toEqual([
      expect.stringMatching(/^description: \d+ characters, fewer than 50$/),
    ]);
  });

  it('converts to RDF with a locally served schema.org context', async () => {
    const lines = await jsonLdToNQuads(schemaOrgDataset(ER, { lang: 'ko' }), SCHEMA_CONTEXT);
    expect(lines).toContain(`<${ER.url}> <https://schema.org/name> "서울특별시_응급실 위치 정보" .`);
  });

  it('embeds safely: </script> and comments in the data cannot break out', () => {
    for (const d of ALL) {
      const obj = schemaOrgDataset(d, { lang: 'ko' });
      const html = jsonLdScriptTag(obj);
      expect(html.endsWith('</script>')).toBe(true);
      const inner = scriptContent(html);
      expect(inner.length).toBe(html.length - '<script type="application/ld+json">'.length - '</script>'.length);
      expect(inner).not.toMatch(/[<>&\u2028\u2029]/);
      expect(JSON.parse(inner)).toEqual(obj);
    }
    expect(jsonLdScriptTag({ d: '</script>' })).toBe('<script type="application/ld+json">{"d":"\\u003c/script\\u003e"}</script>');
  });

  it('embeds any description safely (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 80 }),
        fc.constantFrom('</script>', '</SCRIPT ', '<!--', '-->', '\u2028', '&lt;'),
        (s, evil) => {
          const obj: Obj = { ...schemaOrgDataset(ER, { lang: 'ko' }), description: s + evil + s };
          const html = jsonLdScriptTag(obj);
          const inner = scriptContent(html);
          expect(`<script type="application/ld+json">${inner}</script>`).toBe(html);
          expect(JSON.parse(inner)).toEqual(obj);
        },
      ),
      { numRuns: 300 },
    );
  });
});
