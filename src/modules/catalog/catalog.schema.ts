/** Zod schemas of the data map's search: the query string and the reply (and so the OpenAPI document). */
import { z } from 'zod';
import { DEFAULT_FACET_LIMIT, DEFAULT_LIMIT, MAX_FACET_LIMIT, MAX_LIMIT, SORTS, SUGGEST_LIMIT } from './catalog.service.js';

/** A facet filter: repeat the parameter for several values (any of them matches). */
const facetValue = z.union([z.string().trim().min(1).max(200), z.array(z.string().trim().min(1).max(200)).max(50)]).optional();

export const searchQuerySchema = z.object({
  q: z.string().max(500).optional().describe('Korean and/or English words; particles and spacing do not matter. Empty: list everything'),
  domain: facetValue.describe('Domain key, e.g. transport'),
  agency: facetValue.describe("Agency (organisation) id, as in the agency facet's values"),
  modality: facetValue,
  readiness: facetValue,
  provisionScope: facetValue,
  format: facetValue.describe('File format, e.g. CSV (case-insensitive)'),
  personalInfo: facetValue,
  year: z
    .union([z.coerce.number().int().min(1000).max(9999), z.array(z.coerce.number().int().min(1000).max(9999)).max(50)])
    .optional()
    .describe('Year collection started (or the entry was made)'),
  sort: z.enum(SORTS).optional().describe('Default: relevance with q, newest without; most_used: by recorded uses'),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  cursor: z.string().min(1).max(200).optional().describe('nextCursor of the previous page'),
  facetLimit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_FACET_LIMIT)
    .default(DEFAULT_FACET_LIMIT)
    .describe('Values per facet: the biggest, and every selected one'),
});

const facetCountSchema = z.object({
  value: z.string(),
  label: z.string().optional().describe('A readable name where the value is an id (agencies)'),
  count: z.number().int(),
});

export const searchResultSchema = z
  .object({
    total: z.number().int().describe('Every hit the caller may see, on every page'),
    results: z.array(
      z.object({
        id: z.string(),
        kind: z.string().describe('census_entry'),
        title: z.string(),
        agency: z.string(),
        agencyId: z.string(),
        domain: z.string().nullable(),
        modality: z.string().nullable(),
        status: z.string(),
        score: z.number().describe('BM25 with the title weighted; higher is better; 0 without q'),
        uses: z.number().int().describe('Recorded uses (visits to the dataset page, downloads)'),
        updatedAt: z.string(),
      }),
    ),
    facets: z.object({
      domain: z.array(facetCountSchema),
      agency: z.array(facetCountSchema),
      modality: z.array(facetCountSchema),
      readiness: z.array(facetCountSchema),
      provisionScope: z.array(facetCountSchema),
      format: z.array(facetCountSchema),
      personalInfo: z.array(facetCountSchema),
      year: z.array(facetCountSchema),
    }),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'CatalogSearchResult' });

export const suggestQuerySchema = z.object({
  q: z.string().trim().min(1).max(100).describe('What was typed so far; one syllable or a part of a word is enough'),
});

export const suggestResultSchema = z
  .object({
    suggestions: z.array(z.object({ id: z.string(), title: z.string(), agency: z.string() })).max(SUGGEST_LIMIT),
  })
  .meta({ id: 'CatalogSuggestions' });
