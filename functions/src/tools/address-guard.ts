import { lookup as dnsLookup } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { AppError } from "../errors";

/**
 * Where a tool may not reach: loopback, private, link-local (cloud metadata lives there),
 * carrier-grade NAT, multicast, reserved and unspecified ranges, v4 and v6 alike. Loopback is
 * allowed only where the policy says so (the emulators, whose every service is local).
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const)
  blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
] as const)
  blocked.addSubnet(net, prefix, "ipv6");

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

export interface AddressPolicy {
  /** Loopback addresses are reachable: only under the emulators. */
  allowLoopback: boolean;
}

/** An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is judged as the IPv4 address it carries. */
const unmapped = (address: string): string => {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1] : address;
};

/** Why an address may not be reached, or null when it may. */
export function forbiddenReason(address: string, policy: AddressPolicy): string | null {
  const ip = unmapped(address);
  const family = isIP(ip) === 6 ? "ipv6" : "ipv4";
  if (isIP(ip) === 0) return "is not an IP address";
  if (loopback.check(ip, family)) return policy.allowLoopback ? null : "is a loopback address";
  if (blocked.check(ip, family)) return "is a private, link-local or reserved address";
  return null;
}

export const refusedAddress = (host: string, address: string, reason: string): AppError =>
  new AppError("permission_denied", `tool address refused: ${host} resolves to ${address}, which ${reason}`);

/** How a host name becomes addresses; a test may hand in one that changes its mind. */
export type Resolver = LookupFunction;

/**
 * A `lookup` for `net.connect` that refuses a forbidden address: the check is on the address the
 * socket then connects to, so a name that resolves differently a second time (DNS rebinding)
 * cannot slip past a check made earlier.
 */
export function guardedLookup(policy: AddressPolicy, resolve: Resolver = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = (Array.isArray(addresses) ? addresses : [{ address: addresses, family: 4 }]) as Array<{
        address: string;
        family: number;
      }>;
      const refused = list.map((entry) => [entry, forbiddenReason(entry.address, policy)] as const);
      const bad = refused.find(([, reason]) => reason !== null);
      if (bad || list.length === 0) {
        const [entry, reason] = bad ?? [{ address: "nothing" }, "cannot be reached"];
        return callback(refusedAddress(hostname, entry.address, reason ?? ""), "", 0);
      }
      if (options.all) return callback(null, list as never);
      callback(null, list[0].address, list[0].family);
    });
  };
}
