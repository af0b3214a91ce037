/**
 * `date_shift`: every date of one subject (a patient, a customer) moves by the same number of
 * days, derived by HMAC from the subject's key under the project secret. Intervals between a
 * subject's events survive (what happened 3 days after admission still did); the calendar dates,
 * which link records to the outside world, do not. Different subjects move by different amounts,
 * so dates cannot be realigned across subjects either.
 */
import { formatDate, parseDate } from './generalize.js';
import { keyedBytes } from './pseudonym.js';

/**
 * The shift of a subject: a whole number of days in [-maxDays, -1] ∪ [1, maxDays] (never 0,
 * which would leave the dates as they were).
 *
 * @example dateShiftDays('patient-17', secret, 30) // e.g. -12, the same on every call
 */
export function dateShiftDays(subjectKey: string, secret: Uint8Array, maxDays: number): number {
  const n = keyedBytes(secret, ['date_shift', subjectKey], 4).readUInt32BE(0);
  const magnitude = 1 + (n % maxDays);
  // The top bit chooses the direction: independent enough of the low bits that gave the magnitude.
  return n >= 0x80000000 ? magnitude : -magnitude;
}

/**
 * A date moved by `days`, written in the style it came in; undefined for a value that is not a date.
 *
 * @example shiftDate('2024-02-27', 3) // '2024-03-01'
 * @example shiftDate('2024년 1월 2일', -2) // '2023년 12월 31일'
 */
export function shiftDate(value: string, days: number): string | undefined {
  const date = parseDate(value);
  if (!date) return undefined;
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * 86_400_000);
  const year = shifted.getUTCFullYear();
  // A shift that leaves four-digit years behind could not be written back in the same style.
  if (year < 1000 || year > 9999) return undefined;
  return formatDate({ ...date, year, month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() });
}
