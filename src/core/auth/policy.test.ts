import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorize, can, ROLES, SCOPES, type Actor, type Membership, type Role } from './policy.js';

const ORG_A = 'org-a';
const ORG_B = 'org-b';
const OPERATOR_ORG = 'org-operator';

function user(memberships: Membership[], extra: Partial<Extract<Actor, { kind: 'user' }>> = {}): Actor {
  return { kind: 'user', userId: 'u', memberships, via: 'session', scopes: SCOPES, ...extra };
}
const member = (orgId: string, role: Role): Membership => ({ orgId, orgKind: orgId === OPERATOR_ORG ? 'operator' : 'agency', role });

describe('authorization policy', () => {
  it('lets members read their own organisation and not another', () => {
    const steward = user([member(ORG_A, 'steward')]);
    expect(can(steward, 'org.read_private', { orgId: ORG_A })).toBe(true);
    expect(can(steward, 'org.read_private', { orgId: ORG_B })).toBe(false);
    expect(can(steward, 'org.read_private', {})).toBe(false);
  });

  it('gives operators and auditors oversight, and only operators creation', () => {
    const operator = user([member(OPERATOR_ORG, 'operator')]);
    const auditor = user([member(OPERATOR_ORG, 'auditor')]);
    expect(can(operator, 'org.read_private', { orgId: ORG_B })).toBe(true);
    expect(can(auditor, 'org.read_private', { orgId: ORG_B })).toBe(true);
    expect(can(operator, 'org.create')).toBe(true);
    expect(can(auditor, 'org.create')).toBe(false);
    // The operator role only counts in the operator organisation.
    expect(can(user([member(ORG_A, 'operator')]), 'org.create')).toBe(false);
  });

  it('never lets anonymous do anything, and lets the system do everything', () => {
    expect(can({ kind: 'anonymous' }, 'org.read_public')).toBe(false);
    expect(() => authorize({ kind: 'anonymous' }, 'org.read_private', { orgId: ORG_A })).toThrow(/Sign in/);
    expect(can({ kind: 'system', name: 'cli' }, 'org.create')).toBe(true);
  });

  it('narrows a token to its organisation and its scopes', () => {
    const both = [member(ORG_A, 'org_admin'), member(ORG_B, 'org_admin')];
    const token = user(both, { via: 'token', scopes: ['read'], tokenOrgId: ORG_A });
    expect(can(token, 'org.read_private', { orgId: ORG_A })).toBe(true);
    expect(can(token, 'org.read_private', { orgId: ORG_B })).toBe(false);
    expect(can(token, 'org.manage_members', { orgId: ORG_A })).toBe(false);
    const admin = user(both, { via: 'token', scopes: ['read', 'admin'], tokenOrgId: ORG_A });
    expect(can(admin, 'org.manage_members', { orgId: ORG_A })).toBe(true);
    expect(can(admin, 'org.manage_members', { orgId: ORG_B })).toBe(false);
  });

  it('never grants a token more than the same user with a session (property)', () => {
    const roleArb = fc.constantFrom(...ROLES);
    const orgArb = fc.constantFrom(ORG_A, ORG_B, OPERATOR_ORG);
    const actions = [
      'org.read_public',
      'org.read_private',
      'org.create',
      'org.manage_members',
      'user.create',
      'user.list',
      'token.create',
      'audit.read',
      'jobs.read',
    ] as const;
    fc.assert(
      fc.property(
        fc.array(fc.record({ orgId: orgArb, role: roleArb }), { maxLength: 4 }),
        fc.subarray([...SCOPES]),
        orgArb,
        fc.constantFrom(...actions),
        fc.option(orgArb, { nil: undefined }),
        (ms, scopes, tokenOrg, action, targetOrg) => {
          const memberships = ms.map((m) => member(m.orgId, m.role));
          const session = user(memberships);
          const token = user(memberships, { via: 'token', scopes, tokenOrgId: tokenOrg });
          const target = targetOrg === undefined ? {} : { orgId: targetOrg };
          if (can(token, action, target)) expect(can(session, action, target)).toBe(true);
        },
      ),
    );
  });
});
