/**
 * The census: agencies inventory their data holdings on the standard form (census.form.ts), one
 * entry per holding, inside campaigns the operator runs. Every change of an entry keeps the state
 * it replaced, so the history shows who changed what. The rules live here; who may do what is the
 * one policy's (core/auth), storage is the repository's.
 */
import { z } from 'zod';
import { authorize, can, type Actor } from '../../core/auth/policy.js';
import { isoNow, type Clock } from '../../core/clock.js';
import { AppError, badRequest, conflict, notFound, unauthenticated, type FieldProblem } from '../../core/errors.js';
import { isUuid, uuidv7 } from '../../core/ids.js';
import {
  censusFormSchema,
  DEFAULT_DOMAINS,
  FIELD_CHOICES,
  FIELD_LABELS,
  FORM_FIELDS,
  FORM_VERSION,
  normaliseTitle,
  submissionProblems,
  type CensusForm,
  type Labels,
} from './census.form.js';
import type { ExportRow } from './export/writers.js';
import type { CensusRepository, EntrySummaryRow, EntryVisibility, EntryWithOrg } from './census.repository.js';
import type { CampaignStatus, CensusCampaignRow, CensusEntryRow, ChangeKind, EntryStatus } from './census.tables.js';

export const ENTRY_STATUSES = ['draft', 'submitted', 'returned', 'accepted'] as const satisfies readonly EntryStatus[];
export const CHANGE_KINDS = ['create', 'update', 'submit', 'return', 'accept', 'import', 'reopen'] as const satisfies readonly ChangeKind[];
export const CAMPAIGN_STATUSES = ['open', 'closed'] as const satisfies readonly CampaignStatus[];
export const FIELD_TYPES = ['text', 'textarea', 'enum', 'multi', 'number', 'date', 'list', 'email'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Stewards may keep editing only these; a submitted entry waits for the operator, an accepted one is final until reopened. */
const EDITABLE: readonly EntryStatus[] = ['draft', 'returned'];
const DAY_MS = 24 * 60 * 60 * 1000;
/** The reminder job nudges agencies this many days before a campaign's deadline (and after it, while open). */
export const REMIND_DAYS_BEFORE_DEADLINE = 7;
export const MAX_LIST_LIMIT = 500;

/** How the web app renders each field of the form. */
export const FORM_FIELD_TYPES: Record<keyof CensusForm, FieldType> = {
  title: 'text',
  titleEn: 'text',
  description: 'textarea',
  descriptionEn: 'textarea',
  department: 'text',
  contactName: 'text',
  contactEmail: 'email',
  contactPhone: 'text',
  readiness: 'enum',
  structure: 'enum',
  modality: 'enum',
  domain: 'enum',
  purpose: 'textarea',
  legalMandate: 'textarea',
  volumeRecords: 'number',
  volumeFiles: 'number',
  volumeBytes: 'number',
  volumeHours: 'number',
  formats: 'list',
  collectionStart: 'date',
  collectionEnd: 'date',
  updateCycle: 'enum',
  provisionScope: 'enum',
  restrictionReason: 'enum',
  legalBasis: 'textarea',
  personalInfo: 'enum',
  sensitiveCategories: 'multi',
  copyrightHolder: 'text',
  licence: 'text',
  qualityWork: 'textarea',
  knownIssues: 'textarea',
  sampleAvailability: 'enum',
  relatedSystems: 'textarea',
  urls: 'list',
};

/**
 * A draft is checked field by field: whatever is given must be valid, nothing is required yet. The
 * cross-field rules of the full form wait for submission, where they are reported with the rest.
 */
const draftFormSchema = z.object(censusFormSchema.shape).partial();
export type DraftForm = z.output<typeof draftFormSchema>;

/** Korean for the messages of the form's own cross-field rules. */
const KO_MESSAGES: Record<string, string> = {
  'required when the data is not open': '개방 데이터가 아니면 입력해야 합니다',
  'sensitive categories need personal information': '민감정보 범주는 개인정보가 있을 때만 선택할 수 있습니다',
  'before the start of collection': '수집 시작보다 이전일 수 없습니다',
};

// ── what the service returns ─────────────────────────────────────────────────────────────────────

export interface Problem {
  field: string;
  message: string;
  messageKo: string;
}

export interface FormDescription {
  version: string;
  fields: Array<{
    key: string;
    labels: Labels;
    type: FieldType;
    required: boolean;
    choices?: Array<{ value: string; labels: Labels }>;
  }>;
  domains: Array<{ value: string; labels: Labels }>;
}

export interface EntrySummary {
  id: string;
  orgId: string;
  orgName: string;
  campaignId: string | null;
  status: EntryStatus;
  title: string | null;
  domain: string | null;
  modality: string | null;
  readiness: string | null;
  provisionScope: string | null;
  version: number;
  updatedAt: string;
  duplicateCount: number;
}

export interface Entry extends EntrySummary {
  form: DraftForm;
  createdAt: string;
  submittedAt: string | null;
  decidedAt: string | null;
  reviewComment: string | null;
  source: string;
  externalId: string | null;
  /** What is still missing or wrong before the entry can be submitted; empty when it can be. */
  problems: Problem[];
  duplicates: Array<{ id: string; title: string | null }>;
}

export interface HistoryItem {
  version: number;
  status: EntryStatus;
  changedBy: { id: string; name: string } | null;
  changedAt: string;
  kind: ChangeKind;
  comment: string | null;
  /** Fields whose value differs from the version before (for the first version: every field given). */
  changes: Array<{ field: string; before: unknown; after: unknown }>;
}

export interface Campaign {
  id: string;
  title: string;
  description: string | null;
  formVersion: string;
  deadline: string;
  status: CampaignStatus;
  targets: Array<{ orgId: string; orgName: string }>;
  createdAt: string;
  /** Targets with at least one submitted or accepted entry in the campaign. */
  responded: number;
  targetCount: number;
}

export interface StatusCountsView {
  draft: number;
  submitted: number;
  returned: number;
  accepted: number;
}

export interface Assignment extends StatusCountsView {
  campaign: Campaign;
  orgId: string;
  orgName: string;
  remindedAt: string | null;
}

export interface Dashboard {
  campaign: Campaign | null;
  responseRate: { targets: number; responded: number; rate: number };
  perAgency: Array<StatusCountsView & { orgId: string; orgName: string; responded: boolean }>;
  coverage: Record<'domain' | 'modality' | 'readiness' | 'provisionScope', Array<{ key: string; count: number }>>;
  totals: { entries: number; accepted: number };
}

export interface CensusServiceDeps {
  repo: CensusRepository;
  clock: Clock;
  /** The domain taxonomy entries choose from; AI Hub's by default. */
  domains?: Record<string, Labels>;
}

// ── pure helpers ─────────────────────────────────────────────────────────────────────────────────

const labelOf = (field: string): Labels | undefined => (FIELD_LABELS as Record<string, Labels>)[field];

function sortProblems(problems: Problem[]): Problem[] {
  const order = (field: string) => {
    const index = FORM_FIELDS.indexOf(field.split('.')[0] as keyof CensusForm);
    return index < 0 ? FORM_FIELDS.length : index;
  };
  return problems.sort((a, b) => order(a.field) - order(b.field));
}

/** Zod's issues as problems a steward can read, in English and Korean, named by form field. */
function issuesToProblems(issues: readonly z.core.$ZodIssue[], input: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const field = issue.path.map(String).join('.') || 'form';
    const key = String(issue.path[0] ?? '');
    const labels = labelOf(key) ?? { ko: field, en: field };
    if (problems.some((p) => p.field === field)) continue;
    if (issue.path.length === 1 && input[key] === undefined) {
      problems.push({ field, message: `${labels.en} is required`, messageKo: `${labels.ko}을(를) 입력하세요` });
    } else {
      problems.push({
        field,
        message: `${labels.en}: ${issue.message}`,
        messageKo: `${labels.ko}: ${KO_MESSAGES[issue.message] ?? '값이 올바르지 않습니다'}`,
      });
    }
  }
  return problems;
}

