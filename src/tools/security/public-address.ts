import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

const privateRanges = new BlockList()
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  privateRanges.addSubnet(net, bits, 'ipv4')
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  privateRanges.addSubnet(net, bits, 'ipv6')
}

/**
 * True when an IP address is publicly routable: not loopback, private (RFC 1918, unique local),
 * link-local, carrier-grade NAT, multicast, unspecified or reserved. IPv4-mapped IPv6 addresses
 * are judged by their IPv4 part. Non-IP input → false.
 */
export function isPublicIP(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  const addr = mapped ? mapped[1]! : ip
  const family = isIP(addr)
  if (family === 0) return false
  return !privateRanges.check(addr, family === 4 ? 'ipv4' : 'ipv6')
}

/**
 * Checks that a URL may be fetched on a user's behalf (SSRF protection, as for PocketBase's
 * OAuth2 avatar download): http or https only, and every address its host resolves to is
 * public. Throws an Error naming the reason otherwise.
 */
export async function assertPublicURL(url: URL): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Only http(s) URLs can be fetched, not ${url.protocol}`)
  }
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address)
  if (addresses.length === 0 || !addresses.every(isPublicIP)) {
    throw new Error(`Refusing to fetch ${url.host}: it is not a public address.`)
  }
}
