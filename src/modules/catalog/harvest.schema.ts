/** Zod schemas of federation's routes: harvest sources, runs and logs. */
import { z } from 'zod';

export const harvestSourceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['ckan', 'dcat']),
    url: z.string(),
    scheduleMinutes: z.number().int(),
    enabled: z.boolean(),
    lastRunAt: z.string().nullable(),
    lastOkAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    running: z.boolean().describe('A run holds the source now'),
    documentCount: z.number().int().describe('Datasets this source has brought into the data map'),
  })
  .meta({ id: 'HarvestSource' });

export const newHarvestSourceSchema = z.object({
  name: z.string().trim().min(1).max(200),
  kind: z
    .enum(['ckan', 'dcat'])
    .optional()
    .describe('ckan (default): a CKAN Action API; dcat: a DCAT catalog in Turtle or JSON-LD, paged with Hydra or Link headers'),
  url: z
    .url()
    .max(2000)
    .describe(
      "A CKAN portal's address, or its action API's (…/api/3/action); or a DCAT catalog's (first page's) URL. " +
        'http(s) only; unless the deployment allows it (DATADAM_HARVEST_ALLOW_PRIVATE), not a loopback, private, link-local or unique-local address',
    ),
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
  wait: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('Run now and answer with the outcome (200, or 409 while another run holds the source) instead of queuing the run (202)'),
});

export const queuedHarvestRunSchema = z
  .object({
    sourceId: z.string(),
    jobId: z.string(),
    status: z.literal('queued'),
    sourceUrl: z.string().describe('The source: `running`, then `lastRunAt`, `lastOkAt` and `lastError` tell how the run went'),
    logUrl: z.string().describe("The source's log, newest first"),
  })
  .meta({ id: 'QueuedHarvestRun' });

export const harvestOutcomeSchema = z
  .object({
    sourceId: z.string(),
    ok: z.boolean(),
    alreadyRunning: z.boolean().describe('Another run held the source; this one did nothing'),
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
