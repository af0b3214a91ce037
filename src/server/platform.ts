/**
 * The composition root: the one place that picks adapters for the ports and hands them to the
 * services. Everything else receives what it needs.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { BlobStore, HttpFetch, JobSpec, OidcProvider, ScheduledJob, UsageRecorder } from '../core/ports.js';
import { catalogJobs, catalogSchedules } from '../modules/catalog/catalog.jobs.js';
import { createCatalogRepository } from '../modules/catalog/catalog.repository.js';
import { createCatalogService, type CatalogService } from '../modules/catalog/catalog.service.js';
import { createDatasetsService, type DatasetsService } from '../modules/catalog/datasets.service.js';
import { harvestJobs, harvestSchedules } from '../modules/catalog/harvest.jobs.js';
import { createHarvestRepository } from '../modules/catalog/harvest.repository.js';
import { createHarvestService, type HarvestService } from '../modules/catalog/harvest.service.js';
import { censusJobs, censusSchedules } from '../modules/census/census.jobs.js';
import { createCensusRepository } from '../modules/census/census.repository.js';
import { createCensusFilesService, type CensusFilesService } from '../modules/census/census-files.service.js';
import { createCensusService, type CensusService } from '../modules/census/census.service.js';
import { identityJobs, identitySchedules } from '../modules/identity/identity.jobs.js';
import { createIdentityRepository } from '../modules/identity/identity.repository.js';
import { createIdentityService, type IdentityService } from '../modules/identity/identity.service.js';
import { openBlobStore } from '../platform/blob/index.js';
import { createNodeFetch } from '../platform/http/fetch.js';
import { readRowBatchesOnWorker } from './census-import-worker.js';
import { openDatabase, pingDatabase, type Database } from '../platform/db/database.js';
import { migrateToLatest } from '../platform/db/migrator.js';
import { createDbJobQueue, type DbJobQueue } from '../platform/queue/db-job-queue.js';
import { JobRegistry } from '../platform/queue/registry.js';
import { createOidcProvider } from '../platform/oidc/openid-client-provider.js';
import { createDiskUploadStaging } from '../platform/uploads/disk-upload-staging.js';
import { createAnalysisEngine } from '../modules/refinery/analysis/engine.js';
import { createIngestEngine, type IngestEngine } from '../modules/refinery/ingest/ingest.js';
import { refineryJobs, refinerySchedules } from '../modules/refinery/refinery.jobs.js';
import { createRefineryRepository } from '../modules/refinery/refinery.repository.js';
import { createRefineryService, type RefineryService } from '../modules/refinery/refinery.service.js';
import { createUploadService, type UploadService } from '../modules/refinery/uploads.service.js';
import { createDeidEngine } from '../modules/deid/deid.engine.js';
import { deidJobs } from '../modules/deid/deid.jobs.js';
import { createDeidRepository } from '../modules/deid/deid.repository.js';
import { createDeidService, type DeidService } from '../modules/deid/deid.service.js';
import { createEvaluationRepository } from '../modules/evaluation/evaluation.repository.js';
import { createEvaluationService, type EvaluationService } from '../modules/evaluation/evaluation.service.js';
import { createAccessRepository } from '../modules/distribution/access.repository.js';
import { createAccessService, type AccessService } from '../modules/distribution/access.service.js';
import { createBandwidthShares, type BandwidthShares } from '../modules/distribution/bandwidth.js';
import { createDownloadsService, type DownloadsService } from '../modules/distribution/downloads.service.js';
import { createPreviewer } from '../modules/distribution/preview.js';
import { createLayoutEngine } from '../modules/distribution/hf-layout.js';
import { createReleasesRepository } from '../modules/distribution/releases.repository.js';
import { releaseExtrasForDataMap } from '../modules/distribution/data-map.js';
import { releasesJobs } from '../modules/distribution/releases.jobs.js';
import { createReleasesService, type ReleasesService } from '../modules/distribution/releases.service.js';
import { loadLedgerKeys } from '../modules/ledger/ledger.keys.js';
import { ledgerJobs, ledgerSchedules } from '../modules/ledger/ledger.jobs.js';
import { createLedgerRepository } from '../modules/ledger/ledger.repository.js';
import { createLedgerService, type LedgerService } from '../modules/ledger/ledger.service.js';

export interface Platform {
  config: Config;
  secret: string;
  clock: Clock;
  database: Database;
  blobStore: BlobStore;
  queue: DbJobQueue;
  registry: JobRegistry;
  schedules: ScheduledJob[];
  identity: IdentityService;
  census: CensusService;
  censusFiles: CensusFilesService;
  catalog: CatalogService;
  datasets: DatasetsService;
  harvest: HarvestService;
  /** The refinery: datasets, versions, ingest. */
  refinery: RefineryService;
  /** Resumable uploads (tus) into refinery datasets. */
  uploads: UploadService;
  /** Stores files from folders, and writes a version's files into one (for profile, quality, recipe jobs). */
  ingest: IngestEngine;
  /** De-identification runs on refinery versions. */
  deid: DeidService;
  /** Evaluation rounds: rubrics, panels, demand, selections. */
  evaluation: EvaluationService;
  /** Releases: immutable, versioned, in the Hugging Face layout, with their metadata. */
  releases: ReleasesService;
  /** Access to releases: licences, conditional requests, grants. */
  access: AccessService;
  /** Downloads of released files, archives, previews. */
  downloads: DownloadsService;
  /** Fair sharing of download bandwidth per person, in this process. */
  downloadShares: BandwidthShares;
  /** Where usage events go: the ledger's recorder. */
  usage: UsageRecorder;
  /** The usage ledger: group-committed ingestion, the Merkle log, signed tree heads, proofs, aggregates. */
  ledger: LedgerService;
  oidc: OidcProvider | undefined;
  readinessChecks: Record<string, () => Promise<void>>;
  close(): Promise<void>;
}

