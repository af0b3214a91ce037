/** Zod schemas of the release routes: a new release, a release with its manifest, datasheet and changelog. */
import { z } from 'zod';
import { DATASHEET_SECTIONS } from './datasheet.js';

const labels = z.object({ ko: z.string(), en: z.string() });

const sectionOverrides = z
  .object(
    Object.fromEntries(DATASHEET_SECTIONS.map((s) => [s, z.string().max(20_000).optional()])) as Record<
      (typeof DATASHEET_SECTIONS)[number],
      z.ZodOptional<z.ZodString>
    >,
  )
  .strict();

export const requestQuestionSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .describe('Unique within the release; answers are keyed by it'),
    labelKo: z.string().trim().min(1).max(500),
    labelEn: z.string().trim().min(1).max(500),
    required: z.boolean(),
  })
  .meta({ id: 'RequestQuestion' });

export const newReleaseSchema = z
  .object({
    versionId: z.string().min(1).max(200).describe('A ready refinery version of a dataset of your agency'),
    semver: z
      .string()
      .min(5)
      .max(64)
      .describe('MAJOR.MINOR.PATCH with an optional -PRERELEASE; above every earlier release of the dataset'),
    tier: z.enum(['open', 'conditional', 'safe_zone']),
    accountRequired: z.boolean().optional().describe('Open tier: whether downloading needs an account (default true)'),
    licence: z.string().trim().min(1).max(200).describe('An SPDX identifier (CC-BY-4.0) or a licence name (공공누리 제1유형)'),
    licenceUrl: z.url().max(2000).optional(),
    citation: z.string().trim().min(1).max(2000).optional().describe('Default: agency (year). title (Version x.y.z) [Data set]. URL'),
    title: z.string().trim().min(1).max(300).optional().describe("Default: the census entry's title, else the refinery dataset's"),
    titleEn: z.string().trim().min(1).max(300).optional(),
    description: z.string().trim().min(1).max(20_000).optional(),
    requestQuestions: z
      .array(requestQuestionSchema)
      .max(30)
      .optional()
      .describe('Conditional tier: custom questions a request must answer'),
    taskCategories: z
      .array(z.string().regex(/^[a-z0-9-]{1,64}$/))
      .max(20)
      .optional()
      .describe("Hugging Face task categories for the dataset card (e.g. 'text-classification')"),
    datasheet: z
      .object({ ko: sectionOverrides.optional(), en: sectionOverrides.optional() })
      .strict()
      .optional()
      .describe('Sections (Markdown) that replace the prefilled ones'),
  })
  .strict()
  .meta({ id: 'NewRelease' });

export const releaseFileSchema = z
  .object({
    path: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    format: z.string(),
    mediaType: z.string(),
    records: z.number().int().nullable(),
    downloadable: z.boolean().describe('False for safe-zone and withdrawn releases'),
    url: z.string().nullable(),
  })
  .meta({ id: 'ReleaseFile' });

const manifestColumn = z.object({ name: z.string(), type: z.string() });
export const releaseManifestSchema = z
  .object({
    files: z.array(
      z.object({
        path: z.string(),
        size: z.number().int(),
        sha256: z.string(),
        format: z.string(),
        mediaType: z.string(),
        records: z.number().int().nullable(),
        columns: z.array(manifestColumn).optional().describe('The Parquet schema of a tabular file'),
        config: z.string().optional().describe('Hugging Face config'),
        split: z.string().optional().describe('Hugging Face split'),
        source: z.object({ path: z.string(), sha256: z.string(), format: z.string() }).optional().describe('The version file converted'),
      }),
    ),
    totalBytes: z.number().int(),
    version: z.object({ id: z.string(), number: z.number().int(), manifestSha256: z.string().nullable() }),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'ReleaseManifest' });

