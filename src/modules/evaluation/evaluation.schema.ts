/** Zod schemas of the evaluation routes: rounds, rubrics, candidates, panels, demand, selections. */
import { z } from 'zod';
import { SELECTION_STATUSES } from './evaluation.tables.js';

const krw = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const id = z.string().min(1).max(200);
const whole = z.number().int().min(0).max(1_000_000);
const counts = z.record(z.string().min(1).max(200), whole);

export const roundStatusSchema = z.enum(['setup', 'scoring', 'consensus', 'decided']);

export const newRoundSchema = z.object({
  title: z.string().trim().min(1).max(300),
  campaignId: z.string().min(1).max(200).nullable().optional().describe('The census campaign whose entries are evaluated'),
  budget: krw.optional().describe('KRW; default 6,000,000,000'),
  targetCount: z.number().int().min(1).max(100_000).optional().describe('How many entries to select; default 100'),
});

export const roundSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    campaignId: z.string().nullable(),
    budget: z.number(),
    targetCount: z.number().int(),
    status: roundStatusSchema,
    rubricVersion: z.number().int().nullable(),
    candidateCount: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'EvaluationRound' });
export const roundListSchema = z.object({ items: z.array(roundSchema) });
export const statusBodySchema = z.object({ status: roundStatusSchema });

export const criterionSchema = z
  .object({
    key: z
      .string()
      .regex(/^[a-z0-9_]{1,64}$/, 'a-z, 0-9 and _ only')
      .describe('volume, readiness, provision_scope, personal_info_risk, quality (auto); demand (demand); any other: expert'),
    labelKo: z.string().trim().min(1).max(200),
    labelEn: z.string().trim().min(1).max(200),
    source: z.enum(['expert', 'auto', 'demand']),
  })
  .meta({ id: 'EvaluationCriterion' });

export const rubricInputSchema = z.object({
  criteria: z.array(criterionSchema).min(1).max(30),
  weighting: z.discriminatedUnion('method', [
    z.object({ method: z.literal('direct'), weights: z.record(z.string(), z.number().min(0)).describe('Any scale: normalised to sum 1') }),
    z.object({
      method: z.literal('ahp'),
      matrix: z
        .array(z.array(z.number().positive()).max(10))
        .min(1)
        .max(10)
        .describe('Pairwise judgements a_ij on Saaty’s 1–9 scale, in the order of the criteria; a_ji = 1/a_ij'),
    }),
  ]),
});

const consistencySchema = z.object({ lambdaMax: z.number(), ci: z.number(), cr: z.number() });
export const rubricSchema = z
  .object({
    version: z.number().int(),
    criteria: z.array(criterionSchema),
    method: z.enum(['direct', 'ahp']),
    weights: z.record(z.string(), z.number()).describe('Sum 1'),
    consistency: consistencySchema.nullable(),
    matrix: z.array(z.array(z.number())).nullable(),
    createdAt: z.string(),
    createdBy: z.string().nullable(),
  })
  .meta({ id: 'EvaluationRubric' });
export const rubricVersionsSchema = z.object({ current: rubricSchema.nullable(), versions: z.array(rubricSchema) });

export const candidatesInputSchema = z.object({
  entries: z
    .array(z.object({ entryId: id, estimatedCost: krw }))
    .max(10_000)
    .optional(),
  allAccepted: z.boolean().optional().describe("Every accepted entry of the round's campaign (or every accepted entry)"),
  defaultCost: krw.optional().describe('Cost of the entries allAccepted adds; default: estimated from each entry (docs/evaluation.md)'),
});
export const candidatesAddedSchema = z.object({ added: z.number().int(), updated: z.number().int() });
export const costBodySchema = z.object({ estimatedCost: krw });
export const costReplySchema = z.object({ entryId: z.string(), estimatedCost: z.number() });

