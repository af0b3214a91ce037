/**
 * The quantitative quality indicators of a training dataset, after NIA's AI training-data quality
 * guide (인공지능 학습용 데이터 품질관리 가이드라인): each a pure function of plain counts, returning
 * its value (0..1, or null when there is nothing to measure), the formula in words and the numbers
 * it used, so a report can show how every figure was reached. docs/quality-indicators.md describes
 * each one.
 */
import { labelBalance, type AttributeSpread, type CategoryCounts } from './diversity.js';
import { accuracyEstimate, lotAccepted, type SamplingPlan } from './sampling.js';

export type IndicatorId =
  | 'completeness'
  | 'format_validity'
  | 'syntactic_accuracy'
  | 'uniqueness'
  | 'statistical_diversity'
  | 'semantic_accuracy'
  | 'rule_conformance';

export interface QualityIndicator {
  id: IndicatorId;
  name: { ko: string; en: string };
  /** 0..1 (1 is best), or null when nothing could be measured. */
  value: number | null;
  formula: string;
  inputs: Record<string, unknown>;
}

function nonNegative(inputs: Record<string, number | undefined>): void {
  for (const [key, value] of Object.entries(inputs)) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new Error(`${key} must be a count ≥ 0, got ${value}`);
  }
}

function notAbove(part: number, whole: number, partName: string, wholeName: string): void {
  if (part > whole) throw new Error(`${partName} (${part}) cannot exceed ${wholeName} (${whole})`);
}

/**
 * 완전성: the share of expected values that are there — cells with a value, and files the data
 * refers to (images of a labelling file) that exist.
 *
 * @example completeness({ cells: 1000, missingCells: 25 }).value // 0.975
 */
export function completeness(input: {
  cells: number;
  missingCells: number;
  referencedFiles?: number;
  missingFiles?: number;
}): QualityIndicator {
  const referencedFiles = input.referencedFiles ?? 0;
  const missingFiles = input.missingFiles ?? 0;
  nonNegative({ cells: input.cells, missingCells: input.missingCells, referencedFiles, missingFiles });
  notAbove(input.missingCells, input.cells, 'missingCells', 'cells');
  notAbove(missingFiles, referencedFiles, 'missingFiles', 'referencedFiles');
  const expected = input.cells + referencedFiles;
  return {
    id: 'completeness',
    name: { ko: '완전성', en: 'Completeness' },
    value: expected === 0 ? null : 1 - (input.missingCells + missingFiles) / expected,
    formula: 'completeness = 1 − (missing cells + missing referenced files) ÷ (all cells + referenced files)',
    inputs: { cells: input.cells, missingCells: input.missingCells, referencedFiles, missingFiles },
  };
}

/**
 * 형식 유효성: the share of files that open and parse as their declared format.
 *
 * @example formatValidity({ files: 200, parsedFiles: 198 }).value // 0.99
 */
export function formatValidity(input: { files: number; parsedFiles: number }): QualityIndicator {
  nonNegative(input);
  notAbove(input.parsedFiles, input.files, 'parsedFiles', 'files');
  return {
    id: 'format_validity',
    name: { ko: '형식 유효성', en: 'Format validity' },
    value: input.files === 0 ? null : input.parsedFiles / input.files,
    formula: 'format validity = files that parse ÷ all files',
    inputs: { ...input },
  };
}

/**
 * 구문 정확성: the share of records valid against the declared schema (types, required fields,
 * formats).
 *
 * @example syntacticAccuracy({ records: 5000, validRecords: 4990 }).value // 0.998
 */
export function syntacticAccuracy(input: { records: number; validRecords: number }): QualityIndicator {
  nonNegative(input);
  notAbove(input.validRecords, input.records, 'validRecords', 'records');
  return {
    id: 'syntactic_accuracy',
    name: { ko: '구문 정확성', en: 'Syntactic accuracy' },
    value: input.records === 0 ? null : input.validRecords / input.records,
    formula: 'syntactic accuracy = records valid against the schema ÷ all records',
    inputs: { ...input },
  };
}

/**
 * Records beyond the first of each duplicate group: what removing duplicates would remove.
 *
 * @example redundantRecords([[0, 4, 9], [2, 3]]) // 3
 */
export function redundantRecords(clusters: readonly (readonly number[])[]): number {
  return clusters.reduce((sum, cluster) => sum + Math.max(0, cluster.length - 1), 0);
}

/**
 * 유일성 (중복도의 보수): 1 − the share of records that repeat an earlier one, exactly or nearly
 * (near-duplicate text by MinHash, near-duplicate images by pHash). Each duplicate group keeps one
 * record; every other member counts once, even if found by more than one method — pass the union
 * as `nearDuplicateRecords` when the methods overlap.
 *
 * @example uniqueness({ records: 1000, exactDuplicates: 10, nearDuplicateTexts: 15 }).value // 0.975
 */
