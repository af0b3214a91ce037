import { z } from 'zod';
import { FIELD_CHOICES, FIELD_LABELS, FORM_FIELDS } from './census.form.js';
import { CAMPAIGN_STATUSES, CHANGE_KINDS, ENTRY_STATUSES, FIELD_TYPES, FORM_FIELD_TYPES, MAX_LIST_LIMIT } from './census.service.js';

export const labelsSchema = z.object({ ko: z.string(), en: z.string() }).meta({ id: 'CensusLabels' });

const choiceSchema = z.object({ value: z.string(), labels: labelsSchema });

export const formDescriptionSchema = z
  .object({
    version: z.string(),
    fields: z.array(
      z.object({
        key: z.string(),
        labels: labelsSchema,
        type: z.enum(FIELD_TYPES),
        required: z.boolean().describe('Required to submit; a draft may leave it empty'),
        choices: z.array(choiceSchema).optional(),
      }),
    ),
    domains: z.array(choiceSchema),
  })
  .meta({ id: 'CensusFormDescription' });

/**
 * The form as stored, for replies: every field optional (drafts are partial). Built from the field
 * types rather than from census.form.ts's schema, whose trimming transforms cannot be encoded in a
 * reply. Enumerated values are plain strings here so that an odd value never makes an entry unreadable;
 * GET /api/v1/census/form lists the choices.
 */
export const censusFormReplySchema = z
  .object(
    Object.fromEntries(
      FORM_FIELDS.map((key) => {
        const choices = FIELD_CHOICES[key] ? ` (one of: ${Object.keys(FIELD_CHOICES[key]).join(', ')})` : '';
        const described = `${FIELD_LABELS[key].en} / ${FIELD_LABELS[key].ko}${choices}`;
        switch (FORM_FIELD_TYPES[key]) {
          case 'number':
            return [key, z.number().optional().describe(described)];
          case 'multi':
          case 'list':
            return [key, z.array(z.string()).optional().describe(described)];
          case 'text':
          case 'textarea':
          case 'enum':
          case 'date':
          case 'email':
            return [key, z.string().optional().describe(described)];
        }
      }),
    ),
  )
  .meta({ id: 'CensusForm' });

const formBodySchema = z
  .record(z.string(), z.unknown())
  .describe('The census form (see the CensusForm schema and GET /api/v1/census/form), possibly partial while a draft');

export const entryProblemSchema = z
  .object({ field: z.string(), message: z.string().describe('In English'), messageKo: z.string().describe('The same in Korean') })
  .meta({ id: 'CensusProblem' });

export const entrySummarySchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    orgName: z.string(),
    campaignId: z.string().nullable(),
    status: z.enum(ENTRY_STATUSES),
    title: z.string().nullable(),
    domain: z.string().nullable(),
    modality: z.string().nullable(),
    readiness: z.string().nullable(),
    provisionScope: z.string().nullable(),
    version: z.number().int().describe('Send it back with PUT: a stale version is refused with 409'),
    updatedAt: z.string(),
    duplicateCount: z.number().int().describe('Other entries of the agency with the same title'),
  })
  .meta({ id: 'CensusEntrySummary' });

export const entrySchema = entrySummarySchema
  .extend({
    form: censusFormReplySchema,
    createdAt: z.string(),
    submittedAt: z.string().nullable(),
    decidedAt: z.string().nullable(),
    reviewComment: z.string().nullable(),
    source: z.string().describe("'manual', or the import that made the entry"),
    externalId: z.string().nullable(),
    problems: z.array(entryProblemSchema).describe('What is still missing or wrong before the entry can be submitted'),
    duplicates: z.array(z.object({ id: z.string(), title: z.string().nullable() })),
  })
  .meta({ id: 'CensusEntry' });

export const historyItemSchema = z
  .object({
    version: z.number().int(),
    status: z.enum(ENTRY_STATUSES),
    changedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
    changedAt: z.string(),
    kind: z.enum(CHANGE_KINDS),
    comment: z.string().nullable(),
    changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
  })
  .meta({ id: 'CensusHistoryItem' });

export const campaignSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    formVersion: z.string(),
    deadline: z.string().describe('YYYY-MM-DD'),
    status: z.enum(CAMPAIGN_STATUSES),
    targets: z.array(z.object({ orgId: z.string(), orgName: z.string() })),
    createdAt: z.string(),
    responded: z.number().int().describe('Targets with at least one submitted or accepted entry in the campaign'),
    targetCount: z.number().int(),
  })
  .meta({ id: 'CensusCampaign' });

