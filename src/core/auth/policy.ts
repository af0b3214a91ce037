/**
 * The one authorization policy. Services call `authorize(actor, action, target)` before they act;
 * routes never decide who may do what.
 */
import { forbidden, unauthenticated } from '../errors.js';

export const ORG_KINDS = ['operator', 'agency', 'company', 'supplier', 'research'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

/** The roles of DESIGN §1, plus `org_admin`, who manages an organisation's members and tokens. */
export const ROLES = ['operator', 'org_admin', 'steward', 'evaluator', 'consumer', 'reviewer', 'supplier', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** What an API token may be used for. A session cookie carries every scope of its user. */
/** `ledger`: record usage events into the usage ledger (for trusted producers' tokens). */
export const SCOPES = ['read', 'write', 'admin', 'ledger'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Membership {
  orgId: string;
  orgKind: OrgKind;
  role: Role;
}

export type Actor =
  | { kind: 'anonymous' }
  /** The CLI run by whoever holds the machine, and the platform's own jobs. */
  | { kind: 'system'; name: string }
  | {
      kind: 'user';
      userId: string;
      memberships: Membership[];
      via: 'session' | 'token';
      /** For a token: what it may do, and the one organisation it acts for. */
      scopes: readonly Scope[];
      tokenOrgId?: string;
    };

export type UserActor = Extract<Actor, { kind: 'user' }>;

interface ActionRule {
  scope: Scope;
  /** Who may, given the organisation the target belongs to (if any). */
  allow: (actor: UserActor, orgId: string | undefined) => boolean;
}

const isOperator = (a: UserActor) => a.memberships.some((m) => m.role === 'operator' && m.orgKind === 'operator');
const isMember = (a: UserActor, orgId: string | undefined) => orgId !== undefined && a.memberships.some((m) => m.orgId === orgId);
const hasRoleIn = (a: UserActor, orgId: string | undefined, role: Role) =>
  orgId !== undefined && a.memberships.some((m) => m.orgId === orgId && m.role === role);
const isAuditor = (a: UserActor) => a.memberships.some((m) => m.role === 'auditor');
/** An agency's census is filled in by its stewards; its org_admin may stand in for them. */
const isStewardOf = (a: UserActor, orgId: string | undefined) => hasRoleIn(a, orgId, 'steward') || hasRoleIn(a, orgId, 'org_admin');
/** An expert evaluator (평가위원), in whatever organisation holds the role. */
const isEvaluator = (a: UserActor) => a.memberships.some((m) => m.role === 'evaluator');
/** A consumer of data (이용자): a member of a company or research organisation (of `orgId`, when given) who may speak for it. */
const isConsumerOf = (a: UserActor, orgId: string | undefined) =>
  a.memberships.some(
    (m) =>
      (orgId === undefined || m.orgId === orgId) &&
      (m.orgKind === 'company' || m.orgKind === 'research') &&
      (m.role === 'consumer' || m.role === 'org_admin' || m.role === 'steward'),
  );

const RULES = {
  /** Name, kind: public facts about any organisation. */
  'org.read_public': { scope: 'read', allow: () => true },
  /** Members, tokens, drafts: an organisation's own business. */
  'org.read_private': { scope: 'read', allow: (a, org) => isOperator(a) || isAuditor(a) || isMember(a, org) },
  'org.create': { scope: 'admin', allow: (a) => isOperator(a) },
  'org.manage_members': { scope: 'admin', allow: (a, org) => isOperator(a) || hasRoleIn(a, org, 'org_admin') },
  'user.create': { scope: 'admin', allow: (a) => isOperator(a) },
  'user.list': { scope: 'read', allow: (a) => isOperator(a) || isAuditor(a) },
  /** Tokens act for one organisation the user belongs to. */
  'token.create': { scope: 'admin', allow: (a, org) => isMember(a, org) },
  'audit.read': { scope: 'read', allow: (a) => isOperator(a) || isAuditor(a) },
  'jobs.read': { scope: 'read', allow: (a) => isOperator(a) },
  /** Accepted census entries are the inventory everyone signed in may consult. */
  'census.read': { scope: 'read', allow: () => true },
  /** Drafts, returned and submitted entries, and their history: the agency's stewards and oversight. */
  'census.read_private': { scope: 'read', allow: (a, org) => isOperator(a) || isAuditor(a) || isStewardOf(a, org) },
  /** Every entry of every agency. */
  'census.read_all': { scope: 'read', allow: (a) => isOperator(a) || isAuditor(a) },
  /** Create, edit and submit an agency's entries: its own stewards only, not even the operator. */
  'census.edit': { scope: 'write', allow: (a, org) => isStewardOf(a, org) },
  /** Accept, return and reopen submitted entries. */
  'census.review': { scope: 'write', allow: (a) => isOperator(a) },
  /** Open and close campaigns, send reminders. */
  'census.manage_campaigns': { scope: 'write', allow: (a) => isOperator(a) },
  /** Importing a catalog that names its agencies (and creates those not yet known): the operator's. */
  'census.import_catalog': { scope: 'write', allow: (a) => isOperator(a) },
  /** Register harvest sources, run them, read their logs. */
  'catalog.manage_harvest': { scope: 'admin', allow: (a) => isOperator(a) },
  'census.dashboard': { scope: 'read', allow: (a) => isOperator(a) || isAuditor(a) },
  /** Refinery datasets, versions, files and reports: the agency's members and oversight. */
  'refinery.read': { scope: 'read', allow: (a, org) => isOperator(a) || isAuditor(a) || isMember(a, org) },
  /** Every agency's refinery datasets. */
  'refinery.read_all': { scope: 'read', allow: (a) => isOperator(a) || isAuditor(a) },
  /** Create datasets, upload files, make versions: the agency's stewards, and the operator who runs the refinery. */
  'refinery.edit': { scope: 'write', allow: (a, org) => isOperator(a) || isStewardOf(a, org) },
  /** Evaluation rounds: rubrics, candidates, panels, status, selections: the operator. */
  'evaluation.manage': { scope: 'write', allow: (a) => isOperator(a) },
  /** Every round, its scores, reliability, demand and selections: the operator and auditors. */
  'evaluation.read': { scope: 'read', allow: (a) => isOperator(a) || isAuditor(a) },
  /** The entries an evaluator is assigned (blind: their own scores only). */
  'evaluation.review': { scope: 'read', allow: (a) => isEvaluator(a) },
  /** Score assigned entries, declare a conflict of interest. */
  'evaluation.score': { scope: 'write', allow: (a) => isEvaluator(a) },
  /** See open rounds and the organisation's own demand statements. */
  'evaluation.demand_read': { scope: 'read', allow: (a, org) => isConsumerOf(a, org) },
  /** State demand for entries on behalf of a company or research organisation. */
  'evaluation.demand': { scope: 'write', allow: (a, org) => isConsumerOf(a, org) },
  /** Freeze a ready refinery version as a release: the dataset's agency stewards (or org_admin), and the operator. */
  'release.create': { scope: 'write', allow: (a, org) => isOperator(a) || isStewardOf(a, org) },
  /** Withdraw a release (it stays, hidden from the public): the same people. */
  'release.withdraw': { scope: 'write', allow: (a, org) => isOperator(a) || isStewardOf(a, org) },
  /** See withdrawn releases: the providing agency's members and oversight. */
  'release.read_withdrawn': { scope: 'read', allow: (a, org) => isOperator(a) || isAuditor(a) || isMember(a, org) },
  /** Accept a release's licence (a recorded commitment, so a write). */
  'release.accept_licence': { scope: 'write', allow: () => true },
  /** Download released files; what the tier further requires (licence, grant) is the access service's to check. */
  'release.download': { scope: 'read', allow: () => true },
  /** Ask for conditional access on behalf of a company or research organisation. */
  'access.request': { scope: 'write', allow: (a, org) => isConsumerOf(a, org) },
  /** Decide access requests for a dataset: the providing agency's stewards and org_admin only. */
  'access.decide': { scope: 'write', allow: (a, org) => isStewardOf(a, org) },
  /** The requests and grants for an agency's datasets. */
  'access.read_incoming': { scope: 'read', allow: (a, org) => isOperator(a) || isAuditor(a) || isStewardOf(a, org) },
  /** Revoke a grant: the providing agency or the operator. */
  'access.revoke': { scope: 'write', allow: (a, org) => isOperator(a) || isStewardOf(a, org) },
  /** Record usage events into the ledger: the operator, or its tokens made with the `ledger` scope (trusted producers). */
  'ledger.record': { scope: 'ledger', allow: (a) => isOperator(a) },
  /** Sign a tree head now. */
  'ledger.sign': { scope: 'admin', allow: (a) => isOperator(a) },
  /** One stored event: oversight, the organisation that used the data, the agency that provides it. */
  'ledger.read_event': { scope: 'read', allow: (a, org) => isOperator(a) || isAuditor(a) || isMember(a, org) },
  /** Usage aggregates of every organisation and dataset. */
  'ledger.read_usage_all': { scope: 'read', allow: (a) => isOperator(a) || isAuditor(a) },
  /** Usage aggregates of an organisation's own use and of its datasets' use. */
  'ledger.read_usage': { scope: 'read', allow: (a, org) => isMember(a, org) },
} satisfies Record<string, ActionRule>;

export type Action = keyof typeof RULES;

export interface Target {
  /** The organisation the object belongs to, when it belongs to one. */
  orgId?: string;
}

/** True when `actor` may perform `action` on `target`. @example can(operator, 'org.create') // true */
export function can(actor: Actor, action: Action, target: Target = {}): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind === 'anonymous') return false;
  const rule: ActionRule = RULES[action];
  if (!actor.scopes.includes(rule.scope)) return false;
  // A token acts for its one organisation only, even when its user belongs to several.
  if (actor.tokenOrgId !== undefined) {
    const narrowed: UserActor = { ...actor, memberships: actor.memberships.filter((m) => m.orgId === actor.tokenOrgId) };
    return rule.allow(narrowed, target.orgId);
  }
  return rule.allow(actor, target.orgId);
}

/** Throws `unauthenticated` for anonymous actors and `forbidden` for the rest when `can` says no. */
export function authorize(actor: Actor, action: Action, target: Target = {}): asserts actor is Exclude<Actor, { kind: 'anonymous' }> {
  if (can(actor, action, target)) return;
  if (actor.kind === 'anonymous') throw unauthenticated();
  throw forbidden(`You may not ${action.replace('.', ': ').replace(/_/g, ' ')}`);
}

export function requireUser(actor: Actor): UserActor {
  if (actor.kind !== 'user') throw unauthenticated();
  return actor;
}
