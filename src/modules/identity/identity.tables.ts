/** The identity tables as the repository sees them (migration 0001). */
export interface OrganizationRow {
  id: string;
  slug: string;
  name: string;
  name_en: string | null;
  kind: string;
  created_at: string;
}

export interface UserRow {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  locale: string;
  disabled_at: string | null;
  created_at: string;
}

export interface MembershipRow {
  user_id: string;
  org_id: string;
  role: string;
  created_at: string;
}

export interface SessionRow {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

export interface ApiTokenRow {
  id: string;
  user_id: string;
  org_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  scopes: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface OidcIdentityRow {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: string;
}

export interface AuditEventRow {
  id: string;
  at: string;
  actor: string;
  org_id: string | null;
  action: string;
  target: string | null;
  detail: string | null;
}

export interface IdentityTables {
  organizations: OrganizationRow;
  users: UserRow;
  memberships: MembershipRow;
  sessions: SessionRow;
  api_tokens: ApiTokenRow;
  oidc_identities: OidcIdentityRow;
  audit_events: AuditEventRow;
}
