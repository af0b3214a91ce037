/**
 * Scoring a de-identification run against labelled text: per-type true positives, false positives,
 * false negatives, precision, recall and F1, for one document or summed over a corpus. Pure
 * functions, used by `bench/deid` and by tests.
 *
 * Three ways to decide that a predicted span is the labelled one (always with the same type, and
 * each gold span matched by at most one predicted span and the other way round):
 *
 * - `exact`: the same start and end.
 * - `lenient` (what the issue-6 targets use): the same span once each side has been normalised by
 *   `normalizeSpan` — surrounding whitespace and punctuation dropped, and a trailing Korean particle
 *   or honorific (`은`, `에게`, `씨`, `님`, `고객님`, …) dropped. Those characters carry nothing that
 *   identifies anyone, and labellers and detectors differ on them ("김민수님" or "김민수"); anything
 *   else — a phone number without its last group, an address without its 호 — is still a miss
 *   and a false positive, because the part left out is exactly what leaks.
 * - `overlap`: the spans share at least one character (pairs are taken largest overlap first). This
 *   is how much a masking pass would hide at all, not whether the detector found the entity.
 *
 * Precision is 1 when nothing was predicted and recall is 1 when nothing was labelled (no error was
 * made); F1 is their harmonic mean, 0 when both are 0.
 */
import { ENTITY_TYPES, type EntityType } from './entities.js';

/** A typed span, as labelled or as predicted (an `Entity` is one). */
export interface Span {
  type: EntityType;
  start: number;
  end: number;
}

export type MatchMode = 'exact' | 'lenient' | 'overlap';

