/** The census tables as the repository sees them (migration 0003), and the identity columns it reads. */
import type { OrganizationRow, UserRow } from '../identity/identity.tables.js';

export type EntryStatus = 'draft' | 'submitted' | 'returned' | 'accepted';
export type ChangeKind = 'create' | 'update' | 'submit' | 'return' | 'accept' | 'import' | 'reopen';
export type CampaignStatus = 'open' | 'closed';

export interface CensusCampaignRow {
  id: string;
  title: string;
  description: string | null;
  form_version: string;
  /** An ISO date, YYYY-MM-DD. */
  deadline: string;
  status: CampaignStatus;
  created_by: string | null;
  created_at: string;
  closed_at: string | null;
}

export interface CensusCampaignTargetRow {
  campaign_id: string;
  org_id: string;
  last_reminded_at: string | null;
  reminder_count: number;
}

export interface CensusEntryRow {
  id: string;
  org_id: string;
  campaign_id: string | null;
  status: EntryStatus;
  /** 1 when created, +1 on every change; what optimistic concurrency compares. */
  version: number;
  /** The form as JSON text, possibly partial while a draft. */
  form: string;
  title: string | null;
  title_key: string | null;
  domain: string | null;
  modality: string | null;
  readiness: string | null;
  provision_scope: string | null;
  personal_info: string | null;
  /** 'manual', or the import that made it (e.g. 'data-go-kr'). */
  source: string;
  external_id: string | null;
  review_comment: string | null;
  /** The change that made the current version, and its comment. */
  change_kind: ChangeKind;
  change_comment: string | null;
  /** User ids; null when the platform itself (an import job, the CLI) made the change. */
  created_by: string | null;
  updated_by: string | null;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  decided_at: string | null;
}

/** A superseded state of an entry: what it was at `version`, and who made it so. */
export interface CensusEntryVersionRow {
  entry_id: string;
  version: number;
  status: EntryStatus;
  form: string;
  changed_by: string | null;
  changed_at: string;
  change_kind: ChangeKind;
  comment: string | null;
}

export interface CensusDuplicateFlagRow {
  entry_id: string;
  other_entry_id: string;
  reason: 'same_title';
  created_at: string;
  resolved_at: string | null;
}

export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';

/** A bulk import started through the API (migration 0004). */
export interface CensusImportRow {
  id: string;
  /** The dry run this import commits, if it is one. */
  parent_id: string | null;
  /** The agency every row goes to; null when the file names its agencies (the operator's imports). */
  org_id: string | null;
  campaign_id: string | null;
  created_by: string | null;
  file_name: string;
  blob_key: string;
  size: number;
  mapping: string;
  dry_run: number;
  valid_rows_only: number;
  status: ImportStatus;
  rows: number;
  imported: number;
  rejected: number;
  unchanged: number;
  duplicates: number;
  error_count: number;
  /** JSON: the first errors of the report. */
  errors: string;
  committed: number;
  encoding: string | null;
  format: string | null;
  /** Why the import could not run at all. */
  failure: string | null;
  created_at: string;
  finished_at: string | null;
}

export interface CensusTables {
  census_imports: CensusImportRow;
  organizations: OrganizationRow & { code: string | null };
  users: Pick<UserRow, 'id' | 'display_name'>;
  census_campaigns: CensusCampaignRow;
  census_campaign_targets: CensusCampaignTargetRow;
  census_entries: CensusEntryRow;
  census_entry_versions: CensusEntryVersionRow;
  census_duplicate_flags: CensusDuplicateFlagRow;
}
