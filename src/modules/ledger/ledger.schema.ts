/** Zod schemas of the usage ledger's routes: the public key, tree heads, proofs, events, usage. */
import { z } from 'zod';

const hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .describe('SHA-256, lower-case hex');

export const treeHeadSchema = z
  .object({
    treeSize: z.number().int().describe('Events in the log'),
    rootHash: hex.describe('RFC 9162 root of those events'),
    timestamp: z.string().describe('When it was signed (ISO 8601 UTC, the signed milliseconds)'),
    keyId: hex.describe("Hex SHA-256 of the signer's raw public key"),
    signature: z.string().describe('Base64 Ed25519 signature over the encoded head (docs/ledger.md)'),
  })
  .meta({ id: 'SignedTreeHead', description: 'A signed tree head' });

export const treeHeadListSchema = z.object({ items: z.array(treeHeadSchema) });

export const treeHeadListQuerySchema = z.object({
  after: z.coerce.number().int().min(-1).default(-1).describe('Only heads of a larger size (default: all, from size 0)'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const signTreeHeadSchema = z
  .object({ force: z.boolean().optional().describe('Sign even when the tree did not grow since the latest head') })
  .default({});

export const publicKeySchema = z
  .object({
    algorithm: z.literal('Ed25519'),
    keyId: hex,
    pem: z.string().describe('SubjectPublicKeyInfo PEM'),
    raw: z.string().describe('Base64 of the raw 32-byte public key'),
  })
  .meta({ id: 'LedgerPublicKey' });

export const inclusionQuerySchema = z.object({
  seq: z.coerce.number().int().min(1).describe('The usage event'),
  treeSize: z.coerce.number().int().min(1).optional().describe("The tree to prove it in (default: the latest signed head's)"),
});

export const inclusionProofSchema = z
  .object({
    seq: z.number().int(),
    leafIndex: z.number().int().describe("The event's place in the log (0-based)"),
    treeSize: z.number().int(),
    leafHash: hex,
    auditPath: z.array(hex).describe('RFC 9162 inclusion proof, leaf to root'),
    treeHead: treeHeadSchema.nullable().describe('The signed head of that size, if one was issued'),
  })
  .meta({ id: 'InclusionProof' });

export const consistencyQuerySchema = z.object({
  from: z.coerce.number().int().min(0),
  to: z.coerce.number().int().min(0).optional().describe("Default: the latest signed head's size"),
});

export const consistencyProofSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    proof: z.array(hex).describe('RFC 9162 consistency proof'),
    fromHead: treeHeadSchema.nullable(),
    toHead: treeHeadSchema.nullable(),
  })
  .meta({ id: 'ConsistencyProof' });

export const seqParamsSchema = z.object({ seq: z.coerce.number().int().min(1) });

const usageEventRowSchema = z.object({
  seq: z.number().int(),
  id: z.string(),
  idempotency_key: z.string(),
  kind: z.string(),
  dataset_id: z.string(),
  release_id: z.string().nullable(),
  path: z.string().nullable(),
  org_id: z.string().nullable(),
  user_id: z.string().nullable(),
  grant_id: z.string().nullable(),
  purpose: z.string().nullable(),
  quantity: z.number().int(),
  unit: z.string(),
  occurred_at: z.string(),
  recorded_at: z.string(),
});

export const ledgerEventSchema = z
  .object({
    seq: z.number().int(),
    leafIndex: z.number().int().nullable().describe('Null until the integrator appended it to the tree'),
    event: usageEventRowSchema.describe('The stored row'),
    canonical: z.string().describe('Base64 of the canonical bytes its leaf hashes (sorted-key JSON of the row)'),
    leafHash: hex,
  })
  .meta({ id: 'LedgerEvent' });

export const newUsageEventSchema = z.object({
  idempotencyKey: z.string().min(1).max(200).describe('A retried event carries the same key and is recorded once'),
  kind: z.string().min(1).max(100).describe("'download', 'range', 'archive', safe-zone reads…"),
  datasetId: z.string().min(1).max(200),
  releaseId: z.string().max(200).nullable().optional(),
  path: z.string().max(4096).nullable().optional(),
  orgId: z.string().max(200).nullable().optional(),
  userId: z.string().max(200).nullable().optional(),
  grantId: z.string().max(200).nullable().optional(),
  purpose: z.string().max(2000).nullable().optional(),
  quantity: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  unit: z.enum(['bytes', 'records', 'tokens', 'compute_seconds']),
  occurredAt: z.iso.datetime({ offset: true }).describe('When the use completed'),
});

export const recordedSchema = z.object({
  seq: z.number().int().describe("The event's place in the record"),
  duplicate: z.boolean().describe('The key was recorded before: nothing new was written'),
});

export const usageQuerySchema = z.object({
  groupBy: z.enum(['org', 'dataset', 'month']).default('month'),
  from: z.iso.datetime({ offset: true }).optional().describe('occurred_at ≥ from'),
  to: z.iso.datetime({ offset: true }).optional().describe('occurred_at < to'),
  datasetId: z.string().max(200).optional(),
  orgId: z.string().max(200).optional().describe('The using organisation'),
  side: z
    .enum(['provider', 'consumer'])
    .optional()
    .describe("provider: use of your organisations' datasets; consumer: your organisations' own use (default both)"),
});

export const usageSchema = z
  .object({
    groupBy: z.enum(['org', 'dataset', 'month']),
    rows: z.array(
      z.object({
        key: z.string().nullable().describe('The organisation id, dataset id or month (YYYY-MM)'),
        name: z.string().nullable().describe("The organisation's or refinery dataset's name; null for months and for what is gone"),
        nameEn: z.string().nullable().describe("The organisation's English name, when it has one"),
        unit: z.string(),
        quantity: z.number(),
        events: z.number().int(),
      }),
    ),
    totals: z.array(z.object({ unit: z.string(), quantity: z.number(), events: z.number().int() })),
  })
  .meta({ id: 'UsageAggregates' });
