/** SQL for identity, through Kysely. No rules here: the service decides, this stores and fetches. */
import type { Kysely } from 'kysely';
import type {
  ApiTokenRow,
  AuditEventRow,
  IdentityTables,
  MembershipRow,
  OidcIdentityRow,
  OrganizationRow,
  SessionRow,
  UserRow,
} from './identity.tables.js';

export interface MembershipWithOrg extends MembershipRow {
  org_name: string;
  org_name_en: string | null;
  org_kind: string;
}

export interface MemberWithUser extends MembershipRow {
  email: string;
  display_name: string;
}

export type IdentityRepository = ReturnType<typeof createIdentityRepository>;

export function createIdentityRepository(db: Kysely<IdentityTables>) {
  return {
    insertOrganization: async (row: OrganizationRow) => {
      await db.insertInto('organizations').values(row).execute();
    },
    findOrganization: (idOrSlug: string) =>
      db
        .selectFrom('organizations')
        .selectAll()
        .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
        .executeTakeFirst(),
    listOrganizations: () => db.selectFrom('organizations').selectAll().orderBy('name').execute(),

    insertUser: async (row: UserRow) => {
      await db.insertInto('users').values(row).execute();
    },
    findUserByEmail: (email: string) => db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst(),
    findUser: (id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
    listUsers: () => db.selectFrom('users').selectAll().orderBy('email').execute(),
    updateUser: async (id: string, changes: Partial<Pick<UserRow, 'display_name' | 'password_hash' | 'locale' | 'disabled_at'>>) => {
      await db.updateTable('users').set(changes).where('id', '=', id).execute();
    },

    insertMembership: async (row: MembershipRow) => {
      await db
        .insertInto('memberships')
        .values(row)
        .onConflict((oc) => oc.columns(['user_id', 'org_id', 'role']).doNothing())
        .execute();
    },
    deleteMembership: async (userId: string, orgId: string, role: string) => {
      await db.deleteFrom('memberships').where('user_id', '=', userId).where('org_id', '=', orgId).where('role', '=', role).execute();
    },
    membershipsOfUser: (userId: string): Promise<MembershipWithOrg[]> =>
      db
        .selectFrom('memberships')
        .innerJoin('organizations', 'organizations.id', 'memberships.org_id')
        .select([
          'memberships.user_id',
          'memberships.org_id',
          'memberships.role',
          'memberships.created_at',
          'organizations.name as org_name',
          'organizations.name_en as org_name_en',
          'organizations.kind as org_kind',
        ])
        .where('memberships.user_id', '=', userId)
        .orderBy('organizations.name')
        .execute(),
    membersOfOrganization: (orgId: string): Promise<MemberWithUser[]> =>
      db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select([
          'memberships.user_id',
          'memberships.org_id',
          'memberships.role',
          'memberships.created_at',
          'users.email',
          'users.display_name',
        ])
        .where('memberships.org_id', '=', orgId)
        .orderBy('users.email')
        .execute(),

    insertSession: async (row: SessionRow) => {
      await db.insertInto('sessions').values(row).execute();
    },
    findSession: (idHash: string) => db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst(),
    touchSession: async (idHash: string, lastSeenAt: string, expiresAt: string) => {
      await db.updateTable('sessions').set({ last_seen_at: lastSeenAt, expires_at: expiresAt }).where('id_hash', '=', idHash).execute();
    },
    deleteSession: async (idHash: string) => {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },
    deleteSessionsOfUser: async (userId: string) => {
      await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
    },
    deleteExpiredSessions: async (now: string) => {
      const result = await db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    insertApiToken: async (row: ApiTokenRow) => {
      await db.insertInto('api_tokens').values(row).execute();
    },
    findApiTokenByHash: (hash: string) => db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst(),
    findApiToken: (id: string) => db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst(),
    listApiTokensOfOrganization: (orgId: string) =>
      db.selectFrom('api_tokens').selectAll().where('org_id', '=', orgId).orderBy('created_at', 'desc').execute(),
    revokeApiToken: async (id: string, at: string) => {
      await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    },
    markApiTokenUsed: async (id: string, at: string) => {
      await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },

    findOidcIdentity: (issuer: string, subject: string) =>
      db.selectFrom('oidc_identities').selectAll().where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst(),
    insertOidcIdentity: async (row: OidcIdentityRow) => {
      await db.insertInto('oidc_identities').values(row).execute();
    },

    insertAuditEvent: async (row: AuditEventRow) => {
      await db.insertInto('audit_events').values(row).execute();
    },
    listAuditEvents: (limit: number) =>
      db.selectFrom('audit_events').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute(),
  };
}