/** The columns an entry's form is summarised into for lists, filters and the dashboard (all but the title key). */
export function formColumns(form: DraftForm) {
  return {
    title: form.title ?? null,
    domain: form.domain ?? null,
    modality: form.modality ?? null,
    readiness: form.readiness ?? null,
    provision_scope: form.provisionScope ?? null,
    personal_info: form.personalInfo ?? null,
  };
}

export type FormColumns = ReturnType<typeof formColumns>;

function projections(form: DraftForm, agencyName: string) {
  const columns = formColumns(form);
  return { ...columns, title_key: titleKeyOf(columns.title, agencyName) };
}

function titleKeyOf(title: string | null, agencyName: string): string | null {
  const key = title ? normaliseTitle(title, agencyName) : '';
  return key === '' ? null : key;
}

/**
 * The row of an entry that a bulk import makes, with the same projections and title key as an
 * entry made through the API, so lists, the dashboard and duplicate detection treat both alike.
 * Hand the rows to `repo.insertImportedEntries`; duplicates are flagged after the import commits.
 *
 * @example
 * importedEntryRow({ orgId, agencyName: '서울특별시', form, source: 'data-go-kr', externalId: '15012345', by: null, at: now })
 */
export function importedEntryRow(input: {
  orgId: string;
  agencyName: string;
  /** The form, or (from a reader on another thread) its JSON and its columns, already made. */
  form: CensusForm | DraftForm | { json: string; columns: FormColumns };
  source: string;
  externalId: string | null;
  campaignId?: string | null;
  status?: EntryStatus;
  /** The user who ran the import, or null for the platform. */
  by: string | null;
  at: string;
}): CensusEntryRow {
  const status = input.status ?? 'draft';
  return {
    id: uuidv7(),
    org_id: input.orgId,
    campaign_id: input.campaignId ?? null,
    status,
    version: 1,
    ...(isPrepared(input.form)
      ? { form: input.form.json, ...input.form.columns, title_key: titleKeyOf(input.form.columns.title, input.agencyName) }
      : { form: JSON.stringify(input.form), ...projections(input.form, input.agencyName) }),
    source: input.source,
    external_id: input.externalId,
    review_comment: null,
    change_kind: 'import',
    change_comment: null,
    created_by: input.by,
    updated_by: input.by,
    created_at: input.at,
    updated_at: input.at,
    submitted_at: status === 'submitted' || status === 'accepted' ? input.at : null,
    decided_at: status === 'accepted' ? input.at : null,
  };
}

