/**
 * The detection engine: every detector over one normalised copy of the text, offsets mapped back
 * to the original, weak candidates dropped, overlaps resolved. A pure function, no I/O: usable
 * from the CLI, a job, a notebook or a benchmark.
 */
import { detectAddresses } from './detectors/address.js';
import { findAccounts } from './detectors/account.js';
import { findCards } from './detectors/card.js';
import { findEmails } from './detectors/email.js';
import {
  findBusinessNumbers,
  findDriverLicenses,
  findHealthInsuranceNumbers,
  findPassports,
  findResidentAndCorporateNumbers,
} from './detectors/identifiers.js';
import { findIpAddresses } from './detectors/ip.js';
import { detectPersons } from './detectors/person.js';
import { findPhones, findSpelledPhones } from './detectors/phone.js';
import { findPlates } from './detectors/plate.js';
import { type DigitRuns, digitRuns, digitRunsOfPlainText } from './detectors/digit-runs.js';
import { ENTITY_TYPES, type Entity, type EntityType } from './entities.js';
import { normalizeText } from './normalize.js';

/** What `detectEntities` reports. */
export interface DetectOptions {
  /** Only these types are reported (default: all of ENTITY_TYPES). */
  types?: readonly EntityType[];
  /** Candidates scoring below this are dropped before overlaps are resolved (default 0.5). */
  threshold?: number;
}

/** The score a candidate needs to be reported when no threshold is given. */
export const DEFAULT_THRESHOLD = 0.5;

const ALL_TYPES: ReadonlySet<EntityType> = new Set(ENTITY_TYPES);

/** A detector family: one pass over the normalised text yields candidates of these types. */
interface DetectorFamily {
  types: readonly EntityType[];
  /** Families take the digit runs and Hangul words found once for all of them (detectors/digit-runs.ts). */
  find(text: string, runs: DigitRuns): Entity[];
  /** The longest run of consecutive ASCII digits any match of the family contains (0: needs none). */
  minDigitRun?: number;
}

/** Every family; a family runs when any of its types is asked for. */
const FAMILIES: readonly DetectorFamily[] = [
  { types: ['KR_RRN', 'KR_FRN', 'KR_CRN'], find: findResidentAndCorporateNumbers, minDigitRun: 6 },
  { types: ['KR_BRN'], find: findBusinessNumbers, minDigitRun: 3 },
  { types: ['KR_PASSPORT'], find: findPassports, minDigitRun: 3 },
  { types: ['KR_DRIVER_LICENSE'], find: findDriverLicenses, minDigitRun: 6 },
  { types: ['KR_HEALTH_INSURANCE'], find: findHealthInsuranceNumbers, minDigitRun: 9 },
  { types: ['PHONE'], find: findPhones, minDigitRun: 4 },
  { types: ['PHONE'], find: (text) => findSpelledPhones(text) },
  { types: ['EMAIL'], find: (text) => findEmails(text) },
  { types: ['CREDIT_CARD'], find: findCards, minDigitRun: 4 },
  { types: ['BANK_ACCOUNT'], find: findAccounts, minDigitRun: 3 },
  { types: ['VEHICLE_PLATE'], find: findPlates, minDigitRun: 4 },
  { types: ['IP_ADDRESS'], find: findIpAddresses },
  { types: ['PERSON'], find: detectPersons },
  { types: ['ADDRESS'], find: detectAddresses },
];

/**
 * Types that are never a piece of an address: when one sits inside an ADDRESS span, the address
 * is cut back instead of the identifier being swallowed. Anything else inside an address (a
 * building number read as a plate or an account) is part of it and disappears.
 */
const NEVER_PART_OF_ADDRESS: ReadonlySet<EntityType> = new Set<EntityType>([
  'PHONE',
  'EMAIL',
  'KR_RRN',
  'KR_FRN',
  'KR_PASSPORT',
  'KR_DRIVER_LICENSE',
  'KR_BRN',
  'KR_CRN',
  'CREDIT_CARD',
  'BANK_ACCOUNT',
  'KR_HEALTH_INSURANCE',
  'IP_ADDRESS',
]);

/** Tie-break between equal scores and lengths: the more sensitive type wins. */
const PRIORITY: Readonly<Record<EntityType, number>> = {
  KR_RRN: 0,
  KR_FRN: 1,
  CREDIT_CARD: 2,
  KR_PASSPORT: 3,
  KR_DRIVER_LICENSE: 4,
  PHONE: 5,
  EMAIL: 6,
  KR_HEALTH_INSURANCE: 7,
  KR_BRN: 8,
  KR_CRN: 9,
  BANK_ACCOUNT: 10,
  VEHICLE_PLATE: 11,
  IP_ADDRESS: 12,
  ADDRESS: 13,
  PERSON: 14,
};

/**
 * Finds personal information in a text: typed spans with offsets into `text` (UTF-16 indices,
 * end exclusive), scores in [0, 1], no two overlapping, sorted by start.
 *
 * @example
 * detectEntities('홍길동 주민번호 900101-1234568, 연락처 010-1234-5678로 연락')
 * // [{ type: 'KR_RRN', start: 9, end: 23, score: 0.985 }, { type: 'PHONE', start: 29, end: 42, score: 0.97 }] (+ PERSON once detectPersons finds names)
 */
