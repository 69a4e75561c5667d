/**
 * `SockAddr`, the TypeScript shape of `sockaddr_in` / `sockaddr_in6`, and its
 * checks. Addresses are IP literals, as in C: no host names are resolved.
 *
 * @module
 */

import { AF_INET, AF_INET6 } from "./constants.ts";
import { WSA } from "./errors.ts";

/** A socket address: family (AF_INET or AF_INET6), IP literal, port. Out-parameters are filled in place. */
export interface SockAddr {
  /** AF_INET (2) or AF_INET6 (23). */
  family: number;
  /** An IP literal: "127.0.0.1", "0.0.0.0", "::1", "::". */
  address: string;
  /** The port, 0 to 65535 (0 in bind: any free port). */
  port: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for a dotted-quad IPv4 literal. */
export function isIPv4(address: string): boolean {
  return IPV4.test(address);
}

/** True for an IPv6 literal (no brackets, no zone). */
export function isIPv6(address: string): boolean {
  if (!address.includes(":") || /[^0-9a-fA-F:.]/.test(address)) return false;
  try {
    new URL(`http://[${address}]/`);
    return true;
  } catch {
    return false;
  }
}

/**
 * An IP literal in its one canonical spelling ("::1" for "0:0:0:0:0:0:0:1";
 * IPv4 literals are already canonical), so addresses compare as strings.
 */
export function canonicalAddress(address: string): string {
  return isIPv6(address) ? new URL(`http://[${address}]/`).hostname.slice(1, -1) : address;
}

/** The family of an IP literal, or 0 when it is not one. */
export function familyOf(address: string): number {
  return isIPv4(address) ? AF_INET : isIPv6(address) ? AF_INET6 : 0;
}

/**
 * Checks a `SockAddr` argument for a socket of family `af`. Returns 0 or a
 * Winsock code: WSAEFAULT for null/undefined (C's NULL pointer), WSAEAFNOSUPPORT
 * for a family that is not the socket's, WSAEINVAL for an address that is not an
 * IP literal of that family or a port outside [0, 65535]. Throws TypeError when
 * `name` is not an object or its fields have the wrong JavaScript types.
 */
export function checkSockAddr(name: unknown, af: number, what = "name"): number {
  if (name === null || name === undefined) return WSA.WSAEFAULT;
  if (typeof name !== "object") throw new TypeError(`${what} must be a SockAddr object, got ${typeof name}`);
  const { family, address, port } = name as Partial<SockAddr>;
  if (typeof family !== "number") throw new TypeError(`${what}.family must be a number`);
  if (typeof address !== "string") throw new TypeError(`${what}.address must be a string (an IP literal)`);
  if (typeof port !== "number") throw new TypeError(`${what}.port must be a number`);
  if (family !== af) return WSA.WSAEAFNOSUPPORT;
  if (familyOf(address) !== af) return WSA.WSAEINVAL;
  if (!Number.isInteger(port) || port < 0 || port > 65535) return WSA.WSAEINVAL;
  return 0;
}

/**
 * Checks an optional out-parameter before anything is done with it:
 * undefined/null is allowed; anything else must be an object whose `fields` can
 * be written (not frozen, not read-only), so that filling it later cannot fail
 * after a connection has been taken. Throws TypeError.
 */
export function checkOutParam(out: unknown, what: string, fields: readonly string[] = []): void {
  if (out === undefined || out === null) return;
  if (typeof out !== "object") throw new TypeError(`${what} must be an object to fill, got ${typeof out}`);
  for (const field of fields) {
    const own = Object.getOwnPropertyDescriptor(out, field);
    const writable = own ? own.writable === true || own.set !== undefined : Object.isExtensible(out);
    if (!writable) throw new TypeError(`${what}.${field} cannot be written`);
  }
}

/** The fields of a SockAddr out-parameter. */
export const SOCKADDR_FIELDS: readonly string[] = ["family", "address", "port"];

/** Fills `out` (if given) with `from`. */
export function fillSockAddr(out: SockAddr | undefined | null, from: SockAddr): void {
  if (!out) return;
  out.family = from.family;
  out.address = from.address;
  out.port = from.port;
}

/** A Deno network address as a SockAddr. */
export function fromDenoAddr(addr: Deno.NetAddr): SockAddr {
  const hostname = addr.hostname;
  // The common case first (once per accepted connection): an IPv4 literal as it is.
  if (!hostname.includes(":")) return { family: AF_INET, address: hostname, port: addr.port };
  const address = hostname.replace(/^\[|\]$/g, "");
  return { family: familyOf(address) || AF_INET, address, port: addr.port };
}

/** "a.b.c.d:port" or "[v6]:port", the key under which in-process peers find each other. */
export function addrKey(addr: SockAddr): string {
  return addr.family === AF_INET6 ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`;
}

/**
 * True for an address no socket can be bound to: an IPv4 multicast address
 * (224.0.0.0/4), the IPv4 broadcast address, an IPv6 multicast address (ff00::/8).
 */
export function isGroupAddress(address: string): boolean {
  if (isIPv4(address)) {
    const first = Number(address.slice(0, address.indexOf(".")));
    return (first >= 224 && first <= 239) || address === "255.255.255.255";
  }
  return /^ff/i.test(canonicalAddress(address));
}

/** True for the wildcard addresses 0.0.0.0 and ::. */
export function isWildcard(address: string): boolean {
  return address === "0.0.0.0" || address === "::" || /^[0:]+$/.test(address);
}