function isPrepared(form: object): form is { json: string; columns: FormColumns } {
  return typeof (form as { json?: unknown }).json === 'string';
}

/** Field by field differences between two forms, in form order; values absent on one side are null. */
export function formChanges(before: Record<string, unknown> | undefined, after: Record<string, unknown>) {
  const keys = [...FORM_FIELDS.filter((k) => k in after || (before !== undefined && k in before))];
  for (const k of new Set([...Object.keys(before ?? {}), ...Object.keys(after)])) {
    if (!keys.includes(k as keyof CensusForm)) keys.push(k as keyof CensusForm);
  }
  const changes: Array<{ field: string; before: unknown; after: unknown }> = [];
  for (const field of keys) {
    const a = before?.[field] ?? null;
    const b = after[field] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push({ field, before: a, after: b });
  }
  return changes;
}

const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!isUuid(id)) throw badRequest('The cursor is not one this API gave out', [{ field: 'cursor', message: 'unknown cursor' }]);
  return id;
}

const isoDate = (at: Date) => at.toISOString().slice(0, 10);

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(parsed.getTime()) && isoDate(parsed) === value;
}

const toSummary = (row: EntrySummaryRow): EntrySummary => ({
  id: row.id,
  orgId: row.org_id,
  orgName: row.org_name,
  campaignId: row.campaign_id,
  status: row.status,
  title: row.title,
  domain: row.domain,
  modality: row.modality,
  readiness: row.readiness,
  provisionScope: row.provision_scope,
  version: row.version,
  updatedAt: row.updated_at,
  duplicateCount: Number(row.duplicate_count),
});

// ── the service ──────────────────────────────────────────────────────────────────────────────────

