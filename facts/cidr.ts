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