export interface ScoreOptions {
  /** Default `exact`. */
  match?: MatchMode;
  /** The text the offsets point into; `lenient` needs it (without it, `lenient` is `exact`). */
  text?: string;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface TypeScore extends Counts {
  precision: number;
  recall: number;
  f1: number;
}

export interface Score {
  /** Every type of `ENTITY_TYPES`, with zero counts where a type occurs on neither side. */
  byType: Record<EntityType, TypeScore>;
  /** Counts summed over every type, then scored. */
  micro: TypeScore;
}

/** Which gold span each predicted span was paired with, and what was left on either side. */
export interface Matching<G extends Span = Span, P extends Span = Span> {
  matched: Array<{ gold: G; predicted: P }>;
  /** Gold spans no prediction matched: false negatives. */
  missed: G[];
  /** Predicted spans that match no gold span: false positives. */
  spurious: P[];
}

/** Per-type counts a corpus accumulates document by document (`addMatching`), scored at the end. */
export type CountsByType = Record<EntityType, Counts>;

/** Whitespace and punctuation around a span: quotes, brackets, separators. */
const EDGE_LEAD = /^[\s"'“”‘’()[\]{}<>「」『』《》〈〉,.:;!?·…~-]+/u;
const EDGE_TRAIL = /[\s"'“”‘’()[\]{}<>「」『』《》〈〉,.:;!?·…~-]+$/u;
/** Honorifics and titles that may follow a name, then a particle; longest alternatives first. */
const TRAILING =
  /\s*(?:(?:고객님|회원님|선생님|교수님|과장님|부장님|팀장님|대표님|사장님|원장님|환자분|씨|님|군|양|환자|보호자)\s*)?(?:에게서|으로서|께서는|께서|에게|한테|으로|이랑|하고|에서|께|은|는|이|가|을|를|의|와|과|도|만|로|랑|에)?$/u;

/**
 * The span with surrounding whitespace and punctuation and a trailing particle or honorific cut
 * off (never cut below two characters), as `lenient` matching compares spans.
 *
 * @example normalizeSpan('김민수님께서 오셨다', { type: 'PERSON', start: 0, end: 6 }) // { type: 'PERSON', start: 0, end: 3 }
 */
export function normalizeSpan<S extends Span>(text: string, span: S): S {
  let { start, end } = span;
  for (let pass = 0; pass < 2; pass++) {
    const piece = text.slice(start, end);
    const lead = EDGE_LEAD.exec(piece)?.[0].length ?? 0;
    const trail = EDGE_TRAIL.exec(piece)?.[0].length ?? 0;
    if (lead + trail < piece.length) {
      start += lead;
      end -= trail;
    }
    const tail = TRAILING.exec(text.slice(start, end))?.[0].length ?? 0;
    if (tail > 0 && end - tail - start >= 2) end -= tail;
  }
  return start === span.start && end === span.end ? span : { ...span, start, end };
}

/**
 * Pairs gold and predicted spans of the same type under the given match mode.
 *
 * @example
 * matchEntities([{ type: 'EMAIL', start: 0, end: 9 }], [{ type: 'EMAIL', start: 0, end: 9 }]).matched.length // 1
 */
export function matchEntities<G extends Span, P extends Span>(
  gold: readonly G[],
  predicted: readonly P[],
  options: ScoreOptions = {},
): Matching<G, P> {
  const mode = options.match ?? 'exact';
  const result: Matching<G, P> = { matched: [], missed: [], spurious: [] };
  if (mode === 'overlap') {
    const usedGold = new Set<number>();
    const usedPredicted = new Set<number>();
    const pairs: Array<{ g: number; p: number; overlap: number }> = [];
    gold.forEach((g, gi) =>
      predicted.forEach((p, pi) => {
        const overlap = Math.min(g.end, p.end) - Math.max(g.start, p.start);
        if (g.type === p.type && overlap > 0) pairs.push({ g: gi, p: pi, overlap });
      }),
    );
    // Largest overlap first, then document order, so the result does not depend on input order.
    pairs.sort((a, b) => b.overlap - a.overlap || gold[a.g]!.start - gold[b.g]!.start || predicted[a.p]!.start - predicted[b.p]!.start);
    for (const { g, p } of pairs) {
      if (usedGold.has(g) || usedPredicted.has(p)) continue;
      usedGold.add(g);
      usedPredicted.add(p);
      result.matched.push({ gold: gold[g]!, predicted: predicted[p]! });
    }
    gold.forEach((g, gi) => usedGold.has(gi) || result.missed.push(g));
    predicted.forEach((p, pi) => usedPredicted.has(pi) || result.spurious.push(p));
    return result;
  }
  const key = (span: Span) => {
    const s = mode === 'lenient' && options.text !== undefined ? normalizeSpan(options.text, span) : span;
    return `${s.type}:${s.start}:${s.end}`;
  };
  const open = new Map<string, P[]>();
  for (const p of predicted) {
    const k = key(p);
    const list = open.get(k);
    if (list) list.push(p);
    else open.set(k, [p]);
  }
  for (const g of gold) {
    const p = open.get(key(g))?.shift();
    if (p) result.matched.push({ gold: g, predicted: p });
    else result.missed.push(g);
  }
  for (const list of open.values()) result.spurious.push(...list);
  return result;
}

/**
 * Zero counts for every entity type, to accumulate a corpus into.
 *
 * @example emptyCounts().PHONE // { tp: 0, fp: 0, fn: 0 }
 */
export function emptyCounts(): CountsByType {
  return Object.fromEntries(ENTITY_TYPES.map((t) => [t, { tp: 0, fp: 0, fn: 0 }])) as CountsByType;
}

/**
 * Adds one document's matching to running per-type counts (and returns them).
 *
 * @example addMatching(emptyCounts(), matchEntities(gold, predicted, { match: 'lenient', text }))
 */
export function addMatching(counts: CountsByType, matching: Matching): CountsByType {
  for (const { gold } of matching.matched) counts[gold.type].tp++;
  for (const g of matching.missed) counts[g.type].fn++;
  for (const p of matching.spurious) counts[p.type].fp++;
  return counts;
}

/**
 * Precision, recall and F1 from counts (1 for a ratio with nothing to count; see the module doc).
 *
 * @example scoreCounts({ tp: 9, fp: 1, fn: 0 }).precision // 0.9
 */
export function scoreCounts(counts: Counts): TypeScore {
  const { tp, fp, fn } = counts;
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
}

/**
 * Per-type and micro-averaged scores from accumulated counts.
 *
 * @example scoreAll(addMatching(emptyCounts(), matching)).micro.f1
 */
export function scoreAll(counts: CountsByType): Score {
  const total: Counts = { tp: 0, fp: 0, fn: 0 };
  const byType = {} as Record<EntityType, TypeScore>;
  for (const type of ENTITY_TYPES) {
    const c = counts[type];
    byType[type] = scoreCounts(c);
    total.tp += c.tp;
    total.fp += c.fp;
    total.fn += c.fn;
  }
  return { byType, micro: scoreCounts(total) };
}

/**
 * Scores one document's predictions against its labels: per-type TP/FP/FN, precision, recall, F1.
 *
 * @example
 * const text = '연락처 010-1234-5678';
 * scoreEntities([{ type: 'PHONE', start: 4, end: 17 }], detectEntities(text), { match: 'lenient', text }).byType.PHONE.recall
 */
export function scoreEntities(gold: readonly Span[], predicted: readonly Span[], options: ScoreOptions = {}): Score {
  return scoreAll(addMatching(emptyCounts(), matchEntities(gold, predicted, options)));
}