export function createCensusService({ repo, clock, domains = DEFAULT_DOMAINS }: CensusServiceDeps) {
  const actorUserId = (actor: Actor) => (actor.kind === 'user' ? actor.userId : null);

  /** Domains are a configurable taxonomy, so the form schema takes any key; this checks it is one of ours. */
  function domainProblems(form: Record<string, unknown>): Problem[] {
    const domain = form.domain;
    if (typeof domain !== 'string' || domain in domains) return [];
    return [{ field: 'domain', message: `Domain: unknown domain "${domain}"`, messageKo: `분야: 알 수 없는 분야 "${domain}"` }];
  }

  /** Validates a draft; throws 422 naming each bad field. */
  function parseDraft(input: Record<string, unknown>): DraftForm {
    const parsed = draftFormSchema.safeParse(input);
    const problems = [...(parsed.success ? [] : issuesToProblems(parsed.error.issues, input)), ...domainProblems(input)];
    if (!parsed.success || problems.length > 0) {
      throw new AppError('validation', 'The form has invalid fields', { problems: sortProblems(problems) });
    }
    return parsed.data;
  }

  /** Everything that stands between a stored form and submission: the full schema, then the census's own checks. */
  function problemsToSubmit(form: Record<string, unknown>): { problems: Problem[]; full?: CensusForm } {
    const full = censusFormSchema.safeParse(form);
    const problems = full.success ? [] : issuesToProblems(full.error.issues, form);
    const draft = draftFormSchema.safeParse(form);
    const base = (full.success ? full.data : draft.success ? draft.data : form) as Partial<CensusForm>;
    for (const p of submissionProblems({ ...base, formats: base.formats ?? [] } as CensusForm)) {
      if (!problems.some((q) => q.field === p.field)) problems.push({ field: p.field, message: p.message.en, messageKo: p.message.ko });
    }
    problems.push(...domainProblems(form).filter((p) => !problems.some((q) => q.field === p.field)));
    return { problems: sortProblems(problems), ...(full.success && problems.length === 0 ? { full: full.data } : {}) };
  }

  /** What this actor may see: everything, or accepted entries plus those of the agencies it stewards. */
  function visibilityOf(actor: Actor): EntryVisibility {
    authorize(actor, 'census.read');
    return visibilityAfterCheck(actor);
  }

  /** The same, for showing the result of a change the actor was allowed to make (a write-only token may not read). */
  function visibilityAfterCheck(actor: Actor): EntryVisibility {
    if (actor.kind !== 'user' || can(actor, 'census.read_all')) return { all: true };
    return { all: false, orgIds: privateOrgIds(actor) };
  }

  function privateOrgIds(actor: Actor): string[] {
    if (actor.kind !== 'user') return [];
    return [...new Set(actor.memberships.map((m) => m.orgId))].filter((orgId) => can(actor, 'census.read_private', { orgId }));
  }

  const isVisible = (visibility: EntryVisibility, row: Pick<CensusEntryRow, 'status' | 'org_id'>) =>
    visibility.all || row.status === 'accepted' || visibility.orgIds.includes(row.org_id);

  /** The entry if this actor may see it; otherwise 404, so that others' drafts are not even known to exist. */
  async function readableEntry(actor: Actor, id: string): Promise<{ row: EntryWithOrg; visibility: EntryVisibility }> {
    const visibility = visibilityOf(actor);
    const row = await repo.findEntry(id);
    if (!row || !isVisible(visibility, row)) throw notFound(`Census entry ${id}`);
    return { row, visibility };
  }

  async function requireEntry(id: string): Promise<EntryWithOrg> {
    const row = await repo.findEntry(id);
    if (!row) throw notFound(`Census entry ${id}`);
    return row;
  }

  async function toEntry(row: EntryWithOrg, visibility: EntryVisibility): Promise<Entry> {
    const form = JSON.parse(row.form) as Record<string, unknown>;
    const duplicates = await repo.duplicatesOf(row.id, visibility);
    return {
      ...toSummary({ ...row, duplicate_count: duplicates.length }),
      form: form as DraftForm,
      createdAt: row.created_at,
      submittedAt: row.submitted_at,
      decidedAt: row.decided_at,
      reviewComment: row.review_comment,
      source: row.source,
      externalId: row.external_id,
      problems: row.status === 'draft' || row.status === 'returned' ? problemsToSubmit(form).problems : [],
      duplicates,
    };
  }

  /** Re-reads the entry after a change, as the actor who made it sees it. */
  async function entryAfterChange(actor: Actor, id: string): Promise<Entry> {
    const row = await requireEntry(id);
    return toEntry(row, visibilityAfterCheck(actor));
  }

  /** Keeps the entry's same-title flags in step with its title key: new matches flagged, stale ones resolved. */
  async function refreshDuplicates(tx: CensusRepository, entryId: string, orgId: string, titleKey: string | null, at: string) {
    const others = titleKey === null ? [] : (await tx.sameTitleEntries(orgId, titleKey, entryId)).map((r) => r.id);
    await tx.resolveDuplicateFlags(entryId, others, at);
    await tx.flagDuplicatePairs(entryId, others, at);
  }

  /**
   * One change of an entry, in one transaction: the entry moves to version+1 only if it is still at
   * the version the caller saw (so two tabs or two reviewers cannot overwrite each other), and the
   * state it leaves is kept in the history.
   */
  async function applyChange(
    actor: Actor,
    row: EntryWithOrg,
    kind: ChangeKind,
    comment: string | null,
    changes: Partial<Omit<CensusEntryRow, 'id' | 'version'>>,
  ): Promise<Entry> {
    const at = isoNow(clock);
    await repo.transaction(async (tx) => {
      const updated = await tx.updateEntryIfVersion(row.id, row.version, {
        ...changes,
        version: row.version + 1,
        change_kind: kind,
        change_comment: comment,
        updated_by: actorUserId(actor),
        updated_at: at,
      });
      if (!updated) throw conflict(`Census entry ${row.id} was changed by someone else meanwhile; reload it and try again`);
      await tx.insertEntryVersion({
        entry_id: row.id,
        version: row.version,
        status: row.status,
        form: row.form,
        changed_by: row.updated_by,
        changed_at: row.updated_at,
        change_kind: row.change_kind,
        comment: row.change_comment,
      });
      if (changes.title_key !== undefined && changes.title_key !== row.title_key) {
        await refreshDuplicates(tx, row.id, row.org_id, changes.title_key, at);
      }
    });
    return entryAfterChange(actor, row.id);
  }

  /** Anonymous callers learn nothing, not even whether an entry exists: 401 before any lookup. */
  function requireSignedIn(actor: Actor): void {
    if (actor.kind === 'anonymous') throw unauthenticated();
  }

  function requireEditable(row: EntryWithOrg): void {
    if (EDITABLE.includes(row.status)) return;
    throw conflict(
      row.status === 'submitted'
        ? 'This entry is submitted and locked until the operator returns it'
        : 'This entry is accepted and locked; the operator can reopen it',
    );
  }

  function requireStatus(row: EntryWithOrg, status: EntryStatus, doing: string): void {
    if (row.status !== status) throw conflict(`Only ${status} entries can be ${doing}; this one is ${row.status}`);
  }

  function requireComment(comment: string | undefined, why: string): string {
    const trimmed = comment?.trim() ?? '';
    if (trimmed === '') {
      throw new AppError('validation', `A comment is required ${why}`, {
        problems: [{ field: 'comment', message: `required ${why}`, messageKo: '의견을 입력하세요' }],
      });
    }
    return trimmed;
  }

  // ── campaigns ──────────────────────────────────────────────────────────────────────────────────

  async function toCampaigns(rows: readonly CensusCampaignRow[]): Promise<Campaign[]> {
    const ids = rows.map((r) => r.id);
    const [targets, responded] = await Promise.all([repo.campaignTargets(ids), repo.respondedCounts(ids)]);
    return rows.map((row) => {
      const own = targets.filter((t) => t.campaign_id === row.id);
      return {
        id: row.id,
        title: row.title,
        description: row.description,
        formVersion: row.form_version,
        deadline: row.deadline,
        status: row.status,
        targets: own.map((t) => ({ orgId: t.org_id, orgName: t.org_name })),
        createdAt: row.created_at,
        responded: responded.get(row.id) ?? 0,
        targetCount: own.length,
      };
    });
  }

  async function toCampaign(row: CensusCampaignRow): Promise<Campaign> {
    return (await toCampaigns([row]))[0]!;
  }

  async function requireCampaign(id: string): Promise<CensusCampaignRow> {
    const row = await repo.findCampaign(id);
    if (!row) throw notFound(`Census campaign ${id}`);
    return row;
  }

  /** Oversight sees every campaign; a steward those that target an agency of theirs; others none. */
  async function visibleCampaign(actor: Actor, id: string): Promise<CensusCampaignRow> {
    authorize(actor, 'census.read');
    const row = await requireCampaign(id);
    if (actor.kind === 'user' && !can(actor, 'census.read_all')) {
      const orgIds = privateOrgIds(actor);
      const targets = await repo.campaignTargets([row.id]);
      if (!targets.some((t) => orgIds.includes(t.org_id))) throw notFound(`Census campaign ${id}`);
    }
    return row;
  }

  async function markReminders(campaign: CensusCampaignRow, notRemindedSince?: string): Promise<number> {
    return repo.markReminders(campaign.id, isoNow(clock), notRemindedSince);
  }

  return {
    /** The form as the web app renders it. Public: the form itself is no secret. */
    describeForm(): FormDescription {
      const empty = { formats: [], sensitiveCategories: [], urls: [], sampleAvailability: 'none' } as unknown as CensusForm;
      const neededToSubmit = new Set<string>(submissionProblems(empty).map((p) => p.field));
      const domainChoices = Object.entries(domains).map(([value, labels]) => ({ value, labels }));
      return {
        version: FORM_VERSION,
        fields: FORM_FIELDS.map((key) => {
          const choices =
            key === 'domain'
              ? domainChoices
              : FIELD_CHOICES[key] && Object.entries(FIELD_CHOICES[key]).map(([value, labels]) => ({ value, labels }));
          return {
            key,
            labels: FIELD_LABELS[key],
            type: FORM_FIELD_TYPES[key],
            // Required to submit: the schema refuses it missing, or the census's own checks ask for it.
            required: !censusFormSchema.shape[key].safeParse(undefined).success || neededToSubmit.has(key),
            ...(choices ? { choices } : {}),
          };
        }),
        domains: domainChoices,
      };
    },

    async listEntries(
      actor: Actor,
      query: {
        org?: string | undefined;
        campaign?: string | undefined;
        status?: EntryStatus | undefined;
        limit?: number;
        cursor?: string | undefined;
      },
    ): Promise<{ items: EntrySummary[]; nextCursor: string | null }> {
      const visibility = visibilityOf(actor);
      const limit = Math.min(Math.max(query.limit ?? 50, 1), MAX_LIST_LIMIT);
      const rows = await repo.listEntries({
        visibility,
        orgId: query.org,
        campaignId: query.campaign,
        status: query.status,
        beforeId: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      return { items: page.map(toSummary), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
    },

    /** Every entry the actor may see that matches the filter, streamed a page at a time, for exports. */
    async *exportRows(
      actor: Actor,
      query: { org?: string | undefined; campaign?: string | undefined; status?: EntryStatus | undefined },
    ): AsyncGenerator<ExportRow> {
      const visibility = visibilityOf(actor);
      let afterId: string | undefined;
      for (;;) {
        const page = await repo.exportPage({
          visibility,
          orgId: query.org,
          campaignId: query.campaign,
          status: query.status,
          afterId,
          limit: 1000,
        });
        for (const row of page) {
          yield {
            id: row.id,
            orgName: row.org_name,
            orgCode: row.org_code ?? undefined,
            status: row.status,
            version: row.version,
            updatedAt: row.updated_at,
            form: JSON.parse(row.form) as Partial<CensusForm>,
          };
        }
        if (page.length < 1000) return;
        afterId = page[page.length - 1]!.id;
      }
    },

    async getEntry(actor: Actor, id: string): Promise<Entry> {
      const { row, visibility } = await readableEntry(actor, id);
      return toEntry(row, visibility);
    },

    async createEntry(
      actor: Actor,
      input: { orgId: string; campaignId?: string | undefined; form: Record<string, unknown> },
    ): Promise<Entry> {
      authorize(actor, 'census.edit', { orgId: input.orgId });
      const org = await repo.findOrganization(input.orgId);
      if (!org) throw notFound(`Organisation ${input.orgId}`);
      if (org.kind !== 'agency') {
        throw new AppError('validation', 'Census entries describe the holdings of agencies (public bodies)', {
          problems: [{ field: 'orgId', message: 'not an agency', messageKo: '공공기관이 아닙니다' }],
        });
      }
      if (input.campaignId !== undefined) {
        const campaign = await repo.findCampaign(input.campaignId);
        const problem = !campaign
          ? 'no such campaign'
          : campaign.status !== 'open'
            ? 'the campaign is closed'
            : !(await repo.findTarget(campaign.id, org.id))
              ? 'the campaign does not ask this agency'
              : undefined;
        if (problem) {
          throw new AppError('validation', `The entry cannot belong to this campaign: ${problem}`, {
            problems: [{ field: 'campaignId', message: problem, messageKo: '이 조사에 응답할 수 없는 기관이거나 마감된 조사입니다' }],
          });
        }
      }
      const form = parseDraft(input.form);
      const at = isoNow(clock);
      const by = actorUserId(actor);
      const row: CensusEntryRow = {
        id: uuidv7(),
        org_id: org.id,
        campaign_id: input.campaignId ?? null,
        status: 'draft',
        version: 1,
        form: JSON.stringify(form),
        ...projections(form, org.name),
        source: 'manual',
        external_id: null,
        review_comment: null,
        change_kind: 'create',
        change_comment: null,
        created_by: by,
        updated_by: by,
        created_at: at,
        updated_at: at,
        submitted_at: null,
        decided_at: null,
      };
      await repo.transaction(async (tx) => {
        await tx.insertEntry(row);
        if (row.title_key !== null) await refreshDuplicates(tx, row.id, row.org_id, row.title_key, at);
      });
      return entryAfterChange(actor, row.id);
    },

    /** Saves a draft (autosave included). `version` is the one the caller edited; an older one is a 409. */
    async updateEntry(actor: Actor, id: string, input: { form: Record<string, unknown>; version: number }): Promise<Entry> {
      requireSignedIn(actor);
      const row = await requireEntry(id);
      authorize(actor, 'census.edit', { orgId: row.org_id });
      requireEditable(row);
      if (input.version !== row.version) {
        throw conflict(
          `This entry changed since you opened it (you edited version ${input.version}, it is now version ${row.version}); reload it and apply your changes again`,
        );
      }
      const form = parseDraft(input.form);
      const json = JSON.stringify(form);
      // An autosave of an unchanged form is no change: no new version, no history noise.
      if (json === row.form) return entryAfterChange(actor, id);
      return applyChange(actor, row, 'update', null, { form: json, ...projections(form, row.org_name) });
    },

    async submitEntry(actor: Actor, id: string): Promise<Entry> {
      requireSignedIn(actor);
      const row = await requireEntry(id);
      authorize(actor, 'census.edit', { orgId: row.org_id });
      requireEditable(row);
      const { problems, full } = problemsToSubmit(JSON.parse(row.form) as Record<string, unknown>);
      if (!full) throw new AppError('validation', 'The entry is not complete enough to submit', { problems });
      const at = isoNow(clock);
      return applyChange(actor, row, 'submit', null, {
        status: 'submitted',
        form: JSON.stringify(full),
        ...projections(full, row.org_name),
        submitted_at: at,
      });
    },

    /** Sends a submitted entry back to its agency with what to fix. */
    async returnEntry(actor: Actor, id: string, comment: string): Promise<Entry> {
      authorize(actor, 'census.review');
      const row = await requireEntry(id);
      requireStatus(row, 'submitted', 'returned');
      const text = requireComment(comment, 'to return an entry');
      return applyChange(actor, row, 'return', text, { status: 'returned', review_comment: text, decided_at: isoNow(clock) });
    },

    async acceptEntry(actor: Actor, id: string, comment?: string): Promise<Entry> {
      authorize(actor, 'census.review');
      const row = await requireEntry(id);
      requireStatus(row, 'submitted', 'accepted');
      const text = comment?.trim() ? comment.trim() : null;
      return applyChange(actor, row, 'accept', text, { status: 'accepted', review_comment: text, decided_at: isoNow(clock) });
    },

    /** Opens an accepted entry for correction again: it goes back to its agency as returned. */
    async reopenEntry(actor: Actor, id: string, comment: string): Promise<Entry> {
      authorize(actor, 'census.review');
      const row = await requireEntry(id);
      requireStatus(row, 'accepted', 'reopened');
      const text = requireComment(comment, 'to reopen an entry');
      return applyChange(actor, row, 'reopen', text, { status: 'returned', review_comment: text, decided_at: isoNow(clock) });
    },

    /** Every version, newest first. Drafts along the way are the agency's business: oversight and its stewards only. */
    async entryHistory(actor: Actor, id: string): Promise<{ items: HistoryItem[] }> {
      const { row } = await readableEntry(actor, id);
      authorize(actor, 'census.read_private', { orgId: row.org_id });
      const versions = [
        ...(await repo.listEntryVersions(id)),
        {
          entry_id: row.id,
          version: row.version,
          status: row.status,
          form: row.form,
          changed_by: row.updated_by,
          changed_at: row.updated_at,
          change_kind: row.change_kind,
          comment: row.change_comment,
        },
      ];
      const names = await repo.userNames(versions.flatMap((v) => (v.changed_by === null ? [] : [v.changed_by])));
      const items: HistoryItem[] = [];
      let previous: Record<string, unknown> | undefined;
      for (const v of versions) {
        const form = JSON.parse(v.form) as Record<string, unknown>;
        items.push({
          version: v.version,
          status: v.status,
          changedBy: v.changed_by === null ? null : { id: v.changed_by, name: names.get(v.changed_by) ?? v.changed_by },
          changedAt: v.changed_at,
          kind: v.change_kind,
          comment: v.comment,
          changes: formChanges(previous, form),
        });
        previous = form;
      }
      return { items: items.reverse() };
    },

    async listCampaigns(actor: Actor): Promise<{ items: Campaign[] }> {
      authorize(actor, 'census.read');
      const all = actor.kind !== 'user' || can(actor, 'census.read_all');
      const rows = await repo.listCampaigns(all ? {} : { targetOrgIds: privateOrgIds(actor) });
      return { items: await toCampaigns(rows) };
    },

    async getCampaign(actor: Actor, id: string): Promise<Campaign> {
      return toCampaign(await visibleCampaign(actor, id));
    },

    /**
     * Records an agency's official code (e.g. data.go.kr 기관코드), so that imports naming the code
     * file their rows under this organisation instead of creating another.
     */
    async setAgencyCode(actor: Actor, orgId: string, code: string): Promise<void> {
      authorize(actor, 'census.manage_campaigns');
      const org = await repo.findOrganization(orgId);
      if (!org) throw notFound(`Organisation ${orgId}`);
      if (org.kind !== 'agency') throw new AppError('validation', `${org.name} is not an agency`);
      await repo.setOrganizationCode(orgId, code.trim());
    },

    async createCampaign(
      actor: Actor,
      input: { title: string; description?: string | undefined; deadline: string; targetOrgIds: string[] },
    ): Promise<Campaign> {
      authorize(actor, 'census.manage_campaigns');
      const problems: FieldProblem[] = [];
      if (!isRealDate(input.deadline)) {
        problems.push({ field: 'deadline', message: 'not a date (YYYY-MM-DD)', messageKo: '날짜 형식(YYYY-MM-DD)이 아닙니다' });
      } else if (input.deadline < isoDate(clock.now())) {
        problems.push({ field: 'deadline', message: 'in the past', messageKo: '지난 날짜입니다' });
      }
      const targetIds = [...new Set(input.targetOrgIds)];
      if (targetIds.length === 0)
        problems.push({ field: 'targetOrgIds', message: 'at least one agency', messageKo: '대상 기관을 선택하세요' });
      const orgs = new Map((await repo.findOrganizations(targetIds)).map((o) => [o.id, o]));
      targetIds.forEach((orgId) => {
        const org = orgs.get(orgId);
        if (!org) problems.push({ field: 'targetOrgIds', message: `no organisation ${orgId}`, messageKo: `기관 ${orgId}이(가) 없습니다` });
        else if (org.kind !== 'agency') {
          problems.push({
            field: 'targetOrgIds',
            message: `${org.name} is not an agency`,
            messageKo: `${org.name}은(는) 공공기관이 아닙니다`,
          });
        }
      });
      if (problems.length > 0) throw new AppError('validation', 'The campaign cannot be opened as given', { problems });
      const row: CensusCampaignRow = {
        id: uuidv7(),
        title: input.title.normalize('NFC').trim(),
        description: input.description?.trim() ? input.description.normalize('NFC').trim() : null,
        form_version: FORM_VERSION,
        deadline: input.deadline,
        status: 'open',
        created_by: actorUserId(actor),
        created_at: isoNow(clock),
        closed_at: null,
      };
      await repo.transaction((tx) => tx.insertCampaign(row, targetIds));
      return toCampaign(row);
    },

    /** Closing twice is not an error: the campaign is closed either way. */
    async closeCampaign(actor: Actor, id: string): Promise<Campaign> {
      authorize(actor, 'census.manage_campaigns');
      const row = await requireCampaign(id);
      if (row.status === 'closed') return toCampaign(row);
      const closed = { ...row, status: 'closed' as const, closed_at: isoNow(clock) };
      await repo.updateCampaign(id, { status: closed.status, closed_at: closed.closed_at });
      return toCampaign(closed);
    },

    /** Marks every target that has not answered yet as reminded now; returns how many. */
    async remindCampaign(actor: Actor, id: string): Promise<{ reminded: number }> {
      authorize(actor, 'census.manage_campaigns');
      const row = await requireCampaign(id);
      if (row.status !== 'open') throw conflict('The campaign is closed: there is nobody to remind');
      return { reminded: await markReminders(row) };
    },

    /**
     * The scheduled reminder: open campaigns due within a week (or overdue) remind the targets
     * that have not answered. A target reminded today already is skipped, so running the job twice
     * on a day changes nothing.
     */
    async remindDue(): Promise<{ campaigns: number; reminded: number }> {
      const now = clock.now();
      const dueBy = isoDate(new Date(now.getTime() + REMIND_DAYS_BEFORE_DEADLINE * DAY_MS));
      const startOfToday = `${isoDate(now)}T00:00:00.000Z`;
      const campaigns = await repo.openCampaignsDueBy(dueBy);
      let reminded = 0;
      for (const campaign of campaigns) reminded += await markReminders(campaign, startOfToday);
      return { campaigns: campaigns.length, reminded };
    },

    /** The open campaigns that ask the caller's agencies, with where each agency stands. */
    async listAssignments(actor: Actor): Promise<{ items: Assignment[] }> {
      authorize(actor, 'census.read');
      if (actor.kind !== 'user') return { items: [] };
      // The caller's own organisations whose census it may see; campaigns only ever target agencies,
      // so an operator's or auditor's own organisation has no assignments (they have the dashboard).
      const orgIds = privateOrgIds(actor);
      const rows = await repo.openAssignments(orgIds);
      const campaignIds = [...new Set(rows.map((r) => r.campaign_id))];
      const [campaigns, counts] = await Promise.all([
        repo.findCampaigns(campaignIds).then(toCampaigns),
        repo.statusCounts(campaignIds, orgIds),
      ]);
      const byId = new Map(campaigns.map((c) => [c.id, c]));
      const count = (campaignId: string, orgId: string, status: EntryStatus) =>
        Number(counts.find((c) => c.campaign_id === campaignId && c.org_id === orgId && c.status === status)?.n ?? 0);
      return {
        items: rows.map((r) => ({
          campaign: byId.get(r.campaign_id)!,
          orgId: r.org_id,
          orgName: r.org_name,
          draft: count(r.campaign_id, r.org_id, 'draft'),
          submitted: count(r.campaign_id, r.org_id, 'submitted'),
          returned: count(r.campaign_id, r.org_id, 'returned'),
          accepted: count(r.campaign_id, r.org_id, 'accepted'),
          remindedAt: r.last_reminded_at,
        })),
      };
    },

    /** Response and coverage, counted by the database. Operators and auditors only. */
    async dashboard(actor: Actor, query: { campaign?: string | undefined }): Promise<Dashboard> {
      authorize(actor, 'census.dashboard');
      const campaignRow = query.campaign === undefined ? undefined : await requireCampaign(query.campaign);
      const campaignId = campaignRow?.id;
      const [campaign, agencies, domain, modality, readiness, provisionScope, totals] = await Promise.all([
        campaignRow ? toCampaign(campaignRow) : Promise.resolve(null),
        repo.perAgencyCounts(campaignId),
        repo.coverage('domain', campaignId),
        repo.coverage('modality', campaignId),
        repo.coverage('readiness', campaignId),
        repo.coverage('provision_scope', campaignId),
        repo.totals(campaignId),
      ]);
      const perAgency = agencies.map((a) => ({
        orgId: a.org_id,
        orgName: a.org_name,
        draft: a.draft,
        submitted: a.submitted,
        returned: a.returned,
        accepted: a.accepted,
        responded: a.submitted + a.accepted > 0,
      }));
      const responded = perAgency.filter((a) => a.responded).length;
      return {
        campaign,
        responseRate: { targets: perAgency.length, responded, rate: perAgency.length === 0 ? 0 : responded / perAgency.length },
        perAgency,
        coverage: { domain, modality, readiness, provisionScope },
        totals,
      };
    },
  };
}

export type CensusService = ReturnType<typeof createCensusService>;
