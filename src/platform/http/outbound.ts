/**
 * The outbound policy of the platform's HTTP client (SSRF guard): which addresses a fetch of another
 * system's URL may reach. By default only public unicast addresses: no loopback, private (RFC 1918),
 * shared (CGNAT), link-local, unique-local, multicast or reserved ones, also when an IPv6 address
 * carries one of those IPv4 addresses inside (mapped, NAT64, 6to4).
 */
import dns from 'node:dns';
import net from 'node:net';

/** Thrown when the policy refuses an address (or an answer); trying again will not help. */
export class OutboundRefusedError extends Error {
  override name = 'OutboundRefusedError';
}

const V4_RANGES: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'special-purpose'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];
const V6_RANGES: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

function blockList(ranges: Array<[string, number, string]>, type: 'ipv4' | 'ipv6') {
  return ranges.map(([net_, prefix, label]) => {
    const list = new net.BlockList();
    list.addSubnet(net_, prefix, type);
    return { list, label };
  });
}
const V4 = blockList(V4_RANGES, 'ipv4');
const V6 = blockList(V6_RANGES, 'ipv6');

/** An IPv6 address as its eight 16-bit groups (an embedded dotted quad included); undefined if it is not one. */
function hextets(ip: string): number[] | undefined {
  if (net.isIPv6(ip) === false) return undefined;
  let text = ip.toLowerCase().replace(/%.*$/, '');
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -quad[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s === undefined || s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const left = part(head);
  const right = part(tail);
  const groups = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 ? groups : undefined;
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/** The IPv4 address an IPv6 one carries (IPv4-mapped, IPv4-compatible, NAT64, 6to4), if any. */
function embeddedV4(groups: number[]): string | undefined {
  const zeros = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (zeros(0, 5) && groups[5] === 0xffff) return v4Of(groups[6]!, groups[7]!);
  if (zeros(0, 6) && (groups[6] !== 0 || groups[7]! > 1)) return v4Of(groups[6]!, groups[7]!);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return v4Of(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return v4Of(groups[1]!, groups[2]!);
  return undefined;
}

/**
 * Why an IP address is not a public one (e.g. 'loopback', 'private'), or null when it is.
 *
 * @example nonPublicReason('10.1.2.3') // 'private'
 * @example nonPublicReason('::ffff:127.0.0.1') // 'loopback'
 * @example nonPublicReason('93.184.216.34') // null
 */
export function nonPublicReason(ip: string): string | null {
  const address = ip.replace(/^\[|\]$/g, '');
  if (net.isIPv4(address)) return V4.find((r) => r.list.check(address, 'ipv4'))?.label ?? null;
  const groups = hextets(address);
  if (!groups) return 'invalid';
  const v4 = embeddedV4(groups);
  if (v4 !== undefined) return nonPublicReason(v4);
  const canonical = groups.map((g) => g.toString(16)).join(':');
  return V6.find((r) => r.list.check(canonical, 'ipv6'))?.label ?? null;
}

/** A URL's host without IPv6 brackets. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/** Why an address may not be reached, or null when it may. */
export type AddressPolicy = (address: string) => string | null;

/** The policy for a deployment: public addresses only, or anything when private ones are allowed. */
export const addressPolicy = (allowPrivate: boolean): AddressPolicy => (allowPrivate ? () => null : nonPublicReason);

/**
 * Refuses an address the policy does not allow; used on IP literals and on every address a name
 * resolves to.
 */
export function assertAllowedAddress(host: string, address: string, policy: AddressPolicy): void {
  const reason = policy(address);
  if (reason !== null) {
    const what = host === address ? address : `${host} resolves to ${address}, which`;
    throw new OutboundRefusedError(`${what} is a ${reason} address; this deployment harvests public addresses only`);
  }
}

/**
 * A `lookup` for node:net that resolves as usual and refuses names that resolve to an address the
 * policy does not allow, so the check happens on the very address the socket connects to (no DNS
 * rebinding between a check and the connection).
 */
export function guardedLookup(policy: AddressPolicy): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      try {
        if (addresses.length === 0) throw new OutboundRefusedError(`${hostname} did not resolve to any address`);
        for (const a of addresses) assertAllowedAddress(hostname, a.address, policy);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, '', 0);
      }
      if ((options as { all?: boolean }).all === true)
        return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * Whether the platform may fetch `url` (see `OutboundUrlCheck`): http(s) only, and, unless private
 * addresses are allowed, a host that is or resolves to public addresses only.
 *
 * @example await checkOutboundUrl('http://127.0.0.1:8080/', addressPolicy(false)) // '127.0.0.1 is a loopback address; …'
 */
export async function checkOutboundUrl(url: string, policy: AddressPolicy): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'only http and https URLs can be fetched';
  if (parsed.username !== '' || parsed.password !== '') return 'URLs with credentials in them are not accepted';
  const host = hostOf(parsed);
  try {
    if (net.isIP(host) !== 0) {
      assertAllowedAddress(host, host, policy);
      return null;
    }
    let addresses: dns.LookupAddress[];
    try {
      addresses = await dns.promises.lookup(host, { all: true });
    } catch {
      return `${host} does not resolve`;
    }
    if (addresses.length === 0) return `${host} does not resolve`;
    for (const a of addresses) assertAllowedAddress(host, a.address, policy);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
