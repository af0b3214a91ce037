/** Licences as stewards write them, onto URLs metadata consumers know. Pure. */

const KNOWN: Array<[RegExp, string]> = [
  [/공공누리\s*제?\s*1\s*유형|KOGL\s*(Type)?\s*-?\s*1\b/i, 'https://www.kogl.or.kr/info/licenseType1.do'],
  [/공공누리\s*제?\s*2\s*유형|KOGL\s*(Type)?\s*-?\s*2\b/i, 'https://www.kogl.or.kr/info/licenseType2.do'],
  [/공공누리\s*제?\s*3\s*유형|KOGL\s*(Type)?\s*-?\s*3\b/i, 'https://www.kogl.or.kr/info/licenseType3.do'],
  [/공공누리\s*제?\s*4\s*유형|KOGL\s*(Type)?\s*-?\s*4\b/i, 'https://www.kogl.or.kr/info/licenseType4.do'],
  [/^CC[-\s]?BY[-\s]?4\.0$/i, 'https://creativecommons.org/licenses/by/4.0/'],
  [/^CC[-\s]?BY[-\s]?SA[-\s]?4\.0$/i, 'https://creativecommons.org/licenses/by-sa/4.0/'],
  [/^CC[-\s]?BY[-\s]?NC[-\s]?4\.0$/i, 'https://creativecommons.org/licenses/by-nc/4.0/'],
  [/^CC0([-\s]?1\.0)?$/i, 'https://creativecommons.org/publicdomain/zero/1.0/'],
];

/**
 * The URL of a licence given as a URL or by a known name; `undefined` when it is neither.
 *
 * @example licenceUrl('공공누리 제1유형') // 'https://www.kogl.or.kr/info/licenseType1.do'
 */
export function licenceUrl(licence: string | undefined): string | undefined {
  if (licence === undefined) return undefined;
  const t = licence.trim();
  if (/^https?:\/\/\S+$/i.test(t)) return t;
  return KNOWN.find(([re]) => re.test(t))?.[1];
}
