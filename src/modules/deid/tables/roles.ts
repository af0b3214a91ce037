/**
 * Column roles for table de-identification, suggested from a column's name (Korean or English) and
 * a sample of its values. The roles follow the Korean pseudonymisation guideline (가명정보 처리
 * 가이드라인) and the usual k-anonymity vocabulary:
 * - direct identifier (식별자): names, resident registration numbers, phones, e-mail, accounts, passports — remove or pseudonymise;
 * - quasi-identifier (준식별자): birth date, age, sex, address, postcode, job, school, admission dates — generalise;
 * - sensitive (민감정보): disease, diagnosis, income, crime, religion — keep, but measure l-diversity and t-closeness;
 * - other.
 * Content outranks the name: a column whose values look like RRNs or phone numbers is a direct
 * identifier whatever it is called, because a mislabelled identifier is the costliest mistake.
 */

export const COLUMN_ROLES = ['direct', 'quasi', 'sensitive', 'other'] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];

export interface ColumnRoleSuggestion {
  column: string;
  role: ColumnRole;
  /** Why, in English: the name keyword or the content pattern that decided. */
  reason: string;
  /** 0–1: 0.9+ content evidence or an exact name, about 0.7 a name keyword, 0.5 nothing found. */
  confidence: number;
}

interface NameRule {
  role: Exclude<ColumnRole, 'other'>;
  /** Matched against the lower-cased name with spaces, underscores and hyphens removed. */
  pattern: RegExp;
  what: string;
}

// Order matters: the first rule that matches decides, so the more specific names come first
// (생년월일 before 성명-like "명", 주민등록번호 before a bare 번호, 진료일 before 진료 as a diagnosis word).
const NAME_RULES: NameRule[] = [
  { role: 'direct', pattern: /주민(등록)?번호|rrn|residentregistration|외국인등록번호/, what: 'resident registration number' },
  { role: 'direct', pattern: /여권번호|passport/, what: 'passport number' },
  { role: 'direct', pattern: /운전면허번호|driverlicen[cs]e/, what: 'driver licence number' },
  { role: 'direct', pattern: /계좌번호|계좌|bankaccount|accountnumber|iban/, what: 'bank account' },
  { role: 'direct', pattern: /카드번호|cardnumber|creditcard/, what: 'card number' },
  { role: 'direct', pattern: /이메일|전자우편|e?mail/, what: 'e-mail address' },
  { role: 'direct', pattern: /휴대폰|휴대전화|핸드폰|전화번호|연락처|전화|phone|mobile|tel(ephone)?$|^tel|fax|팩스/, what: 'phone number' },
  { role: 'direct', pattern: /건강보험증번호|보험증번호|healthinsurance/, what: 'health insurance number' },
  { role: 'direct', pattern: /차량번호|licenseplate|plate/, what: 'vehicle plate' },
  { role: 'direct', pattern: /^ip$|ip주소|ipaddress/, what: 'IP address' },
  { role: 'quasi', pattern: /생년월일|생일|birth|dob/, what: 'birth date' },
  {
    role: 'direct',
    pattern: /^(성명|이름|성함|환자명|고객명|회원명|대표자명?|담당자명?|name|fullname|firstname|lastname|surname|patientname)$/,
    what: 'person name',
  },
  { role: 'direct', pattern: /(환자|고객|회원|대표자|담당자|보호자)(성명|이름|명)$|성명$|이름$/, what: 'person name' },
  { role: 'quasi', pattern: /나이|연령|^age$|age(group|band)?$/, what: 'age' },
  { role: 'quasi', pattern: /성별|^sex$|gender/, what: 'sex' },
  { role: 'quasi', pattern: /우편번호|postcode|postalcode|zip/, what: 'postal code' },
  { role: 'quasi', pattern: /주소|소재지|거주지|시군구|시도|읍면동|address|city|district|region|지역/, what: 'address or area' },
  { role: 'quasi', pattern: /직업|직종|직위|직급|occupation|job|profession/, what: 'occupation' },
  { role: 'quasi', pattern: /학교|학력|school|education/, what: 'school or education' },
  { role: 'quasi', pattern: /입원일|퇴원일|진료일|내원일|수술일|방문일|admission|discharge|visitdate/, what: 'event date' },
  { role: 'quasi', pattern: /국적|인종|nationality|ethnic/, what: 'nationality' },
  { role: 'quasi', pattern: /혼인|결혼|marital/, what: 'marital status' },
  { role: 'sensitive', pattern: /병명|진단|질병|질환|상병|disease|diagnos|illness|icd/, what: 'health condition' },
  { role: 'sensitive', pattern: /소득|연봉|급여|재산|income|salary|wage/, what: 'income' },
  { role: 'sensitive', pattern: /범죄|전과|형벌|crime|criminal|conviction/, what: 'criminal record' },
  { role: 'sensitive', pattern: /종교|religio/, what: 'religion' },
  { role: 'sensitive', pattern: /정당|정치|사상|political/, what: 'political opinion' },
  { role: 'sensitive', pattern: /장애|disabilit/, what: 'disability' },
  { role: 'sensitive', pattern: /유전|genetic|성적지향|sexualorientation/, what: 'genetic or sexual data' },
];

