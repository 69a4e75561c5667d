/**
 * The address space of one in-memory transport: who holds which (address, port),
 * the ephemeral ports, and the address rules (which literals can be bound or reached).
 *
 * @module
 */

import { AF_INET, AF_INET6 } from "../../shared/constants.ts";
import { WinsockError, WSA } from "../../shared/errors.ts";
import { canonicalAddress, checkSockAddr, isWildcard, type SockAddr } from "../../shared/_sockaddr.ts";
import { MemoryConn } from "./_conn.ts";
import { type Binding, MemoryEndpoint } from "./_endpoint.ts";
import { Pipe } from "./_pipe.ts";

/** The ephemeral port range (IANA's, as Windows uses). */
const EPHEMERAL_FIRST = 49152;
const EPHEMERAL_LAST = 65535;

/** The address space of one transport: who holds which (address, port), and the counters. */
export class Namespace {
  readonly bufferBytes: number;
  readonly maxEndpoints: number;
  readonly maxConnections: number;
  /** "family/port" → the bindings on that port. */
  readonly #ports = new Map<string, Binding[]>();
  #nextPort = EPHEMERAL_FIRST;
  #endpoints = 0;
  #connections = 0;
  #sides = 0;

  constructor(bufferBytes: number, maxEndpoints: number, maxConnections: number) {
    this.bufferBytes = bufferBytes;
    this.maxEndpoints = maxEndpoints;
    this.maxConnections = maxConnections;
  }

  get live(): number {
    return this.#endpoints + this.#sides;
  }

  bind(addr: SockAddr): MemoryEndpoint {
    const { family, address, port } = parseAddr(addr);
    if (!isWildcard(address) && !isLoopback(address)) {
      throw new WinsockError(
        WSA.WSAEADDRNOTAVAIL,
        `${address} is not an address of this host (loopback only)`,
      );
    }
    if (this.#endpoints >= this.maxEndpoints) {
      throw new WinsockError(WSA.WSAENOBUFS, `the transport's ${this.maxEndpoints} endpoints are in use`);
    }
    const chosen = port === 0 ? this.#freePort(family, address) : port;
    if (chosen < 0) throw new WinsockError(WSA.WSAEADDRINUSE, "no free port in the ephemeral range");
    if (port !== 0 && this.#taken(family, address, port)) {
      throw new WinsockError(WSA.WSAEADDRINUSE, `${address} port ${port}`);
    }
    const endpoint = new MemoryEndpoint({ family, address, port: chosen }, this);
    this.#take(family, chosen, { address, endpoint });
    this.#endpoints++;
    return endpoint;
  }

  unbind(endpoint: MemoryEndpoint): void {
    const { family, port } = endpoint.local;
    this.#release(family, port, (b) => b.endpoint === endpoint);
    this.#endpoints--;
  }

  connect(to: SockAddr, signal: AbortSignal): MemoryConn {
    if (signal?.aborted) throw new WinsockError(WSA.WSAETIMEDOUT, "connect timed out");
    const { family, address, port } = parseAddr(to, "to");
    if (isWildcard(address) || port === 0) {
      throw new WinsockError(WSA.WSAEADDRNOTAVAIL, "cannot connect to a wildcard address or port 0");
    }
    const bindings = this.#ports.get(portKey(family, port));
    const target = bindings?.find((b) => b.endpoint && b.address === address) ??
      bindings?.find((b) => b.endpoint && isWildcard(b.address));
    if (!target?.endpoint?.listening) {
      throw new WinsockError(WSA.WSAECONNREFUSED, `nothing listens at ${address} port ${port}`);
    }
    if (this.#connections >= this.maxConnections) {
      throw new WinsockError(WSA.WSAENOBUFS, `the transport's ${this.maxConnections} connections are in use`);
    }
    const clientAddress = isWildcard(target.address) ? (family === AF_INET6 ? "::1" : "127.0.0.1") : address;
    const clientPort = this.#freePort(family, clientAddress);
    if (clientPort < 0) throw new WinsockError(WSA.WSAENOBUFS, "no free ephemeral port for the connection");
    const clientBinding: Binding = { address: clientAddress };
    this.#take(family, clientPort, clientBinding);

    const serverLocal = { family, address, port };
    const clientLocal = { family, address: clientAddress, port: clientPort };
    const up = new Pipe(this.bufferBytes); // client → server
    const down = new Pipe(this.bufferBytes); // server → client
    let open = 2;
    const released = () => {
      this.#sides--;
      if (--open === 0) this.#connections--;
    };
    const server = new MemoryConn(serverLocal, { ...clientLocal }, up, down, released);
    const client = new MemoryConn(clientLocal, { ...serverLocal }, down, up, () => {
      this.#release(family, clientPort, (b) => b === clientBinding);
      released();
    });
    this.#connections++;
    this.#sides += 2;
    target.endpoint.deliver(server);
    return client;
  }

