/** Zod schemas of access to releases and of downloads: licence acceptance, requests, decisions, grants, previews. */
import { z } from 'zod';

const id = z.string().min(1).max(200);
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const idParamsSchema = z.object({ id });
export const releaseFileParamsSchema = z.object({ id, '*': z.string().max(4096) });

export const licenceAcceptanceSchema = z
  .object({
    id: z.string(),
    releaseId: z.string(),
    licence: z.string(),
    licenceUrl: z.string().nullable(),
    termsSha256: z.string().describe('SHA-256 of the licence terms accepted; a changed licence needs a new acceptance'),
    acceptedAt: z.string(),
  })
  .meta({ id: 'LicenceAcceptance' });

export const accessGrantSchema = z
  .object({
    id: z.string(),
    requestId: z.string(),
    datasetId: z.string(),
    datasetTitle: z.string(),
    providerOrgId: z.string(),
    orgId: z.string().describe('The grantee: only its members download under the grant'),
    orgName: z.string(),
    purpose: z.string(),
    terms: z.record(z.string(), z.unknown()).describe('As granted: licence, note, questions and answers, duration'),
    startsAt: z.string(),
    expiresAt: z.string(),
    revokedAt: z.string().nullable(),
    revokedBy: z.string().nullable(),
    revokeReason: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    active: z.boolean().describe('In force now: started, not expired, not revoked'),
  })
  .meta({ id: 'AccessGrant' });

export const accessRequestSchema = z
  .object({
    id: z.string(),
    datasetId: z.string(),
    datasetTitle: z.string(),
    providerOrgId: z.string(),
    releaseId: z.string().nullable(),
    orgId: z.string(),
    orgName: z.string(),
    userId: z.string(),
    purpose: z.string(),
    durationDays: z.number().int(),
    answers: z.record(z.string(), z.string()),
    status: z.enum(['pending', 'approved', 'rejected', 'withdrawn']),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionNote: z.string().nullable(),
    createdAt: z.string(),
    grant: accessGrantSchema.nullable(),
  })
  .meta({ id: 'AccessRequest' });

export const newAccessRequestSchema = z.object({
  datasetId: id.describe('The refinery dataset'),
  releaseId: id.optional().describe('A conditional release of the dataset; default its latest conditional release'),
  orgId: id.optional().describe('The requesting company or research organisation; default the token’s, or your only one'),
  purpose: z.string().trim().min(1).max(4000),
  durationDays: z.number().int().min(1).max(3650),
  answers: z.record(z.string().min(1).max(200), z.string().max(8000)).optional().describe('questionId → answer'),
});

export const decisionSchema = z.object({
  decision: z.enum(['approve', 'reject']),
  note: z.string().max(4000).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional().describe('Default: now + the requested duration'),
});

export const revokeSchema = z.object({ reason: z.string().trim().min(1).max(4000) });

export const listFilterSchema = z.object({
  mine: flag.optional().describe('The requests (grants) of your organisation'),
  incoming: flag.optional().describe("Those for your agency's datasets (stewards, org_admin; the operator and auditors see all)"),
});

export const requestListSchema = z.object({ items: z.array(accessRequestSchema) });
export const grantListSchema = z.object({ items: z.array(accessGrantSchema) });

export const downloadQuerySchema = z.object({
  redirect: z
    .enum(['1', 'true', '0', 'false'])
    .optional()
    .describe('1: answer 302 to a short-lived presigned URL when the store can make one (S3); otherwise the bytes are served'),
});

export const previewSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('table'),
      path: z.string(),
      format: z.string(),
      columns: z.array(z.object({ name: z.string(), type: z.string() })),
      rows: z.array(z.record(z.string(), z.unknown())),
    }),
    z.object({ kind: z.literal('text'), path: z.string(), format: z.string(), text: z.string(), truncated: z.boolean() }),
  ])
  .meta({ id: 'FilePreview' });
