/** Zod schemas of the refinery's routes: datasets, versions and their manifests, uploads (tus). */
import { z } from 'zod';

export const refineryDatasetSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    censusEntryId: z.string().nullable(),
    title: z.string(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'RefineryDataset' });

export const newRefineryDatasetSchema = z.object({
  title: z.string().trim().min(1).max(500),
  orgId: z.string().min(1).max(200).optional().describe("The organisation; default: the census entry's, else the caller's only one"),
  censusEntryId: z.string().min(1).max(200).optional().describe('A census entry of the same organisation this dataset refines'),
});

export const refineryDatasetListSchema = z.object({ items: z.array(refineryDatasetSchema) });

export const datasetVersionSchema = z
  .object({
    id: z.string(),
    datasetId: z.string(),
    number: z.number().int().describe('1, 2, … within the dataset'),
    parentVersionId: z.string().nullable(),
    origin: z.enum(['upload', 'recipe']),
    recipe: z.unknown().describe('For an upload: the uploads it was made of; for a recipe: the recipe'),
    status: z.enum(['ingesting', 'ready', 'failed']),
    error: z.string().nullable().describe('Why it failed, naming the upload, archive entry or file'),
    fileCount: z.number().int(),
    totalBytes: z.number().int(),
    manifestSha256: z.string().nullable().describe('SHA-256 of the canonical manifest JSON (files sorted by path)'),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
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