  /** Whether binding `address` on `port` would conflict with a binding already there. */
  #taken(family: number, address: string, port: number): boolean {
    const bindings = this.#ports.get(portKey(family, port));
    if (!bindings) return false;
    if (isWildcard(address)) return true;
    return bindings.some((b) => b.address === address || isWildcard(b.address));
  }

  /** The next free port of the ephemeral range for `address`, or -1 when all are taken. */
  #freePort(family: number, address: string): number {
    for (let i = EPHEMERAL_FIRST; i <= EPHEMERAL_LAST; i++) {
      const port = this.#nextPort;
      this.#nextPort = port === EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1;
      if (!this.#taken(family, address, port)) return port;
    }
    return -1;
  }

  #take(family: number, port: number, binding: Binding): void {
    const key = portKey(family, port);
    const bindings = this.#ports.get(key);
    if (bindings) bindings.push(binding);
    else this.#ports.set(key, [binding]);
  }

  #release(family: number, port: number, which: (b: Binding) => boolean): void {
    const key = portKey(family, port);
    const bindings = this.#ports.get(key);
    if (!bindings) return;
    const at = bindings.findIndex(which);
    if (at >= 0) bindings.splice(at, 1);
    if (bindings.length === 0) this.#ports.delete(key);
  }
}

/** 127.0.0.0/8 and ::1: the addresses the in-memory host has besides the wildcards. */
function isLoopback(address: string): boolean {
  return address.startsWith("127.") || address === "::1";
}

export function portKey(family: number, port: number): string {
  return `${family}/${port}`;
}

/**
 * Checks `addr` and returns it with its address in canonical form ("::1" for
 * "0:0::1"). Throws a WinsockError: WSAEFAULT (null), WSAEAFNOSUPPORT (family),
 * WSAEINVAL (not an IP literal of the family, or a port outside [0, 65535]),
 * WSAEADDRNOTAVAIL (multicast or broadcast); TypeError for wrong JavaScript types.
 */
export function parseAddr(addr: SockAddr, what = "addr"): SockAddr {
  const family = addr?.family === AF_INET6 ? AF_INET6 : AF_INET;
  const bad = checkSockAddr(addr, family, what);
  if (bad) {
    throw new WinsockError(
      bad,
      addr ? `${what} ${JSON.stringify(addr.address)} port ${addr.port}` : `${what} is null`,
    );
  }
  let address = addr.address;
  if (family === AF_INET6) {
    address = canonicalAddress(address);
    if (address.startsWith("ff")) {
      throw new WinsockError(WSA.WSAEADDRNOTAVAIL, `${address} is a multicast address`);
    }
  } else {
    const first = Number(address.slice(0, address.indexOf(".")));
    if (first >= 224 && first <= 239) {
      throw new WinsockError(WSA.WSAEADDRNOTAVAIL, `${address} is a multicast address`);
    }
    if (address === "255.255.255.255") throw new WinsockError(WSA.WSAEADDRNOTAVAIL, "the broadcast address");
  }
  return { family, address, port: addr.port };
}
