/** Zod schemas of the refinery's routes: datasets, versions and their manifests, uploads (tus). */
import { z } from 'zod';

export const analysisSettingsSchema = z
  .object({
    labelColumn: z.string().min(1).max(200).optional().describe("The column holding each record's label: its balance is measured"),
    expectedLabels: z.array(z.string().max(200)).max(1000).optional().describe('Labels that should all occur'),
    attributes: z
      .array(z.string().min(1).max(200))
      .max(50)
      .optional()
      .describe('Columns describing the population (지역, 성별…): their spread is measured'),
    textField: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('The column or JSON Lines field holding free text: near-duplicate texts are looked for in it'),
  })
  .meta({ id: 'RefineryAnalysisSettings' });

export const refineryDatasetSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    censusEntryId: z.string().nullable(),
    title: z.string(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    rules: z.string().nullable().describe("The dataset's rule file (YAML), run on every version's quality"),
    settings: analysisSettingsSchema,
  })
  .meta({ id: 'RefineryDataset' });

export const newRefineryDatasetSchema = z.object({
  title: z.string().trim().min(1).max(500),
  orgId: z.string().min(1).max(200).optional().describe("The organisation; default: the census entry's, else the caller's only one"),
  censusEntryId: z.string().min(1).max(200).optional().describe('A census entry of the same organisation this dataset refines'),
});

export const refineryDatasetListSchema = z.object({ items: z.array(refineryDatasetSchema) });

export const versionTaskSchema = z
  .object({
    status: z.enum(['queued', 'running', 'done', 'failed']),
    error: z.string().nullable().describe('Why it failed (or why the last attempt did)'),
    jobId: z.string().nullable(),
    result: z.unknown().describe('A recipe: the new version ({ versionId, number })'),
    updatedAt: z.string(),
  })
  .meta({ id: 'VersionTask' });

export const datasetVersionSchema = z
  .object({
    id: z.string(),
    datasetId: z.string(),
    number: z.number().int().describe('1, 2, … within the dataset'),
    parentVersionId: z.string().nullable(),
    origin: z.enum(['upload', 'recipe', 'deid']).describe('deid: made by a de-identification run'),
    recipe: z
      .unknown()
      .describe('For an upload: the uploads it was made of; for a recipe: the recipe; for a deid run: the run and its policy hash'),
    status: z.enum(['ingesting', 'ready', 'failed']),
    error: z.string().nullable().describe('Why it failed, naming the upload, archive entry or file'),
    fileCount: z.number().int(),
    totalBytes: z.number().int(),
    manifestSha256: z.string().nullable().describe('SHA-256 of the canonical manifest JSON (files sorted by path)'),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    tasks: z
      .object({ profile: versionTaskSchema.optional(), quality: versionTaskSchema.optional(), recipe: versionTaskSchema.optional() })
      .describe('The jobs run on the version and their state'),
  })
  .meta({ id: 'DatasetVersion' });

export const manifestFileSchema = z
  .object({
    path: z.string().describe("Relative, '/'-separated, NFC"),
    blobKey: z.string().describe('SHA-256 of the stored bytes'),
    size: z.number().int(),
    format: z.string().describe('csv, tsv, xlsx, parquet, jsonl, json, text, image, audio, video, archive or other'),
    mediaType: z.string(),
    encoding: z.string().nullable().describe('The encoding a text file was uploaded in; stored text is always UTF-8 NFC'),
    originalBlobKey: z.string().nullable().describe('The bytes as uploaded, when the stored ones were normalised'),
  })
  .meta({ id: 'ManifestFile' });

export const versionManifestSchema = datasetVersionSchema.extend({ files: z.array(manifestFileSchema) }).meta({ id: 'VersionManifest' });

export const datasetVersionListSchema = z.object({ items: z.array(datasetVersionSchema) });

export const newVersionSchema = z.object({
  uploads: z.array(z.string().min(1).max(100)).min(1).max(1000).describe('Complete uploads (tus) of this dataset, each used once'),
});

