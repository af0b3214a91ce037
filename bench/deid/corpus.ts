/**
 * The labelled Korean de-identification corpus: documents of seven kinds — 민원 (complaints), 상담
 * 녹취 (counselling transcripts), 진료 요약 (medical summaries), 계약서 (contracts), 이력서 (résumés),
 * 배송 메모 (delivery notes), 채팅 (chats) — assembled from templates, with personal data of every
 * entity type and hard negatives (order and tracking numbers, amounts, dates, times, versions,
 * statute numbers, product codes, postal codes, case numbers, and words that begin like surnames).
 *
 * Labels are exact by construction: a document is a list of pieces, and offsets are counted while
 * the pieces are joined, never searched for afterwards. Generation is deterministic for a seed.
 */
import type { EntityType } from '../../src/modules/deid/entities.js';
import type { Places } from './places.js';
import { ent, hasFinal, type NegativeKind, type Piece, Values } from './values.js';

export const DOCUMENT_KINDS = ['complaint', 'counselling', 'medical', 'contract', 'resume', 'delivery', 'chat'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface LabelledSpan {
  type: EntityType;
  start: number;
  end: number;
}
export interface NegativeSpan {
  kind: NegativeKind;
  start: number;
  end: number;
}
export interface CorpusDocument {
  id: string;
  kind: DocumentKind;
  text: string;
  entities: LabelledSpan[];
  /** Hard negatives planted on purpose (numbers that look like personal data but are not). */
  negatives: NegativeSpan[];
}

/** Joins pieces into text, recording each labelled piece's offsets as it goes. */
export function assemble(pieces: Piece): Pick<CorpusDocument, 'text' | 'entities' | 'negatives'> {
  const parts: string[] = [];
  const entities: LabelledSpan[] = [];
  const negatives: NegativeSpan[] = [];
  let length = 0;
  const walk = (piece: Piece) => {
    if (typeof piece === 'string') {
      parts.push(piece);
      length += piece.length;
    } else if (Array.isArray(piece)) for (const p of piece as readonly Piece[]) walk(p);
    else {
      const p = piece as { text: string; type?: EntityType; negative?: NegativeKind };
      if (p.type) entities.push({ type: p.type, start: length, end: length + p.text.length });
      else if (p.negative) negatives.push({ kind: p.negative, start: length, end: length + p.text.length });
      parts.push(p.text);
      length += p.text.length;
    }
  };
  walk(pieces);
  return { text: parts.join(''), entities, negatives };
}

/** Tagged template: literal text and interpolated pieces, in order. */
const d = (strings: TemplateStringsArray, ...values: Array<Piece | number>): Piece[] => {
  const out: Piece[] = [];
  strings.forEach((s, i) => {
    out.push(s);
    if (i < values.length) {
      const value = values[i]!;
      out.push(typeof value === 'number' ? String(value) : value);
    }
  });
  return out;
};

type Template = (v: Values) => Piece[];

/** Sentences with no personal data that make documents long and ordinary (and hold surname-like words). */
const FILLER: Record<DocumentKind, Array<(v: Values) => Piece[]>> = {
  complaint: [
    () => d`이상한 점은 한두 가지가 아닙니다. 정도가 지나치다고 생각합니다.`,
    (v) => d`지난 ${v.negative('date')}에도 같은 문제로 신청을 했는데 아직 조사 결과를 받지 못했습니다.`,
    (v) => d`관련 규정(${v.negative('statute')})에 따라 처리해 주시기 바랍니다.`,
    () => d`최근 몇 달 동안 민원 처리가 지연되어 불편이 큽니다. 신속한 안내 부탁드립니다.`,
    (v) => d`접수 후 ${v.int(3, 14)}일이 지났는데도 연락이 없어 다시 문의드립니다.`,
    (v) => d`환불 요청 금액은 ${v.negative('amount')}이며, 주문번호는 ${v.negative('order-number')}입니다.`,
    () => d`김치냉장고 소음 문제로 한번 방문 점검을 받았으나 개선되지 않았습니다.`,
    (v) => d`처리 기한은 ${v.negative('date')}까지로 알고 있습니다. 조속히 회신 바랍니다.`,
    (v) => d`이전 민원(${v.negative('case-number')})과 같은 사안입니다.`,
  ],
  counselling: [
    () => d`상담사: 네, 확인해 보겠습니다. 잠시만 기다려 주세요.\n`,
    () => d`고객: 지금 정도면 충분한 것 같은데요. 이상 없죠?\n`,
    (v) => d`상담사: 요금은 ${v.negative('amount')}이 청구되었고 납부 기한은 ${v.negative('date')}입니다.\n`,
    (v) => d`상담사: 앱 버전이 ${v.negative('version')}인지 확인 부탁드립니다.\n`,
    () => d`고객: 아 네, 알겠습니다. 감사합니다.\n`,
    (v) => d`상담사: 상담 시각 ${v.negative('time')} 기준으로 접수되었습니다.\n`,
    () => d`상담사: 본 통화는 상담 품질 향상을 위해 녹음되고 있습니다.\n`,
    (v) => d`고객: 저번에 주문한 ${v.negative('product-code')} 제품이 고장 났어요.\n`,
  ],
  medical: [
    () => d`주호소: 3일 전부터 지속되는 발열 및 인후통.\n`,
    (v) => d`혈압 ${v.int(100, 150)}/${v.int(60, 95)} mmHg, 맥박 ${v.int(60, 110)}회/분, 체온 ${v.int(36, 39)}.${v.int(0, 9)}℃.\n`,
    (v) => d`처방: 아목시실린 500mg 1일 3회 ${v.int(3, 7)}일분, 타이레놀 ${v.int(1, 2)}정 prn.\n`,
    (v) => d`검사일 ${v.negative('date')} ${v.negative('time')}, CBC 및 CRP 시행함. WBC ${v.int(4, 15)}.${v.int(0, 9)}.\n`,
    () => d`경과: 조사 결과 특이 소견 없으며 정도 관찰 요함. 이상 소견 발견 시 재내원 권유.\n`,
    (v) => d`진료비 본인부담금 ${v.negative('amount')} 수납 완료.\n`,
    () => d`과거력: 고혈압(+), 당뇨(-), 수술력 없음. 가족력: 부친 뇌졸중.\n`,
    (v) => d`다음 외래 예약 ${v.negative('date')} 오전.\n`,
  ],
  contract: [
    (v) => d`제${v.int(2, 9)}조(계약기간) 계약기간은 ${v.negative('date')}부터 ${v.negative('date')}까지로 한다.\n`,
    (v) => d`제${v.int(3, 9)}조(대금) 계약금액은 ${v.negative('amount')}(부가세 별도)으로 한다.\n`,
    (v) => d`이 계약에 정하지 않은 사항은 ${v.negative('statute')} 등 관계 법령에 따른다.\n`,
    () => d`제10조(비밀유지) 당사자는 계약 기간 중 알게 된 상대방의 정보를 제3자에게 누설하지 아니한다.\n`,
    () => d`제11조(분쟁해결) 이 계약과 관련한 분쟁은 서울중앙지방법원을 관할 법원으로 한다.\n`,
    (v) => d`납품 물품: ${v.negative('product-code')} ${v.int(1, 500)}개, 단가 ${v.negative('amount')}.\n`,
    () => d`계약의 해지는 서면 통지로 하며, 통지 후 30일이 지나면 효력이 생긴다.\n`,
  ],
  resume: [
    (v) =>
      d`${v.negative('date')} ~ ${v.negative('date')} 주식회사 한빛소프트 백엔드 개발 (Node.js ${v.negative('version')}, PostgreSQL)\n`,
    () => d`자격: 정보처리기사, SQLD, TOEIC 905점\n`,
    (v) => d`학력: 한국대학교 컴퓨터공학과 졸업(${v.negative('date')}), 학점 ${v.int(3, 4)}.${v.int(0, 9)}/4.5\n`,
    () => d`자기소개: 조사와 분석을 좋아하며 정도를 지키는 개발자입니다. 최근에는 데이터 품질 관리에 관심이 많습니다.\n`,
    (v) => d`희망 연봉: ${v.negative('amount')} (협의 가능)\n`,
    () => d`병역: 육군 병장 만기 전역\n`,
    (v) => d`프로젝트: 주문 처리 시스템 개편, 처리량 ${v.int(2, 9)}배 향상 (${v.negative('date')})\n`,
  ],
  delivery: [
    (v) => d`운송장번호 ${v.negative('tracking-number')} / 주문번호 ${v.negative('order-number')}\n`,
    () => d`부재 시 문 앞에 놓아 주세요. 경비실 맡기지 마세요.\n`,
    (v) => d`상품: ${v.negative('product-code')} 외 ${v.int(1, 4)}건, 결제금액 ${v.negative('amount')}\n`,
    (v) => d`배송 희망일 ${v.negative('date')} ${v.negative('time')} 이후\n`,
    (v) => d`우편번호 ${v.negative('postal-code')}\n`,
    () => d`김치 냉장 보관 필수, 파손 주의.\n`,
    () => d`공동현관 비밀번호는 별도 문자로 드릴게요.\n`,
  ],
  chat: [
    () => d`[오후 2:14] 오늘 정도면 괜찮지 않아?\n`,
    (v) => d`[${v.negative('time')}] ㅋㅋㅋ 이상하다 진짜\n`,
    (v) => d`[${v.negative('time')}] 회비 ${v.negative('amount')}씩 보내줘\n`,
    () => d`[오전 9:03] 나 지금 출발함\n`,
    (v) => d`[${v.negative('time')}] 앱 업데이트 ${v.negative('version')} 했더니 튕겨\n`,
    () => d`[오후 6:40] 조사 끝나면 연락할게\n`,
    (v) => d`[${v.negative('time')}] 택배 송장 ${v.negative('tracking-number')} 이거 맞아?\n`,
  ],
};

const TEMPLATES: Record<DocumentKind, Template[]> = {
  complaint: [
    (v) =>
      d`세금계산서 오류 정정 요청\n공급자 사업자등록번호 ${ent('KR_BRN', v.brn())}, 공급받는자 ${ent('KR_BRN', v.brn())}\n담당 ${v.person(undefined, 'label')} ${ent('EMAIL', v.email())}\n${FILLERS(v, 'complaint', 3)}`,
    (v) => {
      const name = v.fullName();
      return d`[민원 접수] ${v.negative('case-number')}\n민원인: ${ent('PERSON', name)}\n연락처: ${ent('PHONE', v.phone())}\n주소: ${ent('ADDRESS', v.address())}\n\n안녕하세요. 저 ${v.person(name, 'topic')} 지난 ${v.negative('date')} 아파트 관리사무소의 부당한 관리비 부과에 대해 민원을 제기합니다. ${FILLERS(v, 'complaint', 2)}회신은 ${ent('EMAIL', v.email(name))}로 부탁드립니다.`;
    },
    (v) =>
      d`제목: 차량 불법 주차 신고\n\n${v.negative('date')} 오전부터 ${ent('VEHICLE_PLATE', v.vehiclePlate())} 차량이 소방차 전용구역에 계속 주차되어 있습니다. 위치는 ${ent('ADDRESS', v.address())} 앞입니다. ${FILLERS(v, 'complaint', 2)}신고인 ${v.person(undefined, 'any')} (${ent('PHONE', v.phone())})`,
    (v) => {
      const name = v.fullName();
      return d`환불 요청드립니다.\n\n${v.person(name, 'topic')} ${v.negative('date')}에 온라인몰에서 상품을 구매했는데 불량품이 왔습니다. ${FILLERS(v, 'complaint', 3)}환불 계좌: ${v.bankAccount()} (예금주 ${ent('PERSON', name)})\n연락처 ${ent('PHONE', v.phone())}`;
    },
    (v) =>
      d`개인정보 열람 청구\n\n청구인 성명: ${ent('PERSON', v.fullName())}\n주민등록번호: ${ent('KR_RRN', v.rrn())}\n주소: ${ent('ADDRESS', v.address())}\n전화: ${ent('PHONE', v.phone())}\n전자우편: ${ent('EMAIL', v.email())}\n\n${v.negative('statute')}에 따라 귀 기관이 보유한 본인의 개인정보 열람을 청구합니다. ${FILLERS(v, 'complaint', 2)}`,
    (v) =>
      d`소음 민원\n윗집(${ent('ADDRESS', v.address())})에서 밤마다 ${v.negative('time')}부터 소음이 납니다. ${FILLERS(v, 'complaint', 2)}관리소장 ${v.person(undefined, 'object')} 여러 번 말씀드렸지만 해결되지 않았습니다. 제 번호는 ${ent('PHONE', v.phone())}입니다.`,
    (v) =>
      d`외국인 민원인 ${v.person(undefined, 'label')}(외국인등록번호 ${ent('KR_FRN', v.frn())})의 체류지 변경 신고 관련 문의입니다. 새 주소는 ${ent('ADDRESS', v.address())}이며 여권번호는 ${ent('KR_PASSPORT', v.passport())}입니다. ${FILLERS(v, 'complaint', 2)}`,
    (v) =>
      d`인터넷 접속 장애 신고\n고객 IP ${ent('IP_ADDRESS', v.ip())}에서 ${v.negative('date')} ${v.negative('time')}부터 접속이 끊깁니다. 공유기 펌웨어 ${v.negative('version')}. ${FILLERS(v, 'complaint', 2)}담당자: ${v.person(undefined, 'any')} ${ent('PHONE', v.phone())}`,
  ],
  counselling: [
    (v) =>
      d`[112 신고 녹취]\n접수자: 112입니다. 무슨 일이시죠?\n신고자: 접촉사고가 났는데 상대 차량이 도망갔어요. 번호판이 ${ent('VEHICLE_PLATE', v.vehiclePlate())}이었어요.\n접수자: 위치가 어디세요?\n신고자: ${ent('ADDRESS', v.address())} 앞이요.\n접수자: 성함과 연락처는요?\n신고자: ${ent('PERSON', v.fullName())}, ${ent('PHONE', v.phone())}요.\n${FILLERS(v, 'counselling', 2)}`,
    (v) => {
      const name = v.fullName();
      return d`[상담 녹취록] 상담일시 ${v.negative('date')} ${v.negative('time')}\n상담사: 안녕하세요, 고객센터 상담사 ${ent('PERSON', v.fullName())}입니다. 무엇을 도와드릴까요?\n고객: 네, 카드 분실 신고하려고요.\n상담사: 본인 확인을 위해 성함과 생년월일 말씀해 주세요.\n고객: ${ent('PERSON', name)}이고요, 주민번호는 ${ent('KR_RRN', v.rrn())}입니다.\n상담사: 네 ${v.person(name, 'any')} 확인되었습니다. 분실하신 카드 번호가 ${ent('CREDIT_CARD', v.creditCard())} 맞으신가요?\n고객: 네 맞아요.\n${FILLERS(v, 'counselling', 3)}상담사: 등록된 연락처 ${ent('PHONE', v.phone())}로 재발급 안내 문자 드리겠습니다.\n`;
    },
    (v) => {
      const name = v.fullName();
      return d`상담 기록 (심리상담센터)\n내담자: ${ent('PERSON', name)} / 보호자 연락처 ${ent('PHONE', v.phone())}\n상담사: 요즘 어떠세요?\n내담자: 회사에서 ${v.person(undefined, 'subject')} 자꾸 무시해서 힘들어요.\n상담사: 그런 일이 있었군요. ${FILLERS(v, 'counselling', 2)}상담사: 다음 회기는 ${v.negative('date')}입니다. ${v.person(name, 'any')} 편하게 오세요.\n`;
    },
    (v) =>
      d`[콜센터 녹취]\n상담사: 사업자 고객이시죠? 사업자등록번호 불러 주시겠어요?\n고객: ${ent('KR_BRN', v.brn())}이요.\n상담사: 법인등록번호도 확인 부탁드립니다.\n고객: ${ent('KR_CRN', v.crn())}입니다. 담당은 ${ent('PERSON', v.fullName())}예요.\n${FILLERS(v, 'counselling', 3)}상담사: 세금계산서는 ${ent('EMAIL', v.email())}로 발송해 드릴게요.\n`,
    (v) =>
      d`상담사: 환불 계좌 확인하겠습니다.\n고객: ${v.bankAccount()}이에요. 예금주는 ${ent('PERSON', v.fullName())}이고요.\n상담사: 주문번호 ${v.negative('order-number')} 건 맞으시죠?\n${FILLERS(v, 'counselling', 3)}고객: 혹시 주소 변경도 돼요? ${ent('ADDRESS', v.address())}로요.\n상담사: 네, 변경해 드렸습니다.\n`,
    (v) =>
      d`[보험 상담]\n상담사: 피보험자 건강보험증 번호 알려 주시겠어요?\n고객: ${ent('KR_HEALTH_INSURANCE', v.healthInsurance())}입니다.\n상담사: 운전면허번호도 필요합니다.\n고객: ${ent('KR_DRIVER_LICENSE', v.driverLicence())}요.\n상담사: 차량번호는요?\n고객: ${ent('VEHICLE_PLATE', v.vehiclePlate())}입니다.\n${FILLERS(v, 'counselling', 2)}`,
    (v) =>
      d`상담사: 원격 지원을 위해 접속 IP 확인합니다. ${ent('IP_ADDRESS', v.ip())} 맞으세요?\n고객: 네. 아 그리고 제 메일 주소가 ${ent('EMAIL', v.email())}로 바뀌었어요.\n${FILLERS(v, 'counselling', 3)}상담사: ${ent('PERSON', v.fullName())} 고객님, 처리 완료되었습니다.\n`,
  ],
  medical: [
    (v) =>
      d`[원무과 메모] 환자 ${v.person(undefined, 'possessive')} 실손보험 청구 서류 요청. 보험금 입금 계좌 ${v.bankAccount()}. 보호자 ${ent('PERSON', v.fullName())} 연락처 ${ent('PHONE', v.phone())}, 팩스 대신 ${ent('EMAIL', v.email())}로 발송 요망. ${FILLERS(v, 'medical', 2)}`,
    (v) =>
      d`응급실 기록\n${v.negative('date')} ${v.negative('time')} 내원. 환자 ${v.person(undefined, 'topic')} 교통사고(가해 차량 ${ent('VEHICLE_PLATE', v.vehiclePlate())})로 119 이송됨.\n${FILLERS(v, 'medical', 3)}신분 확인: 운전면허증 ${ent('KR_DRIVER_LICENSE', v.driverLicence())}\n`,
    (v) => {
      const name = v.fullName();
      return d`진료 요약지\n환자명: ${ent('PERSON', name)} (${v.pick(['남', '여'])}/${v.int(20, 89)}세)\n주민등록번호: ${ent('KR_RRN', v.rrn())}\n건강보험증번호: ${ent('KR_HEALTH_INSURANCE', v.healthInsurance())}\n주소: ${ent('ADDRESS', v.address())}\n보호자: ${v.person(undefined, 'label')}(${v.pick(['배우자', '자녀', '부', '모'])}) ${ent('PHONE', v.phone())}\n\n${FILLERS(v, 'medical', 4)}담당의: ${v.person(undefined, 'any')}\n`;
    },
    (v) =>
      d`퇴원 요약\n${v.person(undefined, 'topic')} ${v.negative('date')} 입원하여 ${v.negative('date')} 퇴원함. ${FILLERS(v, 'medical', 3)}주치의 ${v.person(undefined, 'possessive')} 소견에 따라 외래 추적 관찰 예정. 문의 ${ent('PHONE', v.phone())}\n`,
    (v) =>
      d`진료의뢰서\n수신: ${v.pick(['서울대학교병원', '세브란스병원', '삼성서울병원', '부산대학교병원'])} ${v.pick(['내과', '신경과', '정형외과'])}\n환자: ${v.person(undefined, 'any')} / 외국인등록번호 ${ent('KR_FRN', v.frn())}\n${FILLERS(v, 'medical', 3)}의뢰의사: ${v.person(undefined, 'any')} (면허번호 ${v.digits(5)})\n`,
    (v) =>
      d`[간호기록] ${v.negative('time')} 환자 ${v.person(undefined, 'subject')} 어지러움 호소. 보호자 ${v.person(undefined, 'object')} 연락함(${ent('PHONE', v.phone())}). ${FILLERS(v, 'medical', 3)}`,
    (v) =>
      d`건강검진 결과 통보\n수검자: ${ent('PERSON', v.fullName())}\n생년월일: ${v.negative('date')}\n주소: (${v.negative('postal-code')}) ${ent('ADDRESS', v.address())}\n${FILLERS(v, 'medical', 3)}결과는 ${ent('EMAIL', v.email())}로도 발송됩니다.\n`,
  ],
  contract: [
    (v) =>
      d`개인정보 수집·이용 동의서\n\n수집 항목: 성명, 주민등록번호, 연락처, 주소\n성명: ${ent('PERSON', v.fullName())}\n주민등록번호: ${ent('KR_RRN', v.rrn())}\n연락처: ${ent('PHONE', v.phone())}\n주소: ${ent('ADDRESS', v.address())}\n${FILLERS(v, 'contract', 2)}위 내용에 동의합니다. ${v.negative('date')} 동의자 ${ent('PERSON', v.fullName())} (서명)\n`,
    (v) =>
      d`자동이체 신청서\n예금주 ${ent('PERSON', v.fullName())} / 생년월일 ${v.negative('date')}\n출금 계좌 ${v.bankAccount()}\n또는 카드 ${ent('CREDIT_CARD', v.creditCard())} (유효기간 ${v.pad(v.int(1, 12), 2)}/${v.int(26, 31)})\n${FILLERS(v, 'contract', 2)}`,
    (v) => {
      const a = v.fullName();
      const b = v.fullName();
      return d`표준 근로계약서\n\n${ent('PERSON', a)}(이하 "사업주"라 함)과 ${v.person(b, 'topic')} 다음과 같이 근로계약을 체결한다.\n${FILLERS(v, 'contract', 3)}사업주: 상호 주식회사 ${v.pick(['한빛', '다온', '새솔', '미래로'])} / 사업자등록번호 ${ent('KR_BRN', v.brn())}\n주소: ${ent('ADDRESS', v.address())}\n대표자: ${ent('PERSON', a)} (인)\n근로자: ${ent('PERSON', b)} / 주민등록번호 ${ent('KR_RRN', v.rrn())}\n주소: ${ent('ADDRESS', v.address())}\n연락처: ${ent('PHONE', v.phone())}\n임금 지급 계좌: ${v.bankAccount()}\n`;
    },
    (v) =>
      d`부동산 임대차 계약서\n\n1. 부동산의 표시: ${ent('ADDRESS', v.address())}\n2. 보증금 ${v.negative('amount')}, 월세 ${v.negative('amount')}\n${FILLERS(v, 'contract', 3)}임대인: ${v.person(undefined, 'any')} 주민등록번호 ${ent('KR_RRN', v.rrn())} 전화 ${ent('PHONE', v.phone())}\n임차인: ${v.person(undefined, 'any')} 주민등록번호 ${ent('KR_RRN', v.rrn())} 전화 ${ent('PHONE', v.phone())}\n공인중개사: ${v.person(undefined, 'any')} 사업자등록번호 ${ent('KR_BRN', v.brn())}\n`,
    (v) =>
      d`용역 계약서\n\n발주자 주식회사 ${v.pick(['데이터댐', '온누리', '가람정보'])}(법인등록번호 ${ent('KR_CRN', v.crn())}, 사업자등록번호 ${ent('KR_BRN', v.brn())})와 수급자 ${v.person(undefined, 'topic')} 다음과 같이 계약한다.\n${FILLERS(v, 'contract', 4)}대금 입금 계좌: ${v.bankAccount()}\n담당자 이메일: ${ent('EMAIL', v.email())}\n`,
    (v) =>
      d`차량 매매 계약서\n차량번호: ${ent('VEHICLE_PLATE', v.vehiclePlate())}\n매도인: ${v.person(undefined, 'any')} (운전면허 ${ent('KR_DRIVER_LICENSE', v.driverLicence())})\n매수인: ${v.person(undefined, 'any')} (여권번호 ${ent('KR_PASSPORT', v.passport())})\n${FILLERS(v, 'contract', 3)}매매대금 ${v.negative('amount')}은 ${v.bankAccount()}로 지급한다.\n`,
    (v) =>
      d`서버 호스팅 계약 부속서\n고정 IP: ${ent('IP_ADDRESS', v.ip())}, ${ent('IP_ADDRESS', v.ip())}\n관리자: ${v.person(undefined, 'any')} ${ent('EMAIL', v.email())}\n${FILLERS(v, 'contract', 3)}결제 카드: ${ent('CREDIT_CARD', v.creditCard())}\n`,
  ],
  resume: [
    (v) => {
      const name = v.fullName();
      return d`[지원자 정보]\n이름 ${ent('PERSON', name)} | 연락처 ${ent('PHONE', v.phone())} | ${ent('EMAIL', v.email(name))}\n현 거주지: ${ent('ADDRESS', v.address())}\n차량 소지: 예 (${ent('VEHICLE_PLATE', v.vehiclePlate())})\n${FILLERS(v, 'resume', 3)}급여 이체 계좌: ${v.bankAccount()}\n`;
    },
    (v) =>
      d`추천서\n\n${v.person(undefined, 'topic')} 제가 ${v.int(2, 6)}년간 지도한 학생으로, 성실함은 ${v.person(undefined, 'subject')} 늘 칭찬할 정도였습니다. ${FILLERS(v, 'resume', 2)}추천인 ${ent('PERSON', v.fullName())} 교수 (${ent('EMAIL', v.email())}, ${ent('PHONE', v.phone())})\n`,
    (v) => {
      const name = v.fullName();
      return d`이 력 서\n\n성명: ${ent('PERSON', name)}\n생년월일: ${v.negative('date')}\n주소: ${ent('ADDRESS', v.address())}\n휴대전화: ${ent('PHONE', v.phone())}\n이메일: ${ent('EMAIL', v.email(name))}\n\n[경력]\n${FILLERS(v, 'resume', 4)}[추천인] ${ent('PERSON', v.fullName())} 팀장 (${ent('PHONE', v.phone())})\n`;
    },
    (v) => {
      const name = v.fullName();
      return d`자기소개서\n\n저는 ${v.person(name, 'topic')} 데이터 엔지니어로 ${v.int(2, 12)}년간 일했습니다. ${FILLERS(v, 'resume', 3)}함께 일한 ${v.person(undefined, 'topic')} 저를 "끈기 있는 사람"이라고 평가했습니다. 연락은 ${ent('PHONE', v.phone())} 또는 ${ent('EMAIL', v.email(name))}로 부탁드립니다.\n`;
    },
    (v) =>
      d`입사지원서 (외국인)\n성명: ${ent('PERSON', v.fullName())}\n외국인등록번호: ${ent('KR_FRN', v.frn())}\n여권번호: ${ent('KR_PASSPORT', v.passport())}\n운전면허: ${ent('KR_DRIVER_LICENSE', v.driverLicence())}\n주소: ${ent('ADDRESS', v.address())}\n${FILLERS(v, 'resume', 3)}`,
    (v) =>
      d`경력증명서\n성명 ${ent('PERSON', v.fullName())} / 주민등록번호 ${ent('KR_RRN', v.rrn())}\n${FILLERS(v, 'resume', 3)}위 사실을 증명함. 발급 담당 ${v.person(undefined, 'any')} (${ent('PHONE', v.phone())})\n`,
  ],
  delivery: [
    (v) =>
      d`[새벽배송] 현관 앞 배송 요청\n주문자 ${ent('PERSON', v.fullName())} / ${ent('PHONE', v.phone())}\n배송지: (${v.negative('postal-code')}) ${ent('ADDRESS', v.address())}\n공동현관 출입: 호출 후 ${v.pick(['#', '*'])}${v.int(1000, 9999)}\n${FILLERS(v, 'delivery', 3)}`,
    (v) =>
      d`화물 인수증\n인수자: ${v.person(undefined, 'label')} (서명)\n운송 차량 ${ent('VEHICLE_PLATE', v.vehiclePlate())} / 기사 연락처 ${ent('PHONE', v.phone())}\n하차지: ${ent('ADDRESS', v.address())}\n${FILLERS(v, 'delivery', 3)}착불 운임 ${v.negative('amount')}\n`,
    (v) =>
      d`해외직구 통관 정보\n수취인 ${ent('PERSON', v.fullName())}\n여권번호 ${ent('KR_PASSPORT', v.passport())}\n주소 ${ent('ADDRESS', v.address())}\n${FILLERS(v, 'delivery', 2)}`,
    (v) =>
      d`[배송 메모]\n받는 분: ${v.person(undefined, 'any')}\n연락처: ${ent('PHONE', v.phone())}\n주소: ${ent('ADDRESS', v.address())}\n${FILLERS(v, 'delivery', 4)}`,
    (v) =>
      d`보내는 분 ${ent('PERSON', v.fullName())} ${ent('PHONE', v.phone())} → 받는 분 ${ent('PERSON', v.fullName())} ${ent('PHONE', v.phone())}\n배송지 ${ent('ADDRESS', v.address())}\n${FILLERS(v, 'delivery', 3)}`,
    (v) =>
      d`퀵서비스 요청\n출발: ${ent('ADDRESS', v.address())}\n도착: ${ent('ADDRESS', v.address())}\n기사님 차량 ${ent('VEHICLE_PLATE', v.vehiclePlate())}, 기사 ${v.person(undefined, 'any')} ${ent('PHONE', v.phone())}\n${FILLERS(v, 'delivery', 2)}`,
    (v) =>
      d`반품 접수 메모: ${v.person(undefined, 'possessive')} 반품 건. 회수지 ${ent('ADDRESS', v.address())}, 환불 계좌 ${v.bankAccount()}. ${FILLERS(v, 'delivery', 3)}`,
  ],
  chat: [
    (v) =>
      d`[고객 채팅 상담]\n고객: 주문 취소하고 싶어요. 주문번호 ${v.negative('order-number')}\n상담원: 주문자 성함과 휴대폰 번호 확인 부탁드립니다.\n고객: ${ent('PERSON', v.fullName())}, ${ent('PHONE', v.phone())}입니다\n상담원: 환불은 결제하신 카드(${ent('CREDIT_CARD', v.creditCard())})로 진행됩니다.\n${FILLERS(v, 'chat', 2)}`,
    (v) =>
      d`[서버 알림 채널]\n[${v.negative('time')}] 로그인 실패 5회: 계정 ${ent('EMAIL', v.email())}, 접속지 ${ent('IP_ADDRESS', v.ip())}\n[${v.negative('time')}] 관리자 ${v.person(undefined, 'subject')} 차단 해제함 (빌드 ${v.negative('version')})\n${FILLERS(v, 'chat', 2)}`,
    (v) => {
      const a = v.given();
      return d`[가족 단톡]\n아빠: ${ent('PERSON', a)}${hasFinal(a) ? '아' : '야'} 주민등록등본 필요하대\n나: 내 주민번호 ${ent('KR_RRN', v.rrn())} 이거 맞지?\n엄마: 건강보험증 번호는 ${ent('KR_HEALTH_INSURANCE', v.healthInsurance())}\n${FILLERS(v, 'chat', 2)}`;
    },
    (v) => {
      const a = v.given();
      return d`[단톡방] 동창회\n[오후 1:02] ${ent('PERSON', v.fullName())}: 다음 주 모임 장소 정했어?\n[오후 1:05] ${ent('PERSON', v.fullName())}: 응 ${ent('ADDRESS', v.address())}로 하자\n${FILLERS(v, 'chat', 3)}[오후 1:20] 총무: 회비는 ${v.bankAccount()} 으로 보내줘\n[오후 1:21] ${ent('PERSON', a)}${hasFinal(a) ? '아' : '야'} 너 번호 바뀌었지? ${ent('PHONE', v.phone())} 맞아?\n`;
    },
    (v) =>
      d`[카톡] ${v.negative('date')}\n엄마: ${v.person(undefined, 'subject')} 전화했더라\n나: 응 아까 통화함\n${FILLERS(v, 'chat', 3)}엄마: 택배 주소 ${ent('ADDRESS', v.address())} 맞지?\n나: 응 ㅇㅇ\n`,
    (v) =>
      d`[업무 메신저]\n${ent('PERSON', v.fullName())}: 서버 ${ent('IP_ADDRESS', v.ip())} 접속이 안 돼요\n${ent('PERSON', v.fullName())}: 방화벽 열어뒀어요. 배포 버전 ${v.negative('version')}\n${FILLERS(v, 'chat', 2)}${ent('PERSON', v.fullName())}: 법인카드 ${ent('CREDIT_CARD', v.creditCard())}로 결제했습니다\n`,
    (v) =>
      d`[중고거래 채팅]\n판매자: 직거래 가능해요. ${ent('ADDRESS', v.address())} 근처요\n구매자: 입금은 어디로 할까요?\n판매자: ${v.bankAccount()} ${ent('PERSON', v.fullName())}입니다\n${FILLERS(v, 'chat', 2)}구매자: 제 차 ${ent('VEHICLE_PLATE', v.vehiclePlate())} 타고 갈게요\n`,
    (v) =>
      d`[${v.negative('time')}] ${ent('PERSON', v.fullName())}: 주민번호 ${ent('KR_RRN', v.rrn())} 여기 써서 보내면 돼?\n[${v.negative('time')}] ${ent('PERSON', v.fullName())}: 아니 그거 카톡으로 보내지 마 ㅠ\n${FILLERS(v, 'chat', 3)}`,
  ],
};

function FILLERS(v: Values, kind: DocumentKind, max: number): Piece[] {
  const out: Piece[] = [];
  const count = v.int(1, max);
  for (let i = 0; i < count; i++) {
    out.push(v.pick(FILLER[kind])(v));
    if (kind === 'complaint' || kind === 'resume') out.push(' ');
  }
  return out;
}

/** Closing lines; each holds ordinary words that begin like a surname (이상, 정도, 조사, 최근, 신속, 장기…). */
const CLOSINGS: Array<(v: Values) => Piece[]> = [
  () => d`\n이상입니다.`,
  () => d`\n정도껏 처리 부탁드립니다.`,
  () => d`\n조사 결과 회신 바랍니다.`,
  () => d`\n최선을 다하겠습니다.`,
  () => d`\n신속한 처리 바랍니다.`,
  () => d`\n장기간 미처리 시 재민원 예정.`,
  () => d`\n김치 등 식품은 냉장 보관.`,
  () => d`\n이상 끝. 고맙습니다.`,
  () => d`\n최근 변경 사항을 반영했습니다.`,
  () => d`\n박스 포장 상태 양호함.`,
];

/** A reference line with a look-alike number, so that every document has at least one. */
const REFERENCES: Array<(v: Values) => Piece[]> = [
  (v) => d`\n(문서번호 ${v.negative('case-number')})`,
  (v) => d`\n작성일 ${v.negative('date')} ${v.negative('time')}`,
  (v) => d`\n관련 주문 ${v.negative('order-number')}`,
  (v) => d`\n근거: ${v.negative('statute')}`,
  (v) => d`\n시스템 버전 ${v.negative('version')}`,
  (v) => d`\n운송장 ${v.negative('tracking-number')}`,
];

export interface CorpusOptions {
  seed: number;
  /** Stop once the UTF-8 size of the texts reaches this many bytes. */
  targetBytes: number;
}

/**
 * Generates documents until their texts reach `targetBytes` (UTF-8), cycling through the kinds.
 *
 * @example const docs = generateCorpus(await loadPlaces(), { seed: 6, targetBytes: 5 * 2 ** 20 });
 */
export function generateCorpus(places: Places, options: CorpusOptions): CorpusDocument[] {
  const v = new Values(options.seed, places);
  const documents: CorpusDocument[] = [];
  let bytes = 0;
  for (let n = 0; bytes < options.targetBytes; n++) {
    const kind = DOCUMENT_KINDS[n % DOCUMENT_KINDS.length]!;
    const pieces: Piece[] = [];
    // Real documents in a batch are often several records together: one to three per document.
    const records = v.int(1, 3);
    for (let r = 0; r < records; r++) {
      if (r > 0) pieces.push('\n\n');
      pieces.push(v.pick(TEMPLATES[kind])(v));
    }
    pieces.push(v.pick(CLOSINGS)(v));
    let assembled = assemble(pieces);
    if (assembled.negatives.length === 0 || v.chance(0.3)) {
      pieces.push(v.pick(REFERENCES)(v));
      assembled = assemble(pieces);
    }
    const doc = { id: `${kind}-${String(n).padStart(6, '0')}`, kind, ...assembled };
    bytes += Buffer.byteLength(doc.text, 'utf8');
    documents.push(doc);
  }
  return documents;
}
