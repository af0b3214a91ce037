/**
 * Access to releases (issue 8, point 2), by tier:
 *
 * - open: accept the licence (`licence_acceptances`, with the SHA-256 of the terms so a changed
 *   licence is a new acceptance) when the release needs an account; anonymous downloads when it
 *   does not;
 * - conditional: a company or research organisation asks (purpose, duration, the release's custom
 *   questions); the providing agency approves or rejects; an approval is a grant bound to the
 *   requesting organisation, the purpose and an expiry, with its terms recorded once; the agency or
 *   the operator may revoke it. Downloads check the grant at request time;
 * - safe zone: never downloadable.
 *
 * The providing agency's own members may download their releases without a grant. Rules only:
 * SQL through the repository.
 */
import { createHash } from 'node:crypto';
import { authorize, can, type Actor, type UserActor } from '../../core/auth/policy.js';
import type { Clock } from '../../core/clock.js';
import { AppError, conflict, forbidden, notFound, unauthenticated, type FieldProblem } from '../../core/errors.js';
import { uuidv7 } from '../../core/ids.js';
import type { AccessGrantView, AccessRepository, AccessRequestView } from './access.repository.js';
import type { AccessGrantRow, ReleaseRow } from './distribution.tables.js';

// ------------------------------------------------------------------------------------------------
// Shapes served

export interface RequestQuestion {
  id: string;
  labelKo: string;
  labelEn: string;
  required: boolean;
}

export interface LicenceAcceptance {
  id: string;
  releaseId: string;
  licence: string;
  licenceUrl: string | null;
  termsSha256: string;
  acceptedAt: string;
}

export interface AccessGrant {
  id: string;
  requestId: string;
  datasetId: string;
  datasetTitle: string;
  providerOrgId: string;
  orgId: string;
  orgName: string;
  purpose: string;
  terms: Record<string, unknown>;
  startsAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
  createdBy: string | null;
  createdAt: string;
  /** In force now: started, not expired, not revoked. */
  active: boolean;
}

export interface AccessRequest {
  id: string;
  datasetId: string;
  datasetTitle: string;
  providerOrgId: string;
  releaseId: string | null;
  orgId: string;
  orgName: string;
  userId: string;
  purpose: string;
  durationDays: number;
  answers: Record<string, string>;
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  createdAt: string;
  grant: AccessGrant | null;
}

export interface NewAccessRequest {
  datasetId: string;
  releaseId?: string | undefined;
  /** The requesting organisation; default the token's, or the one company/research organisation the user belongs to. */
  orgId?: string | undefined;
  purpose: string;
  durationDays: number;
  answers?: Record<string, string> | undefined;
}

export interface Decision {
  decision: 'approve' | 'reject';
  note?: string | undefined;
  /** ISO 8601; default now + the request's duration. */
  expiresAt?: string | undefined;
}

/** Who a download is for, and under what: what the usage event records. */
export interface DownloadAuthority {
  userId: string | null;
  orgId: string | null;
  grantId: string | null;
  purpose: string | null;
}

// ------------------------------------------------------------------------------------------------

