import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { coversWholeInternet, isIpv4Cidr, NON_PUBLIC_IPV4_CIDRS } from "./cidr";

describe("coversWholeInternet (issue 32: a per-CIDR /0 check let 0.0.0.0/1 + 128.0.0.0/1 through)", () => {
  const cases: [string[], boolean][] = [
    [["0.0.0.0/0"], true],
    [["0.0.0.0/1", "128.0.0.0/1"], true],
    [["128.0.0.0/1", "0.0.0.0/1"], true],
    // Every quarter but the private and reserved blocks' own: still every public address.
    [["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/3"], true],
    // The public internet without 10/8 and the other non-public blocks is still the public internet.
    [
      [
        "1.0.0.0/8",
        "2.0.0.0/7",
        "4.0.0.0/6",
        "8.0.0.0/7",
        "11.0.0.0/8",
        "12.0.0.0/6",
        "16.0.0.0/4",
        "32.0.0.0/3",
        "64.0.0.0/2",
        "128.0.0.0/1",
      ],
      true,
    ],
    [["0.0.0.0/1"], false],
    [["0.0.0.0/1", "128.0.0.0/2"], false],
    [["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/4"], false],
    [["198.51.100.0/24", "203.0.113.0/24"], false],
    [[], false],
  ];
  for (const [cidrs, expected] of cases) {
    it(`${JSON.stringify(cidrs)} → ${expected}`, () => assert.equal(coversWholeInternet(cidrs), expected));
  }

  it("the non-public table is canonical CIDRs (a typo would widen or narrow 'the internet')", () => {
    for (const cidr of NON_PUBLIC_IPV4_CIDRS) assert.ok(isIpv4Cidr(cidr), cidr);
    assert.equal(coversWholeInternet([]), false, "the non-public blocks alone are not the internet");
  });
});
