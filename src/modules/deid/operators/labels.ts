/** The Korean label of each entity type, used by `replace` tokens and pseudonym tokens. */
import type { EntityType } from '../entities.js';

/** What a reader of de-identified Korean text expects to see in place of each type. */
export const KOREAN_LABELS: Readonly<Record<EntityType, string>> = {
  PERSON: '이름',
  KR_RRN: '주민등록번호',
  KR_FRN: '외국인등록번호',
  KR_PASSPORT: '여권번호',
  KR_DRIVER_LICENSE: '운전면허번호',
  KR_BRN: '사업자등록번호',
  KR_CRN: '법인등록번호',
  PHONE: '전화번호',
  EMAIL: '이메일',
  CREDIT_CARD: '카드번호',
  BANK_ACCOUNT: '계좌번호',
  KR_HEALTH_INSURANCE: '건강보험증번호',
  ADDRESS: '주소',
  VEHICLE_PLATE: '차량번호',
  IP_ADDRESS: 'IP주소',
};