export interface AccessServiceDeps {
  repo: AccessRepository;
  clock: Clock;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The SHA-256 of a release's licence terms (identifier and URL), so a changed licence needs a new acceptance. */
export function termsSha256(release: Pick<ReleaseRow, 'licence' | 'licence_url'>): string {
  return createHash('sha256')
    .update(JSON.stringify([release.licence, release.licence_url ?? null]))
    .digest('hex');
}

/** The release's custom questions (JSON), or none. */
export function requestQuestions(release: Pick<ReleaseRow, 'request_questions'>): RequestQuestion[] {
  if (!release.request_questions) return [];
  try {
    const parsed = JSON.parse(release.request_questions) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((q): q is Record<string, unknown> => typeof q === 'object' && q !== null && typeof (q as { id?: unknown }).id === 'string')
      .map((q) => ({
        id: String(q.id),
        labelKo: typeof q.labelKo === 'string' ? q.labelKo : String(q.id),
        labelEn: typeof q.labelEn === 'string' ? q.labelEn : String(q.id),
        required: q.required === true,
      }));
  } catch {
    return [];
  }
}

/** The organisations an actor acts for: a token's one, or every membership of a session. */
export function actingOrgIds(actor: UserActor): string[] {
  if (actor.tokenOrgId !== undefined) return [actor.tokenOrgId];
  return [...new Set(actor.memberships.map((m) => m.orgId))];
}

const parseJson = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

export function createAccessService({ repo, clock }: AccessServiceDeps) {
  const now = () => clock.now().toISOString();

  const grantOf = (row: AccessGrantView, at: string): AccessGrant => ({
    id: row.id,
    requestId: row.request_id,
    datasetId: row.dataset_id,
    datasetTitle: row.dataset_title,
    providerOrgId: row.provider_org_id,
    orgId: row.org_id,
    orgName: row.org_name,
    purpose: row.purpose,
    terms: parseJson<Record<string, unknown>>(row.terms, {}),
    startsAt: row.starts_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    revokeReason: row.revoke_reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
    active: row.revoked_at === null && row.starts_at <= at && row.expires_at > at,
  });

  const requestOf = (row: AccessRequestView, grant: AccessGrantView | undefined, at: string): AccessRequest => ({
    id: row.id,
    datasetId: row.dataset_id,
    datasetTitle: row.dataset_title,
    providerOrgId: row.provider_org_id,
    releaseId: row.release_id,
    orgId: row.org_id,
    orgName: row.org_name,
    userId: row.user_id,
    purpose: row.purpose,
    durationDays: row.duration_days,
    answers: parseJson<Record<string, string>>(row.answers, {}),
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    decisionNote: row.decision_note,
    createdAt: row.created_at,
    grant: grant ? grantOf(grant, at) : null,
  });

  async function withGrants(rows: AccessRequestView[]): Promise<AccessRequest[]> {
    const at = now();
    const grants = new Map((await repo.grantsOfRequests(rows.map((r) => r.id))).map((g) => [g.request_id, g]));
    return rows.map((r) => requestOf(r, grants.get(r.id), at));
  }

  /** The organisations whose incoming requests the actor decides or oversees ('all' for the operator and auditors). */
  function providerScope(actor: UserActor): string[] | 'all' {
    // Without an organisation only the operator and auditors pass: they oversee every agency.
    if (can(actor, 'access.read_incoming', {})) return 'all';
    return actingOrgIds(actor).filter((orgId) => can(actor, 'access.read_incoming', { orgId }));
  }

  async function visibleRelease(id: string): Promise<ReleaseRow> {
    const release = await repo.getRelease(id);
    if (!release || release.withdrawn_at !== null) throw notFound('Release');
    return release;
  }

  /** Whether the actor speaks for the providing agency of the release (whose own data it is). */
  const isProvider = (actor: UserActor, release: ReleaseRow) => actingOrgIds(actor).includes(release.org_id);

  return {
    termsSha256,

    /** Records that the user accepts the release's licence as it stands; accepting again returns the first acceptance. */
    async acceptLicence(actor: Actor, releaseId: string): Promise<{ acceptance: LicenceAcceptance; created: boolean }> {
      if (actor.kind !== 'user') throw unauthenticated('Sign in to accept a licence');
      authorize(actor, 'release.accept_licence');
      const release = await visibleRelease(releaseId);
      const terms = termsSha256(release);
      const shape = (row: { id: string; accepted_at: string }): LicenceAcceptance => ({
        id: row.id,
        releaseId: release.id,
        licence: release.licence,
        licenceUrl: release.licence_url,
        termsSha256: terms,
        acceptedAt: row.accepted_at,
      });
      const existing = await repo.findAcceptance(actor.userId, release.id, terms);
      if (existing) return { acceptance: shape(existing), created: false };
      const row = {
        id: uuidv7(),
        release_id: release.id,
        user_id: actor.userId,
        org_id: actingOrgIds(actor)[0] ?? null,
        terms_sha256: terms,
        accepted_at: now(),
      };
      await repo.insertAcceptance(row);
      return { acceptance: shape(row), created: true };
    },

    /**
     * Whether the actor may download from the release now, and under what (the grant for a
     * conditional one). Throws 401 for anonymous callers where an account is needed, 403 for a
     * safe-zone release, a licence not accepted, or no grant in force; 404 for a withdrawn release.
     */
    async authorizeDownload(actor: Actor, release: ReleaseRow): Promise<DownloadAuthority> {
      if (release.withdrawn_at !== null) throw notFound('Release');
      if (release.tier === 'safe_zone') {
        throw new AppError(
          'forbidden',
          'This release is for the safe zone only: it is never downloaded. Analyse it inside the safe zone (안심구역) instead. / 이 데이터는 안심구역 전용으로 내려받을 수 없습니다.',
        );
      }
      if (actor.kind === 'system') return { userId: null, orgId: null, grantId: null, purpose: null };
      if (actor.kind === 'anonymous') {
        if (release.tier === 'open' && release.account_required === 0) return { userId: null, orgId: null, grantId: null, purpose: null };
        throw unauthenticated('Sign in to download this release / 로그인한 뒤 내려받을 수 있습니다');
      }
      authorize(actor, 'release.download');
      const orgs = actingOrgIds(actor);
      if (isProvider(actor, release)) return { userId: actor.userId, orgId: release.org_id, grantId: null, purpose: null };
      if (release.tier === 'open') {
        if (release.account_required !== 0) {
          const accepted = await repo.findAcceptance(actor.userId, release.id, termsSha256(release));
          if (!accepted) {
            throw forbidden(
              `Accept the licence (${release.licence}) first: POST /api/v1/releases/${release.id}/accept-licence / 먼저 이용허락 조건에 동의해 주세요`,
            );
          }
        }
        return { userId: actor.userId, orgId: orgs[0] ?? null, grantId: null, purpose: null };
      }
      const grant = await repo.activeGrant(release.dataset_id, orgs, now());
      if (!grant) {
        throw forbidden(
          'This release is conditional: your organisation needs an access grant in force (not expired, not revoked). Ask with POST /api/v1/access-requests / 조건부 공개 데이터로, 유효한 이용 승인이 필요합니다',
        );
      }
      return { userId: actor.userId, orgId: grant.org_id, grantId: grant.id, purpose: grant.purpose };
    },

    /** Asks for conditional access on behalf of a company or research organisation; the request waits for the agency. */
    async createRequest(actor: Actor, input: NewAccessRequest): Promise<AccessRequest> {
      if (actor.kind !== 'user') throw unauthenticated();
      const consumerOrgs = actor.memberships.filter(
        (m) => (actor.tokenOrgId === undefined || m.orgId === actor.tokenOrgId) && (m.orgKind === 'company' || m.orgKind === 'research'),
      );
      const orgId =
        input.orgId ?? actor.tokenOrgId ?? (new Set(consumerOrgs.map((m) => m.orgId)).size === 1 ? consumerOrgs[0]!.orgId : undefined);
      if (orgId === undefined) {
        throw new AppError('validation', 'Say which organisation asks: orgId', {
          problems: [
            {
              field: 'orgId',
              message: 'required: you act for several organisations, or none that may ask',
              messageKo: '요청 기관을 지정해 주세요',
            },
          ],
        });
      }
      authorize(actor, 'access.request', { orgId });
      const dataset = await repo.getDataset(input.datasetId);
      if (!dataset) throw notFound('Dataset');
      const releases = (await repo.releasesOfDataset(dataset.id)).filter((r) => r.withdrawn_at === null);
      let release: ReleaseRow | undefined;
      if (input.releaseId !== undefined) {
        release = releases.find((r) => r.id === input.releaseId);
        if (!release) {
          throw new AppError('validation', 'The release is not a published release of the dataset', {
            problems: [{ field: 'releaseId', message: 'not a published release of datasetId' }],
          });
        }
      } else {
        release = releases.find((r) => r.tier === 'conditional');
      }
      if (!release || release.tier !== 'conditional') {
        throw new AppError(
          'validation',
          'Only conditional releases are requested: open ones need no request, safe-zone ones are used in the safe zone',
          {
            problems: [
              {
                field: input.releaseId !== undefined ? 'releaseId' : 'datasetId',
                message: 'has no conditional release',
                messageKo: '조건부 공개 데이터가 아닙니다',
              },
            ],
          },
        );
      }
      const questions = requestQuestions(release);
      const answers: Record<string, string> = {};
      const problems: FieldProblem[] = [];
      const known = new Set(questions.map((q) => q.id));
      for (const [id, text] of Object.entries(input.answers ?? {})) {
        if (!known.has(id)) problems.push({ field: `answers.${id}`, message: 'is not a question of this release' });
        else if (text.trim() !== '') answers[id] = text.trim();
      }
      for (const q of questions) {
        if (q.required && answers[q.id] === undefined) {
          problems.push({ field: `answers.${q.id}`, message: `required: ${q.labelEn}`, messageKo: `필수 질문입니다: ${q.labelKo}` });
        }
      }
      if (problems.length > 0) {
        throw new AppError('validation', `The request is incomplete: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`, {
          problems,
        });
      }
      // One open question per organisation and dataset: the agency decides it once, not twice.
      const pending = (await repo.listRequests({ orgIds: [orgId] })).find((r) => r.dataset_id === dataset.id && r.status === 'pending');
      if (pending)
        throw conflict(`Your organisation already has a pending request for this dataset (${pending.id}) / 이미 심사 중인 요청이 있습니다`);
      const id = uuidv7();
      await repo.insertRequest({
        id,
        dataset_id: dataset.id,
        release_id: release.id,
        org_id: orgId,
        user_id: actor.userId,
        purpose: input.purpose.trim(),
        duration_days: input.durationDays,
        answers: JSON.stringify(answers),
        status: 'pending',
        decided_by: null,
        decided_at: null,
        decision_note: null,
        created_at: now(),
      });
      return (await withGrants([(await repo.getRequest(id))!]))[0]!;
    },

    /** `mine`: the requests of the organisations the actor acts for; `incoming`: those for the datasets of the agencies it decides for. */
    async listRequests(actor: Actor, filter: { mine?: boolean; incoming?: boolean }): Promise<AccessRequest[]> {
      if (actor.kind !== 'user') throw unauthenticated();
      authorize(actor, 'release.download');
      if (filter.mine === filter.incoming || (!filter.mine && !filter.incoming)) {
        throw new AppError('bad_request', 'Ask for mine=true or incoming=true', {
          problems: [{ field: 'querystring', message: 'one of mine, incoming' }],
        });
      }
      if (filter.mine) return withGrants(await repo.listRequests({ orgIds: actingOrgIds(actor) }));
      const scope = providerScope(actor);
      if (scope !== 'all' && scope.length === 0) throw forbidden('Only the providing agency sees incoming requests');
      return withGrants(await repo.listRequests({ providerOrgIds: scope }));
    },

    async getRequest(actor: Actor, id: string): Promise<AccessRequest> {
      if (actor.kind !== 'user') throw unauthenticated();
      const row = await repo.getRequest(id);
      if (!row) throw notFound('Access request');
      const scope = providerScope(actor);
      const mayRead = actingOrgIds(actor).includes(row.org_id) || scope === 'all' || scope.includes(row.provider_org_id);
      if (!mayRead) throw notFound('Access request');
      return (await withGrants([row]))[0]!;
    },

    /** The providing agency approves (a grant bound to the organisation, purpose and expiry, its terms recorded) or rejects. */
    async decide(actor: Actor, id: string, input: Decision): Promise<AccessRequest> {
      if (actor.kind !== 'user') throw unauthenticated();
      const request = await repo.getRequest(id);
      if (!request) throw notFound('Access request');
      authorize(actor, 'access.decide', { orgId: request.provider_org_id });
      if (request.status !== 'pending') throw conflict(`The request is already ${request.status}`);
      const at = now();
      const note = input.note?.trim() ? input.note.trim() : null;
      let grant: AccessGrantRow | undefined;
      if (input.decision === 'approve') {
        const expires =
          input.expiresAt !== undefined ? new Date(input.expiresAt) : new Date(clock.now().getTime() + request.duration_days * DAY_MS);
        if (Number.isNaN(expires.getTime()) || expires.toISOString() <= at) {
          throw new AppError('validation', 'A grant must expire in the future', {
            problems: [{ field: 'expiresAt', message: 'must be a future ISO 8601 time', messageKo: '만료 시각은 미래여야 합니다' }],
          });
        }
        const release = request.release_id ? await repo.getRelease(request.release_id) : undefined;
        grant = {
          id: uuidv7(),
          request_id: request.id,
          dataset_id: request.dataset_id,
          org_id: request.org_id,
          purpose: request.purpose,
          terms: JSON.stringify({
            licence: release?.licence ?? null,
            licenceUrl: release?.licence_url ?? null,
            releaseId: release?.id ?? null,
            semver: release?.semver ?? null,
            purpose: request.purpose,
            durationDays: request.duration_days,
            note,
            questions: release ? requestQuestions(release) : [],
            answers: parseJson<Record<string, string>>(request.answers, {}),
            decidedBy: actor.userId,
            decidedAt: at,
          }),
          starts_at: at,
          expires_at: expires.toISOString(),
          revoked_at: null,
          revoked_by: null,
          revoke_reason: null,
          created_by: actor.userId,
          created_at: at,
        };
      }
      const decided = await repo.decide(
        id,
        { status: input.decision === 'approve' ? 'approved' : 'rejected', decided_by: actor.userId, decided_at: at, decision_note: note },
        grant,
      );
      if (!decided) throw conflict('The request was decided by someone else meanwhile');
      return (await withGrants([(await repo.getRequest(id))!]))[0]!;
    },

    /** Ends a grant at once; downloads under it are refused from the next request. */
    async revoke(actor: Actor, grantId: string, reason: string): Promise<AccessGrant> {
      if (actor.kind !== 'user') throw unauthenticated();
      const grant = await repo.getGrant(grantId);
      if (!grant) throw notFound('Access grant');
      authorize(actor, 'access.revoke', { orgId: grant.provider_org_id });
      if (grant.revoked_at !== null) throw conflict('The grant is already revoked');
      const ok = await repo.revokeGrant(grantId, { revoked_at: now(), revoked_by: actor.userId, revoke_reason: reason.trim() });
      if (!ok) throw conflict('The grant is already revoked');
      return grantOf((await repo.getGrant(grantId))!, now());
    },

    /** `mine`: the grants of the organisations the actor acts for; `incoming`: those the actor's agencies gave. */
    async listGrants(actor: Actor, filter: { mine?: boolean; incoming?: boolean }): Promise<AccessGrant[]> {
      if (actor.kind !== 'user') throw unauthenticated();
      authorize(actor, 'release.download');
      if (!filter.mine === !filter.incoming) {
        throw new AppError('bad_request', 'Ask for mine=true or incoming=true', {
          problems: [{ field: 'querystring', message: 'one of mine, incoming' }],
        });
      }
      const at = now();
      if (filter.mine) return (await repo.listGrants({ orgIds: actingOrgIds(actor) })).map((g) => grantOf(g, at));
      const scope = providerScope(actor);
      if (scope !== 'all' && scope.length === 0) throw forbidden('Only the providing agency sees the grants it gave');
      return (await repo.listGrants({ providerOrgIds: scope })).map((g) => grantOf(g, at));
    },
  };
}

export type AccessService = ReturnType<typeof createAccessService>;