export function uniqueness(input: {
  records: number;
  exactDuplicates: number;
  nearDuplicateTexts?: number;
  nearDuplicateImages?: number;
}): QualityIndicator {
  const nearDuplicateTexts = input.nearDuplicateTexts ?? 0;
  const nearDuplicateImages = input.nearDuplicateImages ?? 0;
  nonNegative({ records: input.records, exactDuplicates: input.exactDuplicates, nearDuplicateTexts, nearDuplicateImages });
  const duplicates = input.exactDuplicates + nearDuplicateTexts + nearDuplicateImages;
  notAbove(duplicates, input.records, 'duplicates', 'records');
  return {
    id: 'uniqueness',
    name: { ko: '유일성', en: 'Uniqueness' },
    value: input.records === 0 ? null : 1 - duplicates / input.records,
    formula: 'uniqueness = 1 − (exact duplicates + near-duplicate texts + near-duplicate images) ÷ records, each group keeping one record',
    inputs: { records: input.records, exactDuplicates: input.exactDuplicates, nearDuplicateTexts, nearDuplicateImages },
  };
}

/**
 * 통계적 다양성: the mean normalised entropy of the label distribution and of each declared
 * attribute (1 = perfectly even), with coverage of declared attribute values alongside.
 *
 * @example statisticalDiversity({ labelCounts: { 긍정: 500, 부정: 500 } }).value // 1
 */
export function statisticalDiversity(input: {
  labelCounts?: CategoryCounts;
  expectedLabels?: readonly string[];
  attributes?: readonly AttributeSpread[];
}): QualityIndicator {
  const balance = input.labelCounts ? labelBalance(input.labelCounts, input.expectedLabels ?? []) : undefined;
  const parts: number[] = [];
  if (balance?.entropy != null) parts.push(balance.entropy);
  for (const attribute of input.attributes ?? []) if (attribute.entropy !== null) parts.push(attribute.entropy);
  return {
    id: 'statistical_diversity',
    name: { ko: '통계적 다양성', en: 'Statistical diversity' },
    value: parts.length === 0 ? null : parts.reduce((s, v) => s + v, 0) / parts.length,
    formula: 'statistical diversity = mean of the normalised entropies H/ln k of the labels and of each declared attribute',
    inputs: {
      labelBalance: balance ?? null,
      attributes: (input.attributes ?? []).map((a) => ({
        attribute: a.attribute,
        entropy: a.entropy,
        coverage: a.coverage,
        missing: a.missing,
      })),
    },
  };
}

/**
 * 의미 정확성: the share of inspected records judged correct by people, with its confidence
 * interval (Clopper–Pearson by default) and, given the ISO 2859-1 plan, whether the lot passes.
 *
 * @example semanticAccuracy({ passed: 78, failed: 2 }).value // 0.975
 */
export function semanticAccuracy(input: {
  passed: number;
  failed: number;
  confidence?: number;
  method?: 'wilson' | 'clopper-pearson';
  plan?: SamplingPlan;
}): QualityIndicator {
  nonNegative({ passed: input.passed, failed: input.failed });
  const inspected = input.passed + input.failed;
  const estimate =
    inspected === 0
      ? null
      : accuracyEstimate({
          passed: input.passed,
          failed: input.failed,
          ...(input.confidence !== undefined ? { confidence: input.confidence } : {}),
          ...(input.method ? { method: input.method } : {}),
        });
  return {
    id: 'semantic_accuracy',
    name: { ko: '의미 정확성', en: 'Semantic accuracy' },
    value: estimate ? estimate.accuracy : null,
    formula: 'semantic accuracy = records judged correct ÷ records inspected (sample from ISO 2859-1), with a confidence interval',
    inputs: {
      inspected,
      passed: input.passed,
      failed: input.failed,
      confidence: estimate?.confidence ?? input.confidence ?? 0.95,
      method: estimate?.method ?? input.method ?? 'clopper-pearson',
      lower: estimate?.lower ?? null,
      upper: estimate?.upper ?? null,
      ...(input.plan
        ? {
            plan: {
              lotSize: input.plan.lotSize,
              aql: input.plan.aql,
              sampleSize: input.plan.sampleSize,
              acceptance: input.plan.acceptance,
              rejection: input.plan.rejection,
            },
            lotAccepted: lotAccepted(input.plan, input.failed),
          }
        : {}),
    },
  };
}

/**
 * 규칙 준수율: the share of declared rules (each rule on each file it applies to) that pass.
 *
 * @example ruleConformance({ results: [{ passed: true }, { passed: false }] }).value // 0.5
 */
export function ruleConformance(input: { results: ReadonlyArray<{ passed: boolean }> }): QualityIndicator {
  const checks = input.results.length;
  const passed = input.results.filter((r) => r.passed).length;
  return {
    id: 'rule_conformance',
    name: { ko: '규칙 준수율', en: 'Rule conformance' },
    value: checks === 0 ? null : passed / checks,
    formula: 'rule conformance = rule checks passed ÷ rule checks run (one check = one rule on one file)',
    inputs: { checks, passed, failed: checks - passed },
  };
}
