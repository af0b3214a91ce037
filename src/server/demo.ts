/**
 * Demo organisations and people for `npm start`, one per role of DESIGN §1, so every screen has
 * someone to show it to. Running it again changes nothing.
 */
import type { Actor, OrgKind, Role } from '../core/auth/policy.js';
import type { IdentityService } from '../modules/identity/identity.service.js';

export const DEMO_PASSWORD = 'datadam-demo';

interface DemoOrg {
  slug: string;
  name: string;
  nameEn: string;
  kind: OrgKind;
}

const ORGS: DemoOrg[] = [
  { slug: 'operator', name: '데이터댐 운영기관', nameEn: 'datadam operator', kind: 'operator' },
  { slug: 'nia', name: '한국지능정보사회진흥원', nameEn: 'National Information Society Agency', kind: 'agency' },
  { slug: 'seoul', name: '서울특별시', nameEn: 'Seoul Metropolitan Government', kind: 'agency' },
  { slug: 'hangang-ai', name: '한강에이아이 주식회사', nameEn: 'Hangang AI Inc.', kind: 'company' },
  { slug: 'kaist-lab', name: '한국과학기술원 언어지능연구실', nameEn: 'KAIST Language Intelligence Lab', kind: 'research' },
  { slug: 'dambuilders', name: '댐빌더스 데이터가공', nameEn: 'Dambuilders Data Processing', kind: 'supplier' },
];

interface DemoUser {
  email: string;
  displayName: string;
  org: string;
  roles: Role[];
}

export const DEMO_USERS: DemoUser[] = [
  { email: 'operator@demo.datadam.kr', displayName: '김운영', org: 'operator', roles: ['operator', 'org_admin'] },
  { email: 'steward@demo.datadam.kr', displayName: '이담당', org: 'nia', roles: ['steward', 'org_admin'] },
  { email: 'steward.seoul@demo.datadam.kr', displayName: '박서울', org: 'seoul', roles: ['steward'] },
  { email: 'evaluator@demo.datadam.kr', displayName: '최평가', org: 'kaist-lab', roles: ['evaluator'] },
  { email: 'consumer@demo.datadam.kr', displayName: '정이용', org: 'hangang-ai', roles: ['consumer', 'org_admin'] },
  { email: 'reviewer@demo.datadam.kr', displayName: '강심사', org: 'operator', roles: ['reviewer'] },
  { email: 'supplier@demo.datadam.kr', displayName: '윤공급', org: 'dambuilders', roles: ['supplier'] },
  { email: 'auditor@demo.datadam.kr', displayName: '한감사', org: 'operator', roles: ['auditor'] },
];

const SYSTEM: Actor = { kind: 'system', name: 'demo' };

/** Creates whatever of the demo set is missing; returns how many users it created. */
export async function seedDemo(identity: IdentityService): Promise<{ createdUsers: number }> {
  const existingOrgs = new Set((await identity.listOrganizations()).map((o) => o.slug));
  for (const org of ORGS) {
    if (!existingOrgs.has(org.slug)) await identity.createOrganization(SYSTEM, org);
  }
  const existingUsers = new Set((await identity.listUsers(SYSTEM)).map((u) => u.email));
  let createdUsers = 0;
  for (const user of DEMO_USERS) {
    if (existingUsers.has(user.email)) continue;
    await identity.createUser(SYSTEM, { email: user.email, displayName: user.displayName, password: DEMO_PASSWORD });
    for (const role of user.roles) await identity.grantRole(SYSTEM, { user: user.email, org: user.org, role });
    createdUsers += 1;
  }
  return { createdUsers };
}
