import { BlockList, isIP } from 'node:net'

const compiled = new WeakMap<readonly string[], BlockList>()

/**
 * True when `ip` is one of `list`'s addresses or inside one of its CIDR ranges (`10.0.0.0/8`,
 * `2001:db8::/32`); entries that are not IPs are ignored. The compiled list is cached per array
 * (settings arrays are replaced, never mutated, when settings change).
 */
export function matchesIPList(list: readonly string[], ip: string): boolean {
  if (list.length === 0 || isIP(ip) === 0) return false
  let blocks = compiled.get(list)
  if (blocks === undefined) {
    blocks = new BlockList()
    for (const entry of list) {
      const [addr = '', bits] = entry.trim().split('/')
      const family = isIP(addr)
      if (family === 0) continue
      const type = family === 6 ? 'ipv6' : 'ipv4'
      if (bits === undefined) blocks.addAddress(addr, type)
      else blocks.addSubnet(addr, Number(bits), type)
    }
    compiled.set(list, blocks)
  }
  return blocks.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4')
}
