/**
 * Demo organisations and people for `npm start`, one per role of DESIGN §1, so every screen has
 * someone to show it to. Running it again changes nothing.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Actor, OrgKind, Role } from '../core/auth/policy.js';
import { DATA_GO_KR_MAPPING } from '../modules/census/import/mapping.js';
import type { IdentityService } from '../modules/identity/identity.service.js';
import type { Platform } from './platform.js';

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

/** The demo agencies' official codes, as the data.go.kr catalog names them. */
const DEMO_AGENCY_CODES: Record<string, string> = { nia: 'B554393', seoul: '6110000' };

/**
 * A slice of the real data.go.kr catalog as accepted census entries, and an open campaign for the
 * demo agencies to answer. Only when the census is still empty.
 */
export async function seedDemoCensus(platform: Platform, file: string): Promise<{ imported: number }> {
  const { census, censusFiles, identity } = platform;
  if ((await census.listEntries(SYSTEM, { limit: 1 })).items.length > 0) return { imported: 0 };
  for (const [slug, code] of Object.entries(DEMO_AGENCY_CODES)) {
    await census.setAgencyCode(SYSTEM, (await identity.getOrganization(slug)).id, code);
  }
  const report = await censusFiles.importEntries(SYSTEM, {
    source: createReadStream(file),
    fileName: path.basename(file),
    mapping: DATA_GO_KR_MAPPING,
    validRowsOnly: true,
    status: 'accepted',
  });
  await censusFiles.flagSimilarTitles(report.orgIds);
  const byName = new Map((await identity.listOrganizations()).map((o) => [o.slug, o.id]));
  const targets = ['nia', 'seoul', 'agency-1741000', 'agency-b551178', 'agency-b553991']
    .map((slug) => byName.get(slug))
    .filter((id): id is string => id !== undefined);
  const year = platform.clock.now().getUTCFullYear();
  await census.createCampaign(SYSTEM, {
    title: `${year}년 인공지능 학습용 데이터 전수조사`,
    description:
      '기관이 보유한 AI 학습용 데이터와 원천 데이터를 표준 조사표로 제출해 주세요. / Please report the AI training data and raw data your agency holds on the standard form.',
    deadline: `${year}-12-31`,
    targetOrgIds: targets,
  });
  return { imported: report.imported };
}
