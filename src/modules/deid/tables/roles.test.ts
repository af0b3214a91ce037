import { describe, expect, it } from 'vitest';
import { suggestColumnRole, suggestColumnRoles } from './roles.js';

describe('column roles', () => {
  it.each([
    ['성명', 'direct'],
    ['환자 이름', 'direct'],
    ['주민등록번호', 'direct'],
    ['연락처', 'direct'],
    ['휴대폰번호', 'direct'],
    ['E-mail', 'direct'],
    ['계좌번호', 'direct'],
    ['여권번호', 'direct'],
    ['생년월일', 'quasi'],
    ['연령', 'quasi'],
    ['성별', 'quasi'],
    ['주소', 'quasi'],
    ['시군구', 'quasi'],
    ['우편번호', 'quasi'],
    ['직업', 'quasi'],
    ['입원일', 'quasi'],
    ['병명', 'sensitive'],
    ['주진단코드', 'sensitive'],
    ['연소득', 'sensitive'],
    ['종교', 'sensitive'],
    ['사업장명', 'other'],
    ['사망자수', 'other'],
  ] as const)('%s → %s by its name', (name, role) => {
    expect(suggestColumnRole(name).role).toBe(role);
  });

  it('lets content outrank the name: RRNs, phones and e-mail in an innocent column are direct identifiers', () => {
    const rrn = suggestColumnRole('비고', ['900101-1234567', '851231-2345678', '']);
    expect(rrn).toMatchObject({ role: 'direct', reason: 'values look like resident registration numbers (2 of 2)' });
    expect(rrn.confidence).toBeGreaterThan(0.9);
    expect(suggestColumnRole('memo', ['010-1234-5678', '02-420-5560', '031)889-9591']).role).toBe('direct');
    expect(suggestColumnRole('x', ['a@b.kr', 'c.d@e.co.kr']).role).toBe('direct');
    // 13 digits that are not a date are no RRN; a minority of matches does not decide.
    expect(suggestColumnRole('번호', ['991399-1234567']).role).toBe('other');
    expect(suggestColumnRole('비고', ['010-1234-5678', '없음', '없음', '없음']).role).toBe('other');
  });

  it('reads a real header: 산후조리업 (phones found by content, addresses and postcodes by name)', () => {
    const header = ['번호', '소재지전화', '소재지우편번호', '소재지전체주소', '사업장명'];
    const rows = [['1', '02-420-5560', '138-849', '서울특별시 송파구 송파1동 31번지', '뉴더퀸산후조리원']];
    expect(suggestColumnRoles(header, rows).map((s) => s.role)).toEqual(['other', 'direct', 'quasi', 'quasi', 'other']);
  });
});
