/** Zod schemas of federation's routes: harvest sources, runs and logs. */
import { z } from 'zod';

export const harvestSourceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.literal('ckan'),
    url: z.string(),
    scheduleMinutes: z.number().int(),
    enabled: z.boolean(),
    lastRunAt: z.string().nullable(),
    lastOkAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'HarvestSource' });

export const newHarvestSourceSchema = z.object({
  name: z.string().trim().min(1).max(200),
  url: z.url().max(2000).describe("A CKAN portal's address, or its action API's (…/api/3/action)"),
  scheduleMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional()
    .describe('Default 60'),
  enabled: z.boolean().optional(),
});

export const harvestSourceListSchema = z.object({ sources: z.array(harvestSourceSchema) });

export const harvestRunQuerySchema = z.object({
  full: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('Harvest everything (and remove what the source no longer has) instead of what changed'),
});

export const harvestOutcomeSchema = z
  .object({
    sourceId: z.string(),
    ok: z.boolean(),
    mode: z.enum(['full', 'incremental']),
    fetched: z.number().int(),
    upserted: z.number().int(),
    deleted: z.number().int(),
    error: z.string().nullable(),
  })
  .meta({ id: 'HarvestOutcome' });

export const harvestLogSchema = z.object({
  entries: z.array(z.object({ at: z.string(), level: z.enum(['info', 'warn', 'error']), message: z.string() })),
});

export const harvestIdParamsSchema = z.object({ id: z.string().min(1).max(200) });
