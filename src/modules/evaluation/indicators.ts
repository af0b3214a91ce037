/**
 * The automatic indicators of an entry (docs/evaluation.md, "Automatic indicators"), each on 0–100
 * with higher better, from its census form and, where present, the refinery's quality indicators.
 * Pure functions: the service reads the facts, these turn them into scores.
 */

export const AUTO_CRITERIA = ['volume', 'readiness', 'provision_scope', 'personal_info_risk', 'quality'] as const;
export type AutoCriterion = (typeof AUTO_CRITERIA)[number];
export const DEMAND_CRITERION = 'demand';

export interface Indicators {
  volume: number;
  readiness: number;
  provision_scope: number;
  personal_info_risk: number;
  /** null when no refinery dataset of the entry has a quality report. */
  quality: number | null;
}

/** What the indicators read from an entry's census form. */
export interface EntryFormFacts {
  volumeRecords?: number | undefined;
  volumeBytes?: number | undefined;
  volumeFiles?: number | undefined;
  volumeHours?: number | undefined;
  readiness?: string | undefined;
  provisionScope?: string | undefined;
  personalInfo?: string | undefined;
  sensitiveCategories?: readonly string[] | undefined;
}

/** Where each volume measure reaches 100: 10⁹ records, 10 TB (10¹³ bytes), 10⁷ files, 10⁵ hours. */
export const VOLUME_CEILINGS = { records: 9, bytes: 13, files: 7, hours: 5 } as const;

const clamp = (v: number) => Math.max(0, Math.min(100, v));
const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * Volume on a log scale: each stated measure m gives 100 · log10(1 + m) / c (c from VOLUME_CEILINGS),
 * capped at 100; the entry takes the largest. Nothing stated: 0.
 *
 * @example volumeScore({ volumeRecords: 1_000_000 }) // 66.67
 */
export function volumeScore(form: EntryFormFacts): number {
  const parts: number[] = [];
  const add = (value: number | undefined, ceiling: number) => {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) parts.push(clamp((100 * Math.log10(1 + value)) / ceiling));
  };
  add(form.volumeRecords, VOLUME_CEILINGS.records);
  add(form.volumeBytes, VOLUME_CEILINGS.bytes);
  add(form.volumeFiles, VOLUME_CEILINGS.files);
  add(form.volumeHours, VOLUME_CEILINGS.hours);
  return parts.length ? round2(Math.max(...parts)) : 0;
}

/** AI-ready data needs the least work before training. */
export const READINESS_SCORES: Record<string, number> = { ai_ready: 100, processed: 60, raw: 30 };
/** Open data can be released as it is; data that may not be provided scores nothing. */
export const PROVISION_SCOPE_SCORES: Record<string, number> = { open: 100, conditional: 70, safe_zone: 40, not_providable: 0 };
/** Privacy: higher is safer (less personal information, so less de-identification risk and cost). */
export const PERSONAL_INFO_SCORES: Record<string, number> = { none: 100, pseudonymised: 60, identifiable: 20 };
/** Each sensitive category (health, biometric, …) lowers the privacy score by this much. */
export const SENSITIVE_PENALTY = 10;

/**
 * Privacy score: none 100, pseudonymised 60, identifiable 20, minus 10 per sensitive category, at
 * least 0; not stated: 0.
 *
 * @example personalInfoScore({ personalInfo: 'identifiable', sensitiveCategories: ['health'] }) // 10
 */
export function personalInfoScore(form: EntryFormFacts): number {
  const base = form.personalInfo !== undefined ? PERSONAL_INFO_SCORES[form.personalInfo] : undefined;
  if (base === undefined) return 0;
  return clamp(base - SENSITIVE_PENALTY * (form.sensitiveCategories?.length ?? 0));
}

/**
 * The refinery's quality as 0–100: the mean of the indicator values (each 0–1) that could be
 * measured in the latest quality report, × 100; null when there is none or nothing was measured.
 *
 * @example qualityScore({ indicators: [{ id: 'completeness', value: 0.9 }, { id: 'uniqueness', value: 0.7 }] }) // 80
 */
export function qualityScore(report: unknown): number | null {
  const indicators = (report as { indicators?: Array<{ value?: unknown }> } | null)?.indicators;
  if (!Array.isArray(indicators)) return null;
  const values = indicators.map((i) => i?.value).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (values.length === 0) return null;
  return round2(clamp((100 * values.reduce((a, b) => a + b, 0)) / values.length));
}

/**
 * Every automatic indicator of an entry.
 *
 * @example entryIndicators({ readiness: 'ai_ready', provisionScope: 'open', personalInfo: 'none' }, null).readiness // 100
 */
export function entryIndicators(form: EntryFormFacts, qualityReport: unknown): Indicators {
  return {
    volume: volumeScore(form),
    readiness: form.readiness !== undefined ? (READINESS_SCORES[form.readiness] ?? 0) : 0,
    provision_scope: form.provisionScope !== undefined ? (PROVISION_SCOPE_SCORES[form.provisionScope] ?? 0) : 0,
    personal_info_risk: personalInfoScore(form),
    quality: qualityReport === null || qualityReport === undefined ? null : qualityScore(qualityReport),
  };
}

/** Cost estimate constants (KRW): a base, plus up to COST_VOLUME_SPAN by volume; then factors. */
export const COST_BASE = 50_000_000;
export const COST_VOLUME_SPAN = 450_000_000;
export const COST_READINESS_FACTOR: Record<string, number> = { ai_ready: 0.5, processed: 1, raw: 1.5 };
export const COST_PERSONAL_INFO_FACTOR: Record<string, number> = { none: 1, pseudonymised: 1.1, identifiable: 1.3 };

/**
 * A processing cost estimated from the form when none is given: (50 m + 450 m × volume/100) KRW ×
 * readiness factor (AI-ready 0.5, processed 1, raw 1.5) × personal-information factor (none 1,
 * pseudonymised 1.1, identifiable 1.3), rounded to the million won.
 *
 * @example estimateCost({ volumeRecords: 1_000_000, readiness: 'raw', personalInfo: 'none' }) // 525000000
 */
export function estimateCost(form: EntryFormFacts): number {
  const volume = volumeScore(form);
  const readiness = form.readiness !== undefined ? (COST_READINESS_FACTOR[form.readiness] ?? 1) : 1;
  const privacy = form.personalInfo !== undefined ? (COST_PERSONAL_INFO_FACTOR[form.personalInfo] ?? 1) : 1;
  return Math.round(((COST_BASE + (COST_VOLUME_SPAN * volume) / 100) * readiness * privacy) / 1_000_000) * 1_000_000;
}

/** Expert scores 1–5 onto 0–100: (s − 1) / 4 × 100. @example expertToPercent(4) // 75 */
export const expertToPercent = (score: number): number => ((score - 1) / 4) * 100;

/**
 * The weighted total Σ w_c · v_c with every value on 0–100 and weights summing to 1; a missing
 * value (null or absent) counts as 0.
 *
 * @example weightedTotal({ a: 80, b: null }, { a: 0.5, b: 0.5 }) // 40
 */
export function weightedTotal(
  values: Readonly<Record<string, number | null | undefined>>,
  weights: Readonly<Record<string, number>>,
): number {
  return Object.entries(weights).reduce((s, [key, w]) => s + w * (values[key] ?? 0), 0);
}