const indicatorsSchema = z.object({
  volume: z.number(),
  readiness: z.number(),
  provision_scope: z.number(),
  personal_info_risk: z.number().describe('Higher is safer: 100 = no personal information'),
  quality: z.number().nullable(),
});
export const candidateSchema = z
  .object({
    entryId: z.string(),
    title: z.string(),
    agency: z.string(),
    agencyId: z.string(),
    domain: z.string(),
    modality: z.string(),
    estimatedCost: z.number(),
    indicators: indicatorsSchema.describe('Each 0–100'),
    demand: z.number().describe('0–100'),
    expert: z.record(z.string(), z.number().nullable()).describe('Mean of the final expert scores, 1–5 mapped to 0–100'),
    score: z.number().nullable().describe('Weighted total under the current rubric; null without one'),
  })
  .meta({ id: 'EvaluationCandidate' });
export const candidateListSchema = z.object({ items: z.array(candidateSchema) });

export const assignInputSchema = z.object({
  items: z
    .array(z.object({ entryId: id, evaluatorId: id }))
    .min(1)
    .max(10_000),
});
export const assignReplySchema = z.object({
  assigned: z.number().int(),
  refused: z.array(
    z.object({
      entryId: z.string(),
      evaluatorId: z.string(),
      reason: z.string().describe('conflict_of_interest, not_an_evaluator, not_a_candidate, unknown_user, declined'),
    }),
  ),
});
const assignmentStatus = z.enum(['assigned', 'scored', 'declined']);
export const assignmentSchema = z
  .object({
    entryId: z.string(),
    evaluatorId: z.string(),
    evaluatorName: z.string(),
    status: assignmentStatus,
    declaredReason: z.string().nullable(),
    assignedAt: z.string(),
  })
  .meta({ id: 'EvaluationAssignment' });
export const assignmentListSchema = z.object({ items: z.array(assignmentSchema) });
export const myAssignmentsSchema = z
  .object({
    criteria: z.array(criterionSchema).describe('The expert criteria of the current rubric'),
    items: z.array(
      z.object({
        entryId: z.string(),
        title: z.string(),
        agency: z.string(),
        domain: z.string(),
        modality: z.string(),
        description: z.string(),
        status: assignmentStatus,
        myScores: z.record(z.string(), z.number()).nullable(),
        myComment: z.string().nullable(),
        myPhase: z.enum(['initial', 'consensus']).nullable(),
        needsConsensus: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'EvaluationMyAssignments', description: 'Blind: your own scores only' });
export const conflictBodySchema = z.object({ reason: z.string().trim().min(1).max(2000) });
export const scoresBodySchema = z.object({
  scores: z.record(z.string(), z.number().int().min(1).max(5)).describe('Every expert criterion, 1–5'),
  comment: z.string().max(10_000).optional(),
});
export const scoreReplySchema = z.object({
  entryId: z.string(),
  phase: z.enum(['initial', 'consensus']),
  scores: z.record(z.string(), z.number()),
  comment: z.string().nullable(),
  createdAt: z.string(),
});
export const scoreHistorySchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      entryId: z.string(),
      evaluatorId: z.string(),
      evaluatorName: z.string(),
      phase: z.enum(['initial', 'consensus']),
      scores: z.record(z.string(), z.number()),
      comment: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
});
export const reliabilitySchema = z
  .object({
    criteria: z.array(
      z.object({
        key: z.string(),
        alpha: z.number().nullable().describe("Krippendorff's alpha, interval metric; null when undefined"),
        units: z.number().int().describe('Entries with a score'),
        pairable: z.number().int().describe('Entries with two or more scores'),
      }),
    ),
    flagged: z.array(
      z.object({ entryId: z.string(), title: z.string(), criterionKey: z.string(), scores: z.array(z.number()), spread: z.number() }),
    ),
  })
  .meta({ id: 'EvaluationReliability' });

export const demandInputSchema = z.object({
  entryId: id.optional(),
  need: z.string().trim().min(1).max(2000).optional().describe('A free-text need, matched to the candidates through the data map'),
  intendedUse: z.string().trim().min(1).max(2000),
  urgency: z.enum(['low', 'medium', 'high']),
  coInvestKrw: krw.optional(),
});
export const demandReplySchema = z.object({ id: z.string(), matchedEntryIds: z.array(z.string()) });
export const demandListSchema = z.object({
  items: z.array(z.object({ entryId: z.string(), title: z.string(), statements: z.number().int(), score: z.number() })),
});
export const myDemandSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      orgId: z.string(),
      entryId: z.string().nullable(),
      need: z.string().nullable(),
      matchedEntryIds: z.array(z.string()),
      intendedUse: z.string(),
      urgency: z.enum(['low', 'medium', 'high']),
      coInvestKrw: z.number(),
      createdAt: z.string(),
    }),
  ),
});