export const queuedVersionSchema = z.object({ version: datasetVersionSchema, jobId: z.string() }).meta({ id: 'QueuedVersion' });

export const idParamsSchema = z.object({ id: z.string().min(1).max(200) });

export const fileParamsSchema = z.object({
  id: z.string().min(1).max(200),
  '*': z.string().max(4096).describe('The file path as the manifest lists it'),
});

export const fileQuerySchema = z.object({
  original: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('The bytes as uploaded rather than as stored (for text normalised to UTF-8 NFC)'),
});

export const reportParamsSchema = z.object({ id: z.string().min(1).max(200), kind: z.string().regex(/^[a-z_]{1,40}$/) });
export const reportQuerySchema = z.object({
  download: z.enum(['1', 'true', '0', 'false']).optional().describe('1: sent as an attachment (a file to save)'),
});
export const reportSchema = z.object({ kind: z.string(), body: z.unknown(), createdAt: z.string() }).meta({ id: 'VersionReport' });

export const rulesBodySchema = z.union([
  z
    .string()
    .max(256 * 1024)
    .describe('The rule file as YAML (Content-Type: application/yaml or text/yaml)'),
  z.object({
    rules: z
      .string()
      .max(256 * 1024)
      .describe('YAML; empty removes the rules'),
  }),
]);
export const rulesResultSchema = z.object({ rules: z.string().nullable(), count: z.number().int() });

export const recipeBodySchema = z.union([
  z
    .string()
    .max(256 * 1024)
    .describe('The recipe as YAML (Content-Type: application/yaml or text/yaml)'),
  z.object({ recipe: z.union([z.string().max(256 * 1024), z.record(z.string(), z.unknown())]).describe('YAML text or the recipe object') }),
]);
export const queuedRecipeSchema = z.object({ jobId: z.string(), versionId: z.string().describe('The version the recipe is applied to') });

const intervalSchema = z.object({ lower: z.number(), upper: z.number() });
export const inspectionSummarySchema = z
  .object({
    id: z.string(),
    versionId: z.string(),
    status: z.enum(['open', 'accepted', 'rejected']),
    aql: z.number(),
    lotSize: z.number().int(),
    plan: z.object({
      codeLetter: z.string(),
      sampleSize: z.number().int().describe('n: records to inspect'),
      acceptance: z.number().int().describe('Ac: accept with at most this many failures'),
      rejection: z.number().int().describe('Re: reject with this many or more'),
      fullInspection: z.boolean(),
    }),
    decided: z.number().int(),
    passed: z.number().int(),
    failed: z.number().int(),
    result: z
      .object({
        lotAccepted: z.boolean(),
        accuracy: z.number(),
        confidence: z.number(),
        wilson: intervalSchema,
        clopperPearson: intervalSchema,
      })
      .nullable()
      .describe('Once every item is decided'),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'InspectionSummary' });
export const inspectionSchema = inspectionSummarySchema
  .extend({
    items: z.array(
      z.object({
        no: z.number().int(),
        file: z.string(),
        row: z.number().int().nullable().describe('1-based data row; null when the file is the record'),
        record: z.record(z.string(), z.string().nullable()).describe("The record's values, read when the sample was drawn"),
        verdict: z.enum(['pass', 'fail']).nullable(),
        note: z.string().nullable(),
        inspector: z.string().nullable(),
        decidedAt: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'Inspection' });
export const inspectionListSchema = z.object({ items: z.array(inspectionSummarySchema) });
export const newInspectionSchema = z.object({
  aql: z.number().positive().describe('Acceptable quality limit in percent nonconforming (ISO 2859-1: 0.01 … 6.5)'),
  lotSize: z.number().int().positive().optional().describe("Default: the version's record count"),
});
export const itemParamsSchema = z.object({ id: z.string().min(1).max(200), no: z.coerce.number().int().positive() });
export const decisionSchema = z.object({ verdict: z.enum(['pass', 'fail']), note: z.string().max(2000).optional() });
