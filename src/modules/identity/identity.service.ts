/**
 * Identity: organisations, people, roles, sessions and API tokens. The rules live here; storage is
 * the repository's, and every check of who may do what goes through the one policy in core/auth.
 */
import {
  authorize,
  requireUser,
  ROLES,
  SCOPES,
  type Actor,
  type Membership,
  type OrgKind,
  type Role,
  type Scope,
  type UserActor,
} from '../../core/auth/policy.js';
import { isoAfter, isoNow, type Clock } from '../../core/clock.js';
import { AppError, conflict, notFound, unauthenticated } from '../../core/errors.js';
import { uuidv7 } from '../../core/ids.js';
import type { IdentityRepository, MembershipWithOrg } from './identity.repository.js';
import type { ApiTokenRow, OrganizationRow, UserRow } from './identity.tables.js';
import { DUMMY_PASSWORD_HASH, hashPassword, hashSecret, newApiToken, randomSecret, verifyPassword } from './secrets.js';

export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** Writing `last_seen_at` on every request would make every read a write; once a few minutes is enough. */
const SESSION_TOUCH_INTERVAL_MS = 5 * 60 * 1000;
export const MAX_TOKEN_DAYS = 366;
export const MIN_PASSWORD_LENGTH = 10;

export interface Organization {
  id: string;
  slug: string;
  name: string;
  nameEn: string | null;
  kind: OrgKind;
  /** The agency code (기관코드, e.g. data.go.kr's), when known. */
  code: string | null;
  createdAt: string;
}

export interface User {
  id: string;
  email: string;
  displayName: string;
  locale: 'ko' | 'en';
  disabled: boolean;
  createdAt: string;
}

export interface MembershipView {
  orgId: string;
  orgName: string;
  orgNameEn: string | null;
  orgKind: OrgKind;
  role: Role;
}

export interface Me {
  user: User;
  memberships: MembershipView[];
}

export interface ApiTokenView {
  id: string;
  orgId: string;
  userId: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface Member {
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  since: string;
}

export interface OidcClaims {
  issuer: string;
  subject: string;
  email: string | undefined;
  emailVerified: boolean;
  name: string | undefined;
}

export interface IdentityServiceDeps {
  repo: IdentityRepository;
  clock: Clock;
}

const toOrganization = (row: OrganizationRow): Organization => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  nameEn: row.name_en,
  kind: row.kind as OrgKind,
  // The column comes with the census (its imports name agencies by code); identity's own rows may predate it.
  code: (row as OrganizationRow & { code?: string | null }).code ?? null,
  createdAt: row.created_at,
});

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  displayName: row.display_name,
  locale: row.locale === 'en' ? 'en' : 'ko',
  disabled: row.disabled_at !== null,
  createdAt: row.created_at,
});

const toMembership = (row: MembershipWithOrg): MembershipView => ({
  orgId: row.org_id,
  orgName: row.org_name,
  orgNameEn: row.org_name_en,
  orgKind: row.org_kind as OrgKind,
  role: row.role as Role,
});

const toToken = (row: ApiTokenRow): ApiTokenView => ({
  id: row.id,
  orgId: row.org_id,
  userId: row.user_id,
  name: row.name,
  prefix: row.prefix,
  scopes: JSON.parse(row.scopes) as Scope[],
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  lastUsedAt: row.last_used_at,
});

function normaliseEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

function actorLabel(actor: Actor): string {
  switch (actor.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'system':
      return `system:${actor.name}`;
    case 'user':
      return `user:${actor.userId}`;
  }
}

