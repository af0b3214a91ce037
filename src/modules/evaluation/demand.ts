/**
 * The demand survey's aggregate (docs/evaluation.md, "Demand"): each statement weighs by its
 * urgency, more with an offer to co-invest; a free-text need shares its weight among the entries
 * it was matched to; the sums per entry are scaled to 0–100 by the round's largest.
 */
import type { Urgency } from './evaluation.tables.js';

export const URGENCY_WEIGHTS: Record<Urgency, number> = { low: 1, medium: 2, high: 3 };
/** A statement that offers to co-invest (any amount > 0) counts this many times more. */
export const CO_INVEST_FACTOR = 1.5;

export interface DemandStatement {
  /** The entry named, or null for a free-text need. */
  entryId: string | null;
  /** For a need: the entries it was matched to. */
  matched: readonly string[];
  urgency: Urgency;
  coInvestKrw: number;
}

/** The weight of one statement: urgency (low 1, medium 2, high 3) × 1.5 when it offers to co-invest. @example statementWeight({ urgency: 'high', coInvestKrw: 1 }) // 4.5 */
export function statementWeight(s: Pick<DemandStatement, 'urgency' | 'coInvestKrw'>): number {
  return URGENCY_WEIGHTS[s.urgency] * (s.coInvestKrw > 0 ? CO_INVEST_FACTOR : 1);
}

export interface DemandAggregate {
  /** Σ of the weights reaching the entry. */
  raw: number;
  /** How many statements reach the entry. */
  statements: number;
  /** 0–100: 100 · raw / the largest raw of the round (0 when nobody stated any demand). */
  score: number;
}

/**
 * Demand per entry: a statement for an entry gives it its whole weight; a need matched to m entries
 * gives each weight / m; scores are 100 · raw / max raw over `entryIds`.
 *
 * @example aggregateDemand(['a', 'b'], [{ entryId: 'a', matched: [], urgency: 'high', coInvestKrw: 0 }]).get('a')!.score // 100
 */
export function aggregateDemand(entryIds: readonly string[], statements: readonly DemandStatement[]): Map<string, DemandAggregate> {
  const out = new Map<string, DemandAggregate>(entryIds.map((id) => [id, { raw: 0, statements: 0, score: 0 }]));
  for (const s of statements) {
    const weight = statementWeight(s);
    const targets = s.entryId !== null ? [s.entryId] : [...new Set(s.matched)];
    for (const id of targets) {
      const a = out.get(id);
      if (!a) continue;
      a.raw += weight / targets.length;
      a.statements += 1;
    }
  }
  const max = Math.max(0, ...[...out.values()].map((a) => a.raw));
  for (const a of out.values()) a.score = max > 0 ? Math.round(((100 * a.raw) / max) * 100) / 100 : 0;
  return out;
}