const statusCounts = {
  draft: z.number().int(),
  submitted: z.number().int(),
  returned: z.number().int(),
  accepted: z.number().int(),
};

export const assignmentSchema = z
  .object({
    campaign: campaignSchema,
    orgId: z.string(),
    orgName: z.string(),
    ...statusCounts,
    remindedAt: z.string().nullable().describe('When the operator last reminded this agency'),
  })
  .meta({ id: 'CensusAssignment' });

const coverageSchema = z.array(z.object({ key: z.string(), count: z.number().int() }));

export const dashboardSchema = z
  .object({
    campaign: campaignSchema.nullable(),
    responseRate: z.object({ targets: z.number().int(), responded: z.number().int(), rate: z.number().describe('0 to 1') }),
    perAgency: z.array(z.object({ orgId: z.string(), orgName: z.string(), ...statusCounts, responded: z.boolean() })),
    coverage: z
      .object({ domain: coverageSchema, modality: coverageSchema, readiness: coverageSchema, provisionScope: coverageSchema })
      .describe('Accepted entries (of the campaign, when given) by each dimension'),
    totals: z.object({ entries: z.number().int(), accepted: z.number().int() }),
  })
  .meta({ id: 'CensusDashboard' });

const comment = z.string().trim().max(5_000);

export const listEntriesQuerySchema = z.object({
  org: z.string().min(1).max(200).optional().describe('Organisation id'),
  campaign: z.string().min(1).max(200).optional().describe('Campaign id'),
  status: z.enum(ENTRY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(50),
  cursor: z.string().min(1).max(200).optional().describe('nextCursor of the previous page'),
});

export const createEntryBodySchema = z.object({
  orgId: z.string().min(1).max(200),
  campaignId: z.string().min(1).max(200).optional(),
  form: formBodySchema,
});

export const updateEntryBodySchema = z.object({
  form: formBodySchema,
  version: z.number().int().min(1).describe('The version this edit started from'),
});

export const requiredCommentBodySchema = z.object({ comment: comment.min(1) });
export const optionalCommentBodySchema = z.object({ comment: comment.optional() });

export const createCampaignBodySchema = z.object({
  title: z.string().trim().min(1).max(300),
  description: z.string().trim().max(20_000).optional(),
  deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'),
  targetOrgIds: z.array(z.string().min(1).max(200)).min(1).max(10_000).describe('Agencies asked to answer'),
});

export const dashboardQuerySchema = z.object({ campaign: z.string().min(1).max(200).optional().describe('Campaign id') });

export const idParamsSchema = z.object({ id: z.string().min(1).max(200) });

export const importErrorSchema = z
  .object({ row: z.number().int(), column: z.string(), message: z.string(), messageEn: z.string() })
  .meta({ id: 'CensusImportError' });

export const importSchema = z
  .object({
    id: z.string(),
    parentId: z.string().nullable(),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    fileName: z.string(),
    size: z.number().int(),
    mapping: z.string(),
    orgId: z.string().nullable(),
    campaignId: z.string().nullable(),
    dryRun: z.boolean(),
    validRowsOnly: z.boolean(),
    encoding: z.string().nullable(),
    format: z.string().nullable(),
    rows: z.number().int(),
    imported: z.number().int().describe('Entries written; for a dry run or a refused import, those that would have been'),
    rejected: z.number().int(),
    unchanged: z.number().int(),
    duplicates: z.number().int(),
    committed: z.boolean(),
    errorCount: z.number().int(),
    errors: z.array(importErrorSchema).describe('The first 1,000 errors'),
    error: z.string().nullable().describe('Why the import could not run at all'),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'CensusImport' });

const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');

export const startImportQuerySchema = z.object({
  fileName: z.string().trim().min(1).max(255),
  mapping: z.string().default('native').describe('native (the template) or data-go-kr'),
  orgId: z.string().max(200).optional().describe('The agency every row belongs to (required for stewards)'),
  campaignId: z.string().max(200).optional(),
  dryRun: flag.describe('Check and report, import nothing'),
  validRowsOnly: flag,
});

export const commitImportBodySchema = z.object({ validRowsOnly: z.boolean().default(false) });

export const exportQuerySchema = z.object({
  format: z.enum(['csv', 'xlsx', 'json']),
  campaign: z.string().max(200).optional(),
  org: z.string().max(200).optional(),
  status: z.enum(['draft', 'submitted', 'returned', 'accepted']).optional(),
  lang: z.enum(['ko', 'en']).default('ko'),
});
