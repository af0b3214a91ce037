/** Partial dates (YYYY, YYYY-MM, YYYY-MM-DD) in the forms each vocabulary wants. Pure. */
import type { PartialDate } from './types.js';

export const XSD = 'http://www.w3.org/2001/XMLSchema#';

/**
 * An ISO 8601 interval for schema.org `temporalCoverage`; `..` marks an open end.
 *
 * @example temporalInterval({ start: '2019', end: '2023-06' }) // '2019/2023-06'
 */
export function temporalInterval(t: { start?: PartialDate; end?: PartialDate } | undefined): string | undefined {
  if (!t || (t.start === undefined && t.end === undefined)) return undefined;
  if (t.start !== undefined && t.end === undefined) return `${t.start}/..`;
  if (t.start === undefined) return `../${t.end}`;
  return t.start === t.end ? t.start : `${t.start}/${t.end}`;
}

/**
 * The XML Schema datatype of a partial date: xsd:gYear, xsd:gYearMonth or xsd:date.
 *
 * @example partialDateType('2024-03') // 'http://www.w3.org/2001/XMLSchema#gYearMonth'
 */
export function partialDateType(d: PartialDate): string {
  if (/^\d{4}$/.test(d)) return `${XSD}gYear`;
  if (/^\d{4}-\d{2}$/.test(d)) return `${XSD}gYearMonth`;
  return `${XSD}date`;
}