export function detectEntities(text: string, options: DetectOptions = {}): Entity[] {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const wanted: ReadonlySet<EntityType> = options.types ? new Set(options.types) : ALL_TYPES;
  if (text.length === 0 || wanted.size === 0) return [];
  // Most detectors need a run of digits of some length; one scan finds every run, tells which
  // families can match at all, and gives the numeric ones the only places their patterns can start.
  // The same scan sees whether the text needs normalising at all (most text does not).
  const plainRuns = digitRunsOfPlainText(text);
  const normalized = plainRuns === null ? normalizeText(text) : null;
  const matched = normalized === null ? text : normalized.text;
  const runs = plainRuns ?? digitRuns(matched);
  const candidates: Entity[] = [];
  for (const family of FAMILIES) {
    if ((family.minDigitRun ?? 0) > runs.longest || !family.types.some((t) => wanted.has(t))) continue;
    for (const e of family.find(matched, runs)) {
      if (e.score < threshold || !wanted.has(e.type)) continue;
      if (normalized === null) candidates.push(e);
      else {
        const [start, end] = normalized.toOriginalSpan(e.start, e.end);
        candidates.push({ type: e.type, start, end, score: e.score });
      }
    }
  }
  return resolveOverlaps(candidates, text);
}

function compareByStart(a: Entity, b: Entity): number {
  return a.start - b.start || b.end - a.end;
}

/** Stronger first: higher score, then longer, then the more sensitive type. */
function compareByStrength(a: Entity, b: Entity): number {
  return b.score - a.score || b.end - b.start - (a.end - a.start) || PRIORITY[a.type] - PRIORITY[b.type];
}

/**
 * Resolves overlapping candidates into disjoint entities sorted by start: identifiers that are
 * never part of an address cut the ADDRESS around them; anything else inside an ADDRESS goes;
 * then, among candidates that overlap, the higher score wins, then the longer span. `text` (the
 * original) lets a cut address drop the spaces and punctuation it would end on.
 *
 * @example
 * resolveOverlaps([{ type: 'PHONE', start: 0, end: 13, score: 0.9 }, { type: 'BANK_ACCOUNT', start: 0, end: 13, score: 0.8 }])
 * // [{ type: 'PHONE', start: 0, end: 13, score: 0.9 }]
 */
export function resolveOverlaps(candidates: readonly Entity[], text?: string): Entity[] {
  const sorted = cutAddresses(candidates, text).sort(compareByStart);
  const result: Entity[] = [];
  // Sweep clusters of mutually reachable overlaps; resolve each greedily by strength.
  let i = 0;
  while (i < sorted.length) {
    let clusterEnd = sorted[i]!.end;
    let j = i + 1;
    while (j < sorted.length && sorted[j]!.start < clusterEnd) {
      clusterEnd = Math.max(clusterEnd, sorted[j]!.end);
      j++;
    }
    if (j === i + 1) {
      result.push(sorted[i]!);
    } else {
      const kept: Entity[] = [];
      for (const e of sorted.slice(i, j).sort(compareByStrength)) {
        if (kept.every((k) => e.end <= k.start || e.start >= k.end)) kept.push(e);
      }
      result.push(...kept.sort(compareByStart));
    }
    i = j;
  }
  return result;
}

const TRIM_END = /[\s,.;:([/·-]+$/;
const TRIM_START = /^[\s,.;:)\]/·-]+/;

/** Applies the address rules: returns a new array, addresses possibly shortened, swallowed parts gone. */
function cutAddresses(candidates: readonly Entity[], text: string | undefined): Entity[] {
  const addresses = candidates.filter((e) => e.type === 'ADDRESS');
  if (addresses.length === 0) return [...candidates];
  const others = candidates.filter((e) => e.type !== 'ADDRESS').sort(compareByStart);
  const starts = others.map((e) => e.start);
  let longest = 0;
  for (const e of others) longest = Math.max(longest, e.end - e.start);
  const swallowed = new Set<Entity>();
  const cut: Entity[] = [];
  for (const address of addresses) {
    let { start, end } = address;
    // Only others starting within `longest` before the address can reach into it.
    for (let k = firstStartAtOrAfter(starts, address.start - longest); k < others.length && others[k]!.start < address.end; k++) {
      const e = others[k]!;
      if (e.end <= address.start) continue;
      const inside = e.start >= address.start && e.end <= address.end;
      if (!NEVER_PART_OF_ADDRESS.has(e.type)) {
        if (inside) swallowed.add(e);
        continue;
      }
      if (e.start > start && e.start < end) end = e.start;
      else if (e.end > start && e.end < end && e.start <= start) start = e.end;
      else if (e.start <= start && e.end >= end) end = start;
    }
    if (text !== undefined && end > start) {
      const piece = text.slice(start, end);
      const lead = TRIM_START.exec(piece)?.[0].length ?? 0;
      const trail = TRIM_END.exec(piece)?.[0].length ?? 0;
      start += lead;
      end -= Math.min(trail, end - start);
    }
    if (end > start) cut.push(start === address.start && end === address.end ? address : { ...address, start, end });
  }
  return [...others.filter((e) => !swallowed.has(e)), ...cut];
}

function firstStartAtOrAfter(starts: readonly number[], value: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
