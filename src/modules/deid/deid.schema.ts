/** Zod schemas of the de-identification routes: runs on refinery versions, their progress, reports and samples. */
import { z } from 'zod';

export const tableSettingSchema = z
  .object({
    file: z.string().min(1).max(4096).describe('A CSV file of the version, by its manifest path'),
    quasi: z.array(z.string().min(1).max(200)).min(1).max(12).describe('Its quasi-identifier columns (주소, 나이, 성별…)'),
    k: z.number().int().min(1).max(1000).default(5).describe('The k to reach by generalising them (1: measure the risk only)'),
    maxSuppression: z.number().min(0).max(0.5).optional().describe('Share of records that may be suppressed to reach k (default 0.05)'),
  })
  .meta({ id: 'DeidTableSetting' });

export const newDeidRunSchema = z.object({
  versionId: z.string().min(1).max(200).describe('The refinery version to de-identify (ready)'),
  policy: z
    .string()
    .min(1)
    .max(256 * 1024)
    .describe('The policy as YAML (docs/deid.md). Secrets are named (secret_env, encryption.key_env), never written in it'),
  tables: z.array(tableSettingSchema).max(100).optional().describe('Tables to generalise to k, and whose residual risk to measure'),
  images: z.enum(['faces', 'skip']).optional().describe('faces (default): pixelate faces in images; skip: copy them unchanged'),
});

const riskSummarySchema = z.object({
  records: z.number(),
  classes: z.number(),
  k: z.number(),
  prosecutor: z.object({
    highest: z.number().describe('1 / the smallest class'),
    average: z.number(),
    recordsAtRisk: z.number(),
    shareAtRisk: z.number(),
    threshold: z.number(),
  }),
  smallClassCount: z.number(),
  smallClassRecords: z.number(),
});

export const deidProgressSchema = z
  .object({
    files: z.number().int(),
    filesDone: z.number().int(),
    currentFile: z.string().nullable(),
    bytes: z.number().describe('Bytes of the JSONL/CSV/text files read so far'),
    totalBytes: z.number(),
    records: z.number().describe('Records de-identified so far'),
  })
  .meta({ id: 'DeidProgress' });

const countsSchema = z.record(z.string(), z.number());

export const deidReportSchema = z
  .object({
    runId: z.string(),
    sourceVersion: z.object({ id: z.string(), number: z.number().int() }),
    policy: z.object({ hash: z.string(), content: z.unknown(), uniqueIdentifiersLegalBasis: z.string().optional() }),
    files: z.array(
      z.object({
        path: z.string(),
        format: z.string(),
        action: z.enum(['deidentified', 'pixelated', 'copied', 'not_written']),
        reason: z.string().optional(),
        run: z.unknown().optional().describe("The file's run report (records, entities, operators, fields, timing, warnings)"),
        faces: z.number().optional(),
      }),
    ),
    totals: z.object({
      files: z.number(),
      deidentified: z.number(),
      copied: z.number(),
      images: z.number(),
      records: z.object({ in: z.number(), out: z.number(), changed: z.number(), suppressed: z.number() }),
      bytes: z.number(),
      unreadable: z.number(),
      entities: countsSchema.describe('Entities acted on, per type'),
      operators: countsSchema.describe('Values changed, per operator'),
    }),
    fields: z
      .record(z.string(), z.object({ entities: countsSchema, transformed: z.number(), unreadable: z.number() }))
      .describe('Per file and column / JSON path: "<file> › <field>"'),
    tables: z
      .array(
        z.object({
          file: z.string(),
          quasi: z.array(z.string()),
          targetK: z.number(),
          maxSuppression: z.number(),
          before: riskSummarySchema,
          after: riskSummarySchema.describe('The residual risk of what is released'),
          reached: z.boolean(),
          levels: z.array(z.object({ column: z.string(), kind: z.string(), level: z.number(), levelName: z.string(), levels: z.number() })),
          suppressedRecords: z.number(),
          informationLoss: z.number(),
        }),
      )
      .describe('Residual re-identification risk of each declared table'),
    images: z.object({
      mode: z.enum(['faces', 'skip', 'none']),
      images: z.number(),
      faces: z.number(),
      failed: z.number(),
      skipped: z.number(),
      model: z.string().optional(),
      note: z.string().optional(),
    }),
    warnings: z.array(z.string()),
    timing: z.object({ startedAt: z.string(), finishedAt: z.string(), seconds: z.number() }),
  })
  .meta({ id: 'DeidRunReport', description: 'Counts only: the before/after samples are served by /samples to authorised reviewers' });

export const deidRunSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    datasetId: z.string(),
    datasetTitle: z.string().nullable(),
    versionId: z.string(),
    versionNumber: z.number().int().nullable(),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    error: z.string().nullable().describe('Why it failed (or why the last attempt did)'),
    progress: deidProgressSchema.nullable(),
    outputVersionId: z.string().nullable().describe('The de-identified version the run made'),
    outputVersionNumber: z.number().int().nullable(),
    policy: z.string().describe('The policy YAML as submitted'),
    policyHash: z.string(),
    tables: z.array(tableSettingSchema),
    images: z.enum(['faces', 'skip']),
    jobId: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    canReviewSamples: z
      .boolean()
      .describe("Whether you may see the before/after samples (the organisation's stewards and org_admins, the operator)"),
    report: deidReportSchema.nullable().describe('Once done: counts per type and field, residual risk; never the samples'),
  })
  .meta({ id: 'DeidRun' });

export const deidRunSummarySchema = deidRunSchema.omit({ report: true, policy: true }).meta({ id: 'DeidRunSummary' });
export const deidRunListSchema = z.object({ items: z.array(deidRunSummarySchema) });
export const deidRunListQuerySchema = z.object({ versionId: z.string().min(1).max(200).optional() });

export const deidSamplesSchema = z
  .object({
    runId: z.string(),
    sensitive: z.literal(true),
    items: z.array(
      z.object({
        file: z.string(),
        record: z.number().int().describe("The record's number in its file (1-based, not counting a CSV header)"),
        before: z.string(),
        after: z.string().nullable().describe('Null when the record was suppressed'),
      }),
    ),
  })
  .meta({ id: 'DeidSamples', description: 'SENSITIVE: personal data in clear' });

export const idParamsSchema = z.object({ id: z.string().min(1).max(200) });
