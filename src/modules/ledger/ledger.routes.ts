/**
 * HTTP for the usage ledger (/api/v1/ledger): the published key, signed tree heads, inclusion and
 * consistency proofs (public: anyone may audit), single events and usage aggregates (for those
 * concerned), ingestion for trusted producers.
 */
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { commonErrors, type ApiApp } from '../shared/http.js';
import {
  consistencyProofSchema,
  consistencyQuerySchema,
  inclusionProofSchema,
  inclusionQuerySchema,
  ledgerEventSchema,
  newUsageEventSchema,
  publicKeySchema,
  recordedSchema,
  seqParamsSchema,
  signTreeHeadSchema,
  treeHeadListQuerySchema,
  treeHeadListSchema,
  treeHeadSchema,
  usageQuerySchema,
  usageSchema,
} from './ledger.schema.js';
import type { LedgerService } from './ledger.service.js';

export function registerLedgerRoutes(app: ApiApp, { ledger }: { ledger: LedgerService }): void {
  const tags = ['ledger'];
  const base = '/api/v1/ledger';
  const scope = app.withTypeProvider<ZodTypeProvider>();

  scope.get(
    `${base}/public-key`,
    {
      schema: {
        tags,
        summary: "The log's Ed25519 public key (PEM and raw base64) and its key id: what every signed tree head verifies with",
        security: [],
        response: { 200: publicKeySchema },
      },
    },
    async () => ledger.publicKey(),
  );

  scope.get(
    `${base}/tree-heads/latest`,
    { schema: { tags, summary: 'The latest signed tree head', security: [], response: { 200: treeHeadSchema, ...commonErrors } } },
    async () => ledger.latestTreeHead(),
  );

  scope.get(
    `${base}/tree-heads`,
    {
      schema: {
        tags,
        summary: 'Signed tree heads of a size above ?after=, oldest first (what a witness fetches)',
        security: [],
        querystring: treeHeadListQuerySchema,
        response: { 200: treeHeadListSchema, ...commonErrors },
      },
    },
    async (request) => ({ items: await ledger.treeHeads(request.query.after, request.query.limit) }),
  );

  scope.post(
    `${base}/tree-heads`,
    {
      schema: {
        tags,
        summary: 'Integrate what was recorded and sign a tree head now, if the tree grew (operator)',
        body: signTreeHeadSchema,
        response: { 201: treeHeadSchema, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await ledger.signTreeHead(request.actor, request.body ?? {})),
  );

  scope.get(
    `${base}/proofs/inclusion`,
    {
      schema: {
        tags,
        summary: "An event's RFC 9162 inclusion proof (leaf hash, index, audit path) in the tree of ?treeSize=",
        security: [],
        querystring: inclusionQuerySchema,
        response: { 200: inclusionProofSchema, ...commonErrors },
      },
    },
    async (request) => ledger.inclusionProof(request.query),
  );

  scope.get(
    `${base}/proofs/consistency`,
    {
      schema: {
        tags,
        summary: 'The RFC 9162 consistency proof from the tree of ?from= to the tree of ?to=: the older is a prefix of the newer',
        security: [],
        querystring: consistencyQuerySchema,
        response: { 200: consistencyProofSchema, ...commonErrors },
      },
    },
    async (request) => ledger.consistencyProof(request.query),
  );

  scope.get(
    `${base}/events/:seq`,
    {
      schema: {
        tags,
        summary: "One usage event as stored and its canonical bytes (oversight, the using organisation, the dataset's agency)",
        params: seqParamsSchema,
        response: { 200: ledgerEventSchema, ...commonErrors },
      },
    },
    async (request) => ledger.getEvent(request.actor, request.params.seq),
  );

  scope.post(
    `${base}/events`,
    {
      schema: {
        tags,
        summary: 'Record a usage event (trusted producers: the operator, or a token with the ledger scope); once per idempotency key',
        description:
          'Answers after the group commit that wrote it: an acknowledged event is durable. 201 when recorded, 200 for a duplicate.',
        body: newUsageEventSchema,
        response: { 200: recordedSchema, 201: recordedSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      const result = await ledger.record(request.actor, request.body);
      return reply.code(result.duplicate ? 200 : 201).send(result);
    },
  );

  scope.get(
    `${base}/usage`,
    {
      schema: {
        tags,
        summary:
          'Usage aggregates: sum of quantity per unit by organisation, dataset or month (providers: their datasets; consumers: their use)',
        querystring: usageQuerySchema,
        response: { 200: usageSchema, ...commonErrors },
      },
    },
    async (request) => ledger.usage(request.actor, request.query),
  );

  scope.get(
    `${base}/usage.csv`,
    { schema: { tags, summary: 'The same usage aggregates as CSV (UTF-8 with BOM)', querystring: usageQuerySchema } },
    async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="usage-${request.query.groupBy}.csv"`)
        .send(await ledger.usageCsv(request.actor, request.query)),
  );
}