const countSchema = z.union([z.object({ exact: whole }), z.object({ max: whole })]);
export const selectionRequestSchema = z.object({
  count: countSchema.optional().describe("Default: exactly the round's targetCount"),
  budget: krw.optional().describe("Default: the round's budget"),
  domainMin: counts.optional(),
  domainMax: counts.optional(),
  agencyMax: whole.optional(),
  modalityMin: counts.optional(),
  mustInclude: z.array(id).max(10_000).optional(),
  mustExclude: z.array(id).max(10_000).optional(),
});

const constraintsSchema = z.object({
  budget: z.number(),
  count: countSchema,
  domainMin: z.record(z.string(), z.number()),
  domainMax: z.record(z.string(), z.number()),
  agencyMax: z.number().nullable(),
  modalityMin: z.record(z.string(), z.number()),
  mustInclude: z.array(z.string()),
  mustExclude: z.array(z.string()),
});
export const selectionSchema = z
  .object({
    id: z.string(),
    roundId: z.string(),
    rubricVersion: z.number().int(),
    status: z.enum(SELECTION_STATUSES),
    objective: z.number().nullable(),
    cost: z.number(),
    selected: z.array(z.string()),
    greedy: z.object({
      objective: z.number().nullable(),
      selected: z.array(z.string()),
      gapPercent: z.number().nullable(),
      feasible: z.boolean(),
    }),
    conflict: z.array(z.string()).nullable().describe('When infeasible: the constraints that cannot all hold, in plain English'),
    conflictGroups: z.array(z.string()).nullable().describe('The same by machine name: budget, count, domainMin:교통, mustInclude…'),
    entries: z.array(
      z.object({
        entryId: z.string(),
        title: z.string(),
        agency: z.string(),
        domain: z.string(),
        modality: z.string(),
        cost: z.number(),
        score: z.number(),
        breakdown: z.record(z.string(), z.number().nullable()).describe('Criterion values 0–100; null when missing (counted as 0)'),
        selected: z.boolean(),
        marginalValue: z.number().nullable(),
        marginalKind: z.enum(['exact', 'lp-estimate']).nullable(),
        binding: z.string().nullable(),
        reason: z.string(),
      }),
    ),
    sensitivity: z.array(
      z.object({
        criterion: z.string(),
        change: z.enum(['+10%', '-10%']),
        objective: z.number().nullable(),
        entering: z.array(z.string()),
        leaving: z.array(z.string()),
      }),
    ),
    constraints: constraintsSchema,
    inputsHash: z.string(),
    createdAt: z.string(),
    createdBy: z.string().nullable(),
  })
  .meta({ id: 'EvaluationSelection' });
export const selectionSummarySchema = z
  .object({
    id: z.string(),
    roundId: z.string(),
    rubricVersion: z.number().int(),
    status: z.enum(SELECTION_STATUSES),
    objective: z.number().nullable(),
    cost: z.number(),
    selectedCount: z.number().int(),
    inputsHash: z.string(),
    createdAt: z.string(),
    createdBy: z.string().nullable(),
  })
  .meta({ id: 'EvaluationSelectionSummary' });
export const selectionListSchema = z.object({ items: z.array(selectionSummarySchema) });
export const rerunSchema = z.object({ identical: z.boolean(), selection: selectionSchema });

export const idParamsSchema = z.object({ id: id });
export const entryParamsSchema = z.object({ id: id, entryId: id });
