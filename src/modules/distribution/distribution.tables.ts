/**
 * The distribution tables as its repositories see them (migration 0014), and the columns of other
 * modules they read. Shared by releases (releases.repository.ts) and access/downloads; usage events are the ledger's (ledger.repository.ts).
 */
import type { CensusEntryRow } from '../census/census.tables.js';
import type { MembershipRow, OrganizationRow, UserRow } from '../identity/identity.tables.js';
import type { DeidRunRow } from '../deid/deid.repository.js';
import type {
  DatasetFileRow,
  DatasetVersionRow,
  RefineryDatasetRow,
  VersionReportRow,
  VersionTaskRow,
} from '../refinery/refinery.repository.js';

export type ReleaseTier = 'open' | 'conditional' | 'safe_zone';
export type AccessRequestStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

/** A frozen refinery version under a semantic version; only `withdrawn_at` changes after insert. */
export interface ReleaseRow {
  id: string;
  /** The refinery dataset (refinery_datasets.id). */
  dataset_id: string;
  version_id: string;
  /** The providing agency (the refinery dataset's organisation). */
  org_id: string;
  semver: string;
  tier: ReleaseTier;
  /** 1: downloading an open release needs an account; 0: anonymous downloads allowed. */
  account_required: number;
  title: string;
  title_en: string | null;
  description: string | null;
  licence: string;
  licence_url: string | null;
  citation: string;
  /** JSON: { ko: {...}, en: {...} } — the Datasheets for Datasets sections. */
  datasheet: string;
  /** JSON: { files: [{ path, size, sha256, format, records }], totalBytes }. */
  manifest: string;
  manifest_sha256: string;
  /** JSON: the differences from the previous release (null for the first). */
  changelog: string | null;
  previous_release_id: string | null;
  /** JSON: [{ id, labelKo, labelEn, required }] or null. */
  request_questions: string | null;
  created_by: string | null;
  created_at: string;
  withdrawn_at: string | null;
}

/** One file of a release, addressed by blob key (never by a filesystem path). */
export interface ReleaseFileRow {
  release_id: string;
  /** Relative, '/'-separated, NFC (e.g. 'data/train-00000-of-00001.parquet', 'README.md'). */
  path: string;
  blob_key: string;
  size: number;
  sha256: string;
  format: string;
  media_type: string;
  records: number | null;
}

export interface LicenceAcceptanceRow {
  id: string;
  release_id: string;
  user_id: string;
  org_id: string | null;
  terms_sha256: string;
  accepted_at: string;
}

export interface AccessRequestRow {
  id: string;
  dataset_id: string;
  release_id: string | null;
  /** The requesting organisation. */
  org_id: string;
  user_id: string;
  purpose: string;
  duration_days: number;
  /** JSON: answers to the release's custom questions. */
  answers: string;
  status: AccessRequestStatus;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  created_at: string;
}

export interface AccessGrantRow {
  id: string;
  request_id: string;
  dataset_id: string;
  /** The grantee organisation. */
  org_id: string;
  purpose: string;
  /** JSON: the terms as granted. */
  terms: string;
  starts_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  created_by: string | null;
  created_at: string;
}

export type ReleaseBuildStatus = 'queued' | 'running' | 'done' | 'failed';

/** A release being built in the background (migration 0017): the accepted request and its outcome. */
export interface ReleaseBuildRow {
  id: string;
  dataset_id: string;
  version_id: string;
  org_id: string;
  semver: string;
  /** The accepted request, JSON. */
  request: string;
  status: ReleaseBuildStatus;
  files_done: number;
  files_total: number;
  error: string | null;
  release_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface DistributionTables {
  releases: ReleaseRow;
  release_builds: ReleaseBuildRow;
  release_files: ReleaseFileRow;
  licence_acceptances: LicenceAcceptanceRow;
  access_requests: AccessRequestRow;
  access_grants: AccessGrantRow;
  // Read from other modules.
  refinery_datasets: RefineryDatasetRow;
  dataset_versions: DatasetVersionRow;
  dataset_files: DatasetFileRow;
  version_reports: VersionReportRow;
  version_tasks: VersionTaskRow;
  deid_runs: DeidRunRow;
  census_entries: CensusEntryRow;
  organizations: OrganizationRow;
  users: UserRow;
  memberships: MembershipRow;
}