export function createIdentityService({ repo, clock }: IdentityServiceDeps) {
  async function audit(actor: Actor, action: string, target: string | null, orgId: string | null, detail?: unknown) {
    await repo.insertAuditEvent({
      id: uuidv7(),
      at: isoNow(clock),
      actor: actorLabel(actor),
      org_id: orgId,
      action,
      target,
      detail: detail === undefined ? null : JSON.stringify(detail),
    });
  }

  async function requireOrganization(idOrSlug: string): Promise<OrganizationRow> {
    const org = await repo.findOrganization(idOrSlug);
    if (!org) throw notFound(`Organisation "${idOrSlug}"`);
    return org;
  }

  async function requireUserRow(idOrEmail: string): Promise<UserRow> {
    const user = idOrEmail.includes('@') ? await repo.findUserByEmail(normaliseEmail(idOrEmail)) : await repo.findUser(idOrEmail);
    if (!user) throw notFound(`User "${idOrEmail}"`);
    return user;
  }

  async function membershipsOf(userId: string): Promise<Membership[]> {
    const rows = await repo.membershipsOfUser(userId);
    return rows.map((m) => ({ orgId: m.org_id, orgKind: m.org_kind as OrgKind, role: m.role as Role }));
  }

  /** A new session: only the hash of its token is stored, with its own CSRF token. */
  async function openSession(userId: string): Promise<{ sessionToken: string; csrfToken: string; expiresAt: string }> {
    const sessionToken = randomSecret();
    const csrfToken = randomSecret();
    const now = isoNow(clock);
    const expiresAt = isoAfter(clock, SESSION_IDLE_MS);
    await repo.insertSession({
      id_hash: hashSecret(sessionToken),
      user_id: userId,
      csrf_token: csrfToken,
      created_at: now,
      expires_at: expiresAt,
      last_seen_at: now,
    });
    return { sessionToken, csrfToken, expiresAt };
  }

  async function me(actor: Actor): Promise<Me> {
    const user = requireUser(actor);
    const row = await requireUserRow(user.userId);
    const memberships = (await repo.membershipsOfUser(row.id)).map(toMembership);
    return {
      user: toUser(row),
      memberships: user.tokenOrgId ? memberships.filter((m) => m.orgId === user.tokenOrgId) : memberships,
    };
  }

  return {
    async createOrganization(
      actor: Actor,
      input: { slug: string; name: string; nameEn?: string | undefined; kind: OrgKind },
    ): Promise<Organization> {
      authorize(actor, 'org.create');
      if (await repo.findOrganization(input.slug)) throw conflict(`An organisation with the slug "${input.slug}" exists already`);
      const row: OrganizationRow = {
        id: uuidv7(),
        slug: input.slug,
        name: input.name.normalize('NFC'),
        name_en: input.nameEn ?? null,
        kind: input.kind,
        created_at: isoNow(clock),
      };
      await repo.insertOrganization(row);
      await audit(actor, 'org.create', row.id, row.id, { slug: row.slug });
      return toOrganization(row);
    },

    async listOrganizations(): Promise<Organization[]> {
      return (await repo.listOrganizations()).map(toOrganization);
    },

    async getOrganization(idOrSlug: string): Promise<Organization> {
      return toOrganization(await requireOrganization(idOrSlug));
    },

    async createUser(
      actor: Actor,
      input: { email: string; displayName: string; password?: string | undefined; locale?: 'ko' | 'en' | undefined },
    ): Promise<User> {
      authorize(actor, 'user.create');
      const email = normaliseEmail(input.email);
      if (await repo.findUserByEmail(email)) throw conflict(`A user with the email ${email} exists already`);
      if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
        throw new AppError('validation', `Passwords have at least ${MIN_PASSWORD_LENGTH} characters`, {
          problems: [{ field: 'password', message: `at least ${MIN_PASSWORD_LENGTH} characters` }],
        });
      }
      const row: UserRow = {
        id: uuidv7(),
        email,
        display_name: input.displayName.normalize('NFC'),
        password_hash: input.password === undefined ? null : await hashPassword(input.password),
        locale: input.locale ?? 'ko',
        disabled_at: null,
        created_at: isoNow(clock),
      };
      await repo.insertUser(row);
      await audit(actor, 'user.create', row.id, null, { email });
      return toUser(row);
    },

    async listUsers(actor: Actor): Promise<User[]> {
      authorize(actor, 'user.list');
      return (await repo.listUsers()).map(toUser);
    },

    async setPassword(actor: Actor, userIdOrEmail: string, password: string): Promise<void> {
      const user = await requireUserRow(userIdOrEmail);
      const isSelf = actor.kind === 'user' && actor.userId === user.id && actor.via === 'session';
      if (!isSelf) authorize(actor, 'user.create');
      if (password.length < MIN_PASSWORD_LENGTH) {
        throw new AppError('validation', `Passwords have at least ${MIN_PASSWORD_LENGTH} characters`, {
          problems: [{ field: 'password', message: `at least ${MIN_PASSWORD_LENGTH} characters` }],
        });
      }
      await repo.updateUser(user.id, { password_hash: await hashPassword(password) });
      await repo.deleteSessionsOfUser(user.id);
      await audit(actor, 'user.set_password', user.id, null);
    },

    async disableUser(actor: Actor, userIdOrEmail: string): Promise<void> {
      authorize(actor, 'user.create');
      const user = await requireUserRow(userIdOrEmail);
      await repo.updateUser(user.id, { disabled_at: isoNow(clock) });
      await repo.deleteSessionsOfUser(user.id);
      await audit(actor, 'user.disable', user.id, null);
    },

    async grantRole(actor: Actor, input: { user: string; org: string; role: Role }): Promise<MembershipView> {
      const org = await requireOrganization(input.org);
      authorize(actor, 'org.manage_members', { orgId: org.id });
      if (!ROLES.includes(input.role)) throw new AppError('validation', `Unknown role "${input.role}"`);
      if (input.role === 'operator' && org.kind !== 'operator') {
        throw new AppError('validation', 'The operator role exists only in the operator organisation');
      }
      const user = await requireUserRow(input.user);
      await repo.insertMembership({ user_id: user.id, org_id: org.id, role: input.role, created_at: isoNow(clock) });
      await audit(actor, 'org.grant_role', user.id, org.id, { role: input.role });
      return { orgId: org.id, orgName: org.name, orgNameEn: org.name_en, orgKind: org.kind as OrgKind, role: input.role };
    },

    async revokeRole(actor: Actor, input: { user: string; org: string; role: Role }): Promise<void> {
      const org = await requireOrganization(input.org);
      authorize(actor, 'org.manage_members', { orgId: org.id });
      const user = await requireUserRow(input.user);
      await repo.deleteMembership(user.id, org.id, input.role);
      await audit(actor, 'org.revoke_role', user.id, org.id, { role: input.role });
    },

    async listMembers(actor: Actor, orgIdOrSlug: string): Promise<Member[]> {
      const org = await requireOrganization(orgIdOrSlug);
      authorize(actor, 'org.read_private', { orgId: org.id });
      return (await repo.membersOfOrganization(org.id)).map((m) => ({
        userId: m.user_id,
        email: m.email,
        displayName: m.display_name,
        role: m.role as Role,
        since: m.created_at,
      }));
    },

    me,

    /** Checks a password; on success opens a session. Unknown users and wrong passwords look the same. */
    async login(emailInput: string, password: string): Promise<{ sessionToken: string; csrfToken: string; expiresAt: string; me: Me }> {
      const user = await repo.findUserByEmail(normaliseEmail(emailInput));
      const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
      if (!user || !ok || user.password_hash === null) throw unauthenticated('The email or the password is wrong');
      if (user.disabled_at !== null) throw unauthenticated('This account is disabled');
      const { sessionToken, csrfToken, expiresAt } = await openSession(user.id);
      const actor: UserActor = { kind: 'user', userId: user.id, memberships: await membershipsOf(user.id), via: 'session', scopes: SCOPES };
      await audit(actor, 'auth.login', user.id, null);
      return { sessionToken, csrfToken, expiresAt, me: await me(actor) };
    },

    async logout(sessionToken: string): Promise<void> {
      await repo.deleteSession(hashSecret(sessionToken));
    },

    /** The actor behind a session cookie, with the session's CSRF token; undefined when unknown or expired. */
    async authenticateSession(sessionToken: string): Promise<{ actor: UserActor; csrfToken: string } | undefined> {
      const idHash = hashSecret(sessionToken);
      const session = await repo.findSession(idHash);
      const now = clock.now();
      if (!session || session.expires_at <= now.toISOString()) return undefined;
      const user = await repo.findUser(session.user_id);
      if (!user || user.disabled_at !== null) return undefined;
      if (now.getTime() - Date.parse(session.last_seen_at) > SESSION_TOUCH_INTERVAL_MS) {
        await repo.touchSession(idHash, now.toISOString(), isoAfter(clock, SESSION_IDLE_MS));
      }
      return {
        actor: { kind: 'user', userId: user.id, memberships: await membershipsOf(user.id), via: 'session', scopes: SCOPES },
        csrfToken: session.csrf_token,
      };
    },

    /** The actor behind an API token; undefined when unknown, expired, revoked, or its user is disabled. */
    async authenticateToken(token: string): Promise<UserActor | undefined> {
      const row = await repo.findApiTokenByHash(hashSecret(token));
      const now = isoNow(clock);
      if (!row || row.revoked_at !== null || row.expires_at <= now) return undefined;
      const user = await repo.findUser(row.user_id);
      if (!user || user.disabled_at !== null) return undefined;
      const memberships = await membershipsOf(user.id);
      // A token outlives nothing: once its user leaves the organisation it acts for, it stops working.
      if (!memberships.some((m) => m.orgId === row.org_id)) return undefined;
      if (row.last_used_at === null || Date.parse(now) - Date.parse(row.last_used_at) > SESSION_TOUCH_INTERVAL_MS) {
        await repo.markApiTokenUsed(row.id, now);
      }
      return {
        kind: 'user',
        userId: user.id,
        memberships,
        via: 'token',
        scopes: JSON.parse(row.scopes) as Scope[],
        tokenOrgId: row.org_id,
      };
    },

    async createApiToken(
      actor: Actor,
      input: { org: string; name: string; scopes: Scope[]; expiresInDays: number },
    ): Promise<{ token: string; info: ApiTokenView }> {
      const user = requireUser(actor);
      const org = await requireOrganization(input.org);
      authorize(actor, 'token.create', { orgId: org.id });
      // A token never carries more than the hand that made it.
      if (user.via === 'token' && input.scopes.some((s) => !user.scopes.includes(s))) {
        throw new AppError('forbidden', 'A token cannot create a token with scopes it does not have');
      }
      if (!Number.isInteger(input.expiresInDays) || input.expiresInDays < 1 || input.expiresInDays > MAX_TOKEN_DAYS) {
        throw new AppError('validation', `Tokens expire after 1 to ${MAX_TOKEN_DAYS} days`, {
          problems: [{ field: 'expiresInDays', message: `1 to ${MAX_TOKEN_DAYS}` }],
        });
      }
      const { token, hash, prefix } = newApiToken();
      const row: ApiTokenRow = {
        id: uuidv7(),
        user_id: user.userId,
        org_id: org.id,
        name: input.name,
        token_hash: hash,
        prefix,
        scopes: JSON.stringify([...new Set(input.scopes)]),
        created_at: isoNow(clock),
        expires_at: isoAfter(clock, input.expiresInDays * 24 * 60 * 60 * 1000),
        revoked_at: null,
        last_used_at: null,
      };
      await repo.insertApiToken(row);
      await audit(actor, 'token.create', row.id, org.id, { name: row.name, scopes: input.scopes });
      return { token, info: toToken(row) };
    },

    async listApiTokens(actor: Actor, orgIdOrSlug: string): Promise<ApiTokenView[]> {
      const org = await requireOrganization(orgIdOrSlug);
      authorize(actor, 'org.read_private', { orgId: org.id });
      return (await repo.listApiTokensOfOrganization(org.id)).map(toToken);
    },

    async revokeApiToken(actor: Actor, tokenId: string): Promise<void> {
      const user = requireUser(actor);
      const row = await repo.findApiToken(tokenId);
      if (!row) throw notFound(`Token ${tokenId}`);
      // Its owner may always revoke it; otherwise whoever manages the organisation's members.
      if (row.user_id !== user.userId) authorize(actor, 'org.manage_members', { orgId: row.org_id });
      await repo.revokeApiToken(row.id, isoNow(clock));
      await audit(actor, 'token.revoke', row.id, row.org_id);
    },

    /** Finds or creates the user behind a verified OIDC login and opens a session for them. */
    async loginWithOidc(claims: OidcClaims): Promise<{ sessionToken: string; csrfToken: string; expiresAt: string }> {
      let identity = await repo.findOidcIdentity(claims.issuer, claims.subject);
      if (!identity) {
        if (!claims.email || !claims.emailVerified) {
          throw unauthenticated('The identity provider did not give a verified email address');
        }
        const email = normaliseEmail(claims.email);
        let user = await repo.findUserByEmail(email);
        if (!user) {
          user = {
            id: uuidv7(),
            email,
            display_name: (claims.name ?? email.split('@')[0] ?? email).normalize('NFC'),
            password_hash: null,
            locale: 'ko',
            disabled_at: null,
            created_at: isoNow(clock),
          };
          await repo.insertUser(user);
        }
        identity = { issuer: claims.issuer, subject: claims.subject, user_id: user.id, created_at: isoNow(clock) };
        await repo.insertOidcIdentity(identity);
      }
      const user = await repo.findUser(identity.user_id);
      if (!user || user.disabled_at !== null) throw unauthenticated('This account is disabled');
      const session = await openSession(user.id);
      await audit({ kind: 'user', userId: user.id, memberships: [], via: 'session', scopes: SCOPES }, 'auth.login_oidc', user.id, null, {
        issuer: claims.issuer,
      });
      return session;
    },

    async listAuditEvents(actor: Actor, limit = 100) {
      authorize(actor, 'audit.read');
      return repo.listAuditEvents(Math.min(Math.max(limit, 1), 1000));
    },

    async deleteExpiredSessions(): Promise<number> {
      return repo.deleteExpiredSessions(isoNow(clock));
    },
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