const fileRef = z.object({ path: z.string(), sha256: z.string(), size: z.number().int() });
export const changelogSchema = z
  .object({
    previous: z.object({ id: z.string(), semver: z.string() }),
    added: z.array(fileRef),
    removed: z.array(fileRef),
    renamed: z.array(z.object({ from: z.string(), to: z.string(), sha256: z.string(), size: z.number().int() })),
    changed: z.array(
      z.object({
        path: z.string(),
        before: fileRef,
        after: fileRef,
        records: z.object({ before: z.number().int().nullable(), after: z.number().int().nullable() }).optional(),
      }),
    ),
    unchanged: z.number().int(),
    schema: z.array(
      z.object({
        path: z.string(),
        added: z.array(manifestColumn),
        removed: z.array(manifestColumn),
        typeChanged: z.array(z.object({ name: z.string(), before: z.string(), after: z.string() })),
      }),
    ),
  })
  .meta({ id: 'ReleaseChangelog' });

const datasheetLang = z.object(
  Object.fromEntries(DATASHEET_SECTIONS.map((s) => [s, z.string()])) as Record<(typeof DATASHEET_SECTIONS)[number], z.ZodString>,
);

export const releaseSchema = z
  .object({
    id: z.string(),
    datasetId: z.string().describe('The refinery dataset'),
    versionId: z.string(),
    orgId: z.string(),
    agency: z.object({ id: z.string(), name: z.string(), nameEn: z.string().nullable() }),
    censusEntryId: z.string().nullable(),
    semver: z.string(),
    tier: z.enum(['open', 'conditional', 'safe_zone']),
    accountRequired: z.boolean(),
    title: z.string(),
    titleEn: z.string().nullable(),
    description: z.string().nullable(),
    licence: z.string(),
    licenceUrl: z.string().nullable(),
    citation: z.string(),
    requestQuestions: z.array(requestQuestionSchema),
    manifestSha256: z.string().describe('SHA-256 of the canonical manifest JSON'),
    previousReleaseId: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    withdrawnAt: z.string().nullable(),
    downloadable: z.boolean(),
    notDownloadableReason: labels.nullable(),
    links: z.object({ self: z.string(), croissant: z.string(), dcat: z.string(), datasheet: z.string(), files: z.string() }),
    qualityReport: z
      .object({
        versionId: z.string(),
        url: z.string().describe("The refinery's quality report (its agency and oversight may read it)"),
        htmlUrl: z.string(),
        records: z.number().int().nullable(),
        indicators: z.array(z.object({ id: z.string(), name: labels, value: z.number().nullable() })),
      })
      .nullable(),
  })
  .meta({ id: 'Release' });

export const releaseDetailSchema = releaseSchema
  .extend({
    manifest: releaseManifestSchema,
    datasheet: z.object({ ko: datasheetLang, en: datasheetLang }).describe('Datasheets for Datasets sections (Markdown)'),
    changelog: changelogSchema.nullable().describe('Against the previous (not withdrawn) release; null for the first'),
    files: z.array(releaseFileSchema),
  })
  .meta({ id: 'ReleaseDetail' });

export const releaseBuildSchema = z
  .object({
    id: z.string(),
    datasetId: z.string(),
    versionId: z.string(),
    semver: z.string(),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    progress: z.object({ filesDone: z.number().int(), filesTotal: z.number().int() }).describe('Files converted or kept so far, of all'),
    error: z.string().nullable().describe('Why the build failed'),
    releaseId: z.string().nullable().describe('The release, once built'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'ReleaseBuild' });

export const releaseListSchema = z.object({ items: z.array(releaseSchema) });
export const publishedReleasesQuerySchema = z.object({
  tier: z.enum(['open', 'conditional', 'safe_zone']).optional(),
  orgId: z.string().min(1).max(200).optional().describe("The providing agency's organisation id"),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(400).optional(),
});
export const publishedReleasesSchema = z.object({ items: z.array(releaseSchema), nextCursor: z.string().nullable() });
export const releaseParamsSchema = z.object({ id: z.string().min(1).max(200) });
export const datasetReleasesParamsSchema = z.object({ datasetId: z.string().min(1).max(200) });
export const jsonLdObjectSchema = z.record(z.string(), z.unknown());