export interface OpenPlatformOptions {
  /** Apply pending migrations first (the default); `datadam migrate` and tests say so explicitly. */
  migrate?: boolean;
  clock?: Clock;
  /** Harvesting's HTTP and its limits (tests shorten them). */
  harvest?: { fetch?: HttpFetch; timeoutMs?: number; attempts?: number; backoffMs?: number; leaseMs?: number; maxPages?: number };
}

/** Opens the database and blob store the configuration names, migrates, and builds every service. */
export async function openPlatform(config: Config, options: OpenPlatformOptions = {}): Promise<Platform> {
  const clock = options.clock ?? systemClock;
  const database = openDatabase(config.db);
  try {
    if (options.migrate !== false) await migrateToLatest(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  const blobStore = openBlobStore(config.blob);
  // The queue reads each job's defaults from the registry when something is enqueued, by which
  // time every module has registered its jobs.
  const registry = new JobRegistry();
  const queue = createDbJobQueue({ database, clock, defaultsFor: (name) => registry.defaultsFor(name) });

  const identity = createIdentityService({ repo: createIdentityRepository(database.db), clock });
  const censusRepo = createCensusRepository(database.db);
  const census = createCensusService({ repo: censusRepo, clock });
  const censusFiles = createCensusFilesService({
    repo: censusRepo,
    clock,
    blobs: blobStore,
    queue,
    maxImportBytes: config.maxUploadBytes,
    readRowBatches: readRowBatchesOnWorker,
  });

  const catalogRepo = createCatalogRepository(database.db, database.capabilities);
  const catalog = createCatalogService({ repo: catalogRepo });
  // The SSRF guard: private addresses only where the deployment says so (DATADAM_HARVEST_ALLOW_PRIVATE).
  const outbound = createNodeFetch({ allowPrivate: config.harvestAllowPrivate });
  const harvest = createHarvestService({
    repo: createHarvestRepository(database.db),
    documents: catalogRepo,
    fetch: options.harvest?.fetch ?? outbound.fetch,
    checkUrl: outbound.check,
    clock,
    queue,
    ...(options.harvest?.timeoutMs !== undefined ? { timeoutMs: options.harvest.timeoutMs } : {}),
    ...(options.harvest?.attempts !== undefined ? { attempts: options.harvest.attempts } : {}),
    ...(options.harvest?.backoffMs !== undefined ? { backoffMs: options.harvest.backoffMs } : {}),
    ...(options.harvest?.leaseMs !== undefined ? { leaseMs: options.harvest.leaseMs } : {}),
    ...(options.harvest?.maxPages !== undefined ? { maxPages: options.harvest.maxPages } : {}),
  });
  const datasets = createDatasetsService({
    census,
    catalog,
    identity,
    publicUrl: config.publicUrl,
    // The lineage on dataset pages: census entry → refinery dataset → releases (made further down).
    releasesOf: async (actor, entryId) =>
      (await releases.listForCensusEntry(actor, entryId)).map((r) => ({
        id: r.id,
        datasetId: r.datasetId,
        versionId: r.versionId,
        semver: r.semver,
        tier: r.tier,
        createdAt: r.createdAt,
        withdrawnAt: r.withdrawnAt,
        url: r.links.self,
      })),
    releaseExtras: releaseExtrasForDataMap({
      releases: { get: (actor, id) => releases.get(actor, id) },
      downloads: { preview: (actor, id, filePath) => downloads.preview(actor, id, filePath) },
    }),
  });

  const refineryLimits = config.refinery;
  const refineryRepo = createRefineryRepository(database.db);
  const uploads = createUploadService({
    repo: refineryRepo,
    // Partial uploads wait here; with several API processes this folder must be shared (or uploads sticky).
    staging: createDiskUploadStaging({ root: path.join(config.dataDir, 'uploads') }),
    blobs: blobStore,
    clock,
    maxBytes: refineryLimits.uploadMaxBytes,
    expiryMs: refineryLimits.uploadExpiryMs,
  });
  const ingest = createIngestEngine({
    blobs: blobStore,
    workDir: path.join(config.dataDir, 'work', 'refinery'),
    limits: {
      maxEntries: refineryLimits.archiveMaxEntries,
      maxTotalBytes: refineryLimits.archiveMaxBytes,
      maxRatio: refineryLimits.archiveMaxRatio,
    },
  });
  // Profiles, quality checks, inspections' records and recipes run on a version's files in scratch folders here.
  const analysis = createAnalysisEngine({ ingest, workDir: path.join(config.dataDir, 'work', 'analysis') });
  const refinery = createRefineryService({ repo: refineryRepo, uploads, ingest, blobs: blobStore, queue, clock, analysis });

  // De-identification runs work in scratch folders here; the policy's secrets come from this process's environment.
  const deid = createDeidService({
    repo: createDeidRepository(database.db),
    refinery,
    engine: createDeidEngine({
      materialize: (files, dir) => ingest.materialize(files, dir),
      workDir: path.join(config.dataDir, 'work', 'deid'),
    }),
    queue,
    clock,
    env: process.env,
  });

  const evaluation = createEvaluationService({ repo: createEvaluationRepository(database.db), clock, catalog });

  // The ledger signs with a key derived from the platform secret (or DATADAM_LEDGER_KEY), the same in every process.
  const secret = loadOrCreateSecret(config);
  const ledger = createLedgerService({
    repo: createLedgerRepository(database.db, database.capabilities),
    clock,
    keys: loadLedgerKeys({ secret, pem: process.env.DATADAM_LEDGER_KEY }),
  });

  // Releases convert tabular files to Parquet in scratch folders here.
  const releases = createReleasesService({
    repo: createReleasesRepository(database.db),
    blobs: blobStore,
    layout: createLayoutEngine({
      blobs: blobStore,
      materialize: (files, dir) => ingest.materialize(files, dir),
      workDir: path.join(config.dataDir, 'work', 'releases'),
    }),
    clock,
    queue,
    publicUrl: config.publicUrl,
    inlineBuildBytes: config.releaseInlineBytes,
  });

  // Downloads record their use through the ledger: group-committed, durable when acknowledged.
  const usage = ledger.recorder;
  const accessRepo = createAccessRepository(database.db);
  const access = createAccessService({ repo: accessRepo, clock });
  const downloads = createDownloadsService({
    repo: accessRepo,
    access,
    blobs: blobStore,
    usage,
    clock,
    previewer: createPreviewer({ blobs: blobStore, workDir: path.join(config.dataDir, 'work', 'preview') }),
  });
  const downloadShares = createBandwidthShares(config.downloads);

  const jobs: JobSpec[] = [
    ...identityJobs(identity),
    ...censusJobs(census, censusFiles),
    ...catalogJobs(catalog),
    ...harvestJobs(harvest),
    ...refineryJobs(refinery, uploads),
    ...deidJobs(deid),
    ...ledgerJobs(ledger),
    ...releasesJobs(releases),
  ];
  for (const job of jobs) registry.register(job);
  const schedules = [...identitySchedules, ...censusSchedules, ...catalogSchedules, ...harvestSchedules, ...refinerySchedules];
  schedules.push(...ledgerSchedules);
  registry.assertHandlersFor(schedules.map((s) => s.name));

  const oidc = config.oidc ? await createOidcProvider(config.oidc) : undefined;

  return {
    config,
    secret,
    clock,
    database,
    blobStore,
    queue,
    registry,
    schedules,
    identity,
    census,
    censusFiles,
    catalog,
    datasets,
    harvest,
    refinery,
    uploads,
    ingest,
    deid,
    evaluation,
    releases,
    access,
    downloads,
    downloadShares,
    usage,
    ledger,
    oidc,
    readinessChecks: {
      database: () => pingDatabase(database),
      blobs: () => blobStore.ping(),
    },
    close: async () => {
      await ledger.close();
      await blobStore.close();
      await database.close();
    },
  };
}

/**
 * The secret that signs short-lived cookies. Deployments with several API processes set
 * DATADAM_SECRET on all of them; the embedded default keeps one in its data folder.
 */
function loadOrCreateSecret(config: Config): string {
  if (config.secret) return config.secret;
  const file = path.join(config.dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}