interface ContentRule {
  role: Exclude<ColumnRole, 'other'>;
  what: string;
  test: (value: string) => boolean;
}

/** YYMMDD-GNNNNNN with a real calendar date and a gender/century digit 1–8 (9, 0 for 1800s are obsolete). */
function looksLikeRrn(value: string): boolean {
  const m = /^(\d{2})(\d{2})(\d{2})-?([1-8])\d{6}$/.exec(value);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

const CONTENT_RULES: ContentRule[] = [
  { role: 'direct', what: 'resident registration numbers', test: looksLikeRrn },
  // Mobile 010/011/016–019, Seoul 02, regional 031–064, and 070/050x/15xx–18xx, with -, ), . or spaces.
  {
    role: 'direct',
    what: 'phone numbers',
    test: (v) => /^(\+82[- ]?)?\(?0(1[016789]|2|[3-6][1-5]|70|50\d)\)?[-). ]?\d{3,4}[-. ]?\d{4}$|^1[5-8]\d{2}-\d{4}$/.test(v),
  },
  { role: 'direct', what: 'e-mail addresses', test: (v) => /^[\w.+-]+@[\w-]+(\.[\w-]+)+$/.test(v) },
  { role: 'direct', what: 'card numbers', test: (v) => /^\d{4}[- ]\d{4}[- ]\d{4}[- ]\d{4}$/.test(v) },
  { role: 'direct', what: 'passport numbers', test: (v) => /^[MSROD]\d{8}$|^[MSROD]\d{3}[A-Z]\d{4}$/.test(v) },
];

/** Share of non-empty sampled values that must match a content pattern for it to decide. */
const CONTENT_SHARE = 0.5;

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[\s_\-().]/g, '');
}

/**
 * Suggests the role of one column from its name and up to a few hundred sample values.
 *
 * @example
 * suggestColumnRole('연락처', ['010-1234-5678']) // { column: '연락처', role: 'direct', reason: 'values look like phone numbers (1 of 1)', confidence: 0.99 }
 * suggestColumnRole('진단명', ['J45'])           // role 'sensitive', reason 'name suggests health condition'
 */
export function suggestColumnRole(column: string, samples: readonly string[] = []): ColumnRoleSuggestion {
  const values = samples.map((s) => s.trim()).filter((s) => s !== '');
  for (const rule of CONTENT_RULES) {
    if (values.length === 0) break;
    const hits = values.filter(rule.test).length;
    if (hits / values.length >= CONTENT_SHARE) {
      return {
        column,
        role: rule.role,
        reason: `values look like ${rule.what} (${hits} of ${values.length})`,
        confidence: Math.min(0.99, 0.8 + 0.19 * (hits / values.length)),
      };
    }
  }
  const name = normaliseName(column);
  for (const rule of NAME_RULES) {
    if (rule.pattern.test(name)) {
      return { column, role: rule.role, reason: `name suggests ${rule.what}`, confidence: rule.role === 'direct' ? 0.8 : 0.7 };
    }
  }
  return { column, role: 'other', reason: 'no identifying name or content found', confidence: 0.5 };
}

/**
 * Suggests a role for every column of a table from its header and sample rows.
 *
 * @example
 * suggestColumnRoles(['성명', '성별', '병명'], [['홍길동', '남', '당뇨']]).map((s) => s.role) // ['direct', 'quasi', 'sensitive']
 */
export function suggestColumnRoles(header: readonly string[], sampleRows: readonly (readonly string[])[]): ColumnRoleSuggestion[] {
  return header.map((column, i) =>
    suggestColumnRole(
      column,
      sampleRows.map((row) => row[i] ?? ''),
    ),
  );
}
