/** IPv4 CIDR parsing, the one implementation config's checks and the subnet arithmetic share. */

/** `a.b.c.d/n` as [base address as a number, prefix length], or undefined when it is not canonical IPv4. */
export function parseIpv4Cidr(value: string): [base: number, prefix: number] | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o, i) => o > 255 || String(o) !== match[i + 1]) || prefix > 32) return undefined;
  return [octets.reduce((acc, o) => acc * 256 + o, 0), prefix];
}

/** A canonical IPv4 CIDR: valid octets and prefix, no host bits set. */
export function isIpv4Cidr(value: string): boolean {
  const parsed = parseIpv4Cidr(value);
  return parsed !== undefined && parsed[0] % 2 ** (32 - parsed[1]) === 0;
}

export function formatIpv4Cidr(base: number, prefix: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256);
  return `${octets.join(".")}/${prefix}`;
}

/** CIDRs that open a port to the whole internet. */
export function isWholeInternet(cidr: string): boolean {
  return cidr.trim().endsWith("/0");
}

/**
 * IPv4 ranges that are not the public internet: IANA's special-purpose registry entries that are not
 * "Globally Reachable" (RFC 6890 as updated; https://www.iana.org/assignments/iana-ipv4-special-registry,
 * read 2026-12-07), plus multicast (224.0.0.0/4, RFC 5771). A set of CIDRs that covers every address
 * outside these opens the port to everyone as surely as 0.0.0.0/0 does.
 */
export const NON_PUBLIC_IPV4_CIDRS = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
] as const;

/**
 * True when the CIDRs together cover every public IPv4 address: `0.0.0.0/0`, but also `0.0.0.0/1` +
 * `128.0.0.0/1`, or any split of the internet that a per-CIDR "/0" check lets through. Invalid entries
 * are ignored (the caller reports them).
 */
export function coversWholeInternet(cidrs: readonly string[]): boolean {
  const ranges = [...cidrs, ...NON_PUBLIC_IPV4_CIDRS]
    .map((cidr) => parseIpv4Cidr(cidr.trim()))
    .filter((parsed): parsed is [number, number] => parsed !== undefined)
    .map(([base, prefix]): [number, number] => {
      const size = 2 ** (32 - prefix);
      const start = base - (base % size);
      return [start, start + size];
    })
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  for (const [start, end] of ranges) {
    if (start > covered) return false;
    covered = Math.max(covered, end);
  }
  return covered >= 2 ** 32;
}
