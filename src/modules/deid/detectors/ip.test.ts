import { describe, expect, it } from 'vitest';
import { detectEntities } from '../detect.js';
import { isIpv6 } from './ip.js';

function ips(text: string): string[] {
  return detectEntities(text, { types: ['IP_ADDRESS'] }).map((e) => text.slice(e.start, e.end));
}

describe('IP_ADDRESS', () => {
  it('finds IPv4 with particles after', () => {
    expect(ips('접속 IP 192.168.0.1에서 로그인')).toEqual(['192.168.0.1']);
    expect(ips('서버(10.0.0.254)와 8.8.8.8로')).toEqual(['10.0.0.254', '8.8.8.8']);
  });

  it('rejects octets out of range and version strings', () => {
    expect(ips('256.1.1.1, 1.2.3, v1.2.3.4, 10.0.19045.3803, 1.2.3.4.5, 2024.05.01')).toEqual([]);
  });

  it('finds IPv6 full, compressed and IPv4-suffixed forms', () => {
    expect(ips('주소 2001:0db8:85a3:0000:0000:8a2e:0370:7334로 접속')).toEqual(['2001:0db8:85a3:0000:0000:8a2e:0370:7334']);
    expect(ips('IPv6 2001:db8::8a2e:370:7334, fe80::1, ::ffff:192.0.2.1')).toEqual([
      '2001:db8::8a2e:370:7334',
      'fe80::1',
      '::ffff:192.0.2.1',
    ]);
  });

  it('validates IPv6 text forms', () => {
    expect(isIpv6('::1')).toBe(true);
    expect(isIpv6('1:2:3:4:5:6:7:8')).toBe(true);
    expect(isIpv6('1:2:3:4:5:6:7:8:9')).toBe(false);
    expect(isIpv6('1::2::3')).toBe(false);
    expect(isIpv6('12:30:45')).toBe(false);
    expect(isIpv6('12345::1')).toBe(false);
    expect(isIpv6('::ffff:999.0.0.1')).toBe(false);
  });

  it('needs context for single-digit octets, which are usually section numbers', () => {
    expect(ips('3.1.2.1 개요')).toEqual([]);
    expect(ips('DNS 서버 1.1.1.1 사용')).toEqual(['1.1.1.1']);
    expect(ips('IP 대역 10.0.0.0/8, 172.16.0.0/12')).toEqual([]);
  });

  it('ignores times, MAC addresses and C++ names', () => {
    expect(ips('14:30:15, 00:1A:2B:3C:4D:5E, std::vector, a::b::c')).toEqual([]);
  });
});

describe('IP_ADDRESS and software versions', () => {
  it('reads four dotted numbers after a product name or an update word as a version', () => {
    expect(ips('개발 환경: Node.js 4.21.239.139, PostgreSQL 15')).toEqual([]);
    expect(ips('공유기 펌웨어 6.30.155.207 적용 후 접속이 끊깁니다')).toEqual([]);
    expect(ips('앱 업데이트 12.8.173.38 했더니 자꾸 튕겨요')).toEqual([]);
  });

  it('still takes an address named as such', () => {
    expect(ips('서버 IP 10.0.12.7로 접속해 주세요')).toEqual(['10.0.12.7']);
    expect(ips('host 192.168.10.24 응답 없음')).toEqual(['192.168.10.24']);
  });
});
