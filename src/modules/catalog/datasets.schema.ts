/** zod schemas of the dataset pages and their metadata documents (OpenAPI and replies). */
import { z } from 'zod';
import { censusFormReplySchema, historyItemSchema, labelsSchema } from '../census/census.schema.js';
import { ENTRY_STATUSES } from '../census/census.service.js';
import { MAX_WINDOW } from './catalog.service.js';
import { SAMPLE_ROWS } from './datasets.service.js';

export const datasetParamsSchema = z.object({ id: z.string().min(1).max(200) });

export const relatedDatasetSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    agency: z.string(),
    agencyId: z.string(),
    domain: z.string().nullable(),
    relation: z.enum(['agency', 'domain']).describe('Why it is related: the same agency, or the same domain'),
  })
  .meta({ id: 'RelatedDataset' });

export const datasetSchema = z
  .object({
    id: z.string(),
    kind: z.literal('census_entry'),
    status: z.enum(ENTRY_STATUSES),
    title: z.string(),
    titleEn: z.string().nullable(),
    description: z.string(),
    descriptionEn: z.string().nullable(),
    agency: z.object({ id: z.string(), name: z.string(), nameEn: z.string().nullable(), code: z.string().nullable() }),
    form: censusFormReplySchema.describe('Every field of the census form as filled in'),
    accessTier: z
      .object({ scope: z.string(), labels: labelsSchema })
      .nullable()
      .describe('The scope of provision: open, conditional, safe_zone or not_providable'),
    lineage: z.object({
      censusEntryId: z.string(),
      releases: z
        .array(
          z.object({
            id: z.string(),
            datasetId: z.string().describe('The refinery dataset'),
            versionId: z.string(),
            semver: z.string(),
            tier: z.string(),
            createdAt: z.string(),
            withdrawnAt: z.string().nullable(),
            url: z.string(),
          }),
        )
        .describe("Releases made from the entry's refinery datasets, oldest first"),
    }),
    quality: z
      .object({
        releaseId: z.string(),
        semver: z.string(),
        records: z.number().int().nullable(),
        indicators: z.array(z.object({ id: z.string(), name: labelsSchema, value: z.number().nullable() })),
      })
      .nullable()
      .describe("The quality indicators of the newest release that has them (the refinery's report of its version)"),
    samples: z
      .object({
        releaseId: z.string(),
        semver: z.string(),
        path: z.string().describe("The release's file the rows come from"),
        columns: z.array(z.object({ name: z.string(), type: z.string() })),
        rows: z.array(z.record(z.string(), z.unknown())).max(SAMPLE_ROWS),
      })
      .nullable()
      .describe('The first rows of the newest release the caller may preview (its tier decides); null when there is none'),
    history: z.array(historyItemSchema).optional().describe("Only for callers who may read the census entry's history"),
    related: z.array(relatedDatasetSchema).max(5),
    metadata: z.object({
      croissantUrl: z.string(),
      dcatUrl: z.string(),
      schemaOrg: z.record(z.string(), z.unknown()).describe('The schema.org Dataset JSON-LD of the page (Korean)'),
    }),
  })
  .meta({ id: 'Dataset' });

export const dcatQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).optional().describe('From 1; default 1'),
  pageSize: z.coerce.number().int().min(1).max(MAX_WINDOW).optional().describe(`Datasets per page, default and at most ${MAX_WINDOW}`),
});

export const jsonLdSchema = z.record(z.string(), z.unknown());
