/**
 * The in-memory transport: listeners and clients of one process meet at
 * addresses in an in-process namespace, with no OS sockets. Every Winsock, SPI
 * and WSK call runs on it unchanged: `configure({ transport: new MemoryTransport() })`
 * swaps the process-wide provider (src/provider/runtime.ts).
 *
 * How it behaves, next to the TCP transport (src/transports/tcp_transport.ts):
 * - One namespace per `MemoryTransport` instance. Addresses are IP literals, as on
 *   TCP. The in-memory host has the loopback addresses (127.0.0.0/8, ::1) and the
 *   wildcards: a bind to another address is WSAEADDRNOTAVAIL, as on a host without
 *   it; a connect reaches any address a wildcard endpoint listens on. Port 0 takes
 *   the next free port of the ephemeral range 49152–65535 (wrapping, skipping
 *   ports in use).
 * - An (address, port) has one owner. A bind conflicts (WSAEADDRINUSE) with an
 *   endpoint or a client connection on the same address and port, and a wildcard
 *   (0.0.0.0, ::) conflicts with every address of its family on that port, and
 *   the other way round.
 * - `connect` is decided synchronously: with no listening endpoint at the
 *   address (nothing bound, or bound but not listening, as a closed port answers
 *   with a reset) it rejects with WSAECONNREFUSED at once; otherwise the server
 *   side is handed to the endpoint's pending accept (or queued for the next one)
 *   before `connect` resolves. So the provider's admission decision
 *   (src/provider/_local_peers.ts) reaches a refused client within the same macrotask: no
 *   timer is involved.
 * - There is no OS queue in front of the provider's: `listen(osBacklog)` validates
 *   the backlog and is done at once (it returns nothing, so a WSK listen
 *   completes with STATUS_SUCCESS), and every arrival is delivered to `accept`;
 *   admission and refusal are the provider's (SPEC L5).
 * - Each direction of a connection is a ring buffer of at most `bufferBytes`
 *   (allocated on first use, grown by doubling): `write` waits while it is full
 *   (back-pressure), `read` waits while it is empty. Unlike Deno's TCP, `reset()`
 *   is a real reset: the peer's reads and writes reject with WSAECONNRESET.
 *
 * @example Two ends of a connection in memory
 * ```ts
 * import { MemoryTransport } from "./memory_transport.ts";
 * const net = new MemoryTransport();
 * const endpoint = net.bind({ family: 2, address: "127.0.0.1", port: 0 });
 * endpoint.listen(16);
 * const client = await net.connect(endpoint.local, new AbortController().signal);
 * const server = await endpoint.accept();
 * await client.write(new TextEncoder().encode("hi"));
 * const buf = new Uint8Array(8);
 * const n = await server.read(buf);
 * console.log(new TextDecoder().decode(buf.subarray(0, n ?? 0))); // "hi"
 * client.close();
 * server.close();
 * endpoint.close();
 * console.log(net.live()); // 0
 * ```
 *
 * @module
 */

import type { SockAddr } from "../../shared/_sockaddr.ts";
import type { Endpoint, StreamConn, Transport } from "../transport.ts";
import { Namespace } from "./_namespace.ts";

export type { Endpoint, SockAddr, StreamConn, Transport };

/** How a `MemoryTransport` is set up. Every field has a documented default. */
export interface MemoryTransportOptions {
  /** Bytes buffered per direction of a connection, in [1, 2^30]. Default 65536 (64 KiB). */
  bufferBytes?: number;
  /** The most endpoints open at once; one more bind fails with WSAENOBUFS. Default 16384. */
  maxEndpoints?: number;
  /**
   * The most connections at once (a connection counts until both its sides are
   * closed or reset); one more connect fails with WSAENOBUFS. Default 16384.
   */
  maxConnections?: number;
}

const DEFAULTS = { bufferBytes: 64 * 1024, maxEndpoints: 16384, maxConnections: 16384 };

function checkLimit(value: number | undefined, fallback: number, max: number, what: string): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new RangeError(`${what} must be an integer in [1, ${max}]`);
  }
  return n;
}

/**
 * The in-memory transport: a namespace of addresses in this process, with no OS
 * sockets. Pass it to `configure` (or `new Provider`) and every Winsock, SPI and
 * WSK call runs on it unchanged. Needs no permissions.
 *
 * Errors (all WinsockError): `bind` throws WSAEADDRINUSE (address taken, or no
 * free ephemeral port), WSAEADDRNOTAVAIL (multicast or broadcast), WSAENOBUFS
 * (`maxEndpoints` reached), WSAEFAULT / WSAEAFNOSUPPORT / WSAEINVAL (bad
 * address); `connect` rejects with WSAECONNREFUSED (nothing listens there),
 * WSAEADDRNOTAVAIL (a wildcard address or port 0), WSAENOBUFS
 * (`maxConnections` reached or no free ephemeral port), WSAETIMEDOUT (`signal`
 * already aborted). On a connection, `read` and `write` reject with
 * WSAECONNRESET after the peer's reset (`write` also after the peer's close),
 * WSAEINTR when this side is closed while they wait, and WSAENOTSOCK once this
 * side is closed.
 *
 * @example The Winsock calls on the memory transport
 * ```ts
 * import { accept, AF_INET, bind, connect, getsockname, listen, MAKEWORD, socket, SOCK_STREAM, type SockAddr, WSACleanup, WSAStartup } from "../../../mod.ts";
 * import { configure } from "../../provider/runtime.ts";
 * import { MemoryTransport } from "./memory_transport.ts";
 * configure({ transport: new MemoryTransport() });
 * WSAStartup(MAKEWORD(2, 2));
 * const server = socket(AF_INET, SOCK_STREAM, 0);
 * bind(server, { family: AF_INET, address: "127.0.0.1", port: 0 });
 * listen(server, 1);
 * const name = {} as SockAddr;
 * getsockname(server, name);
 * const client = socket(AF_INET, SOCK_STREAM, 0);
 * await connect(client, name);
 * const peer = {} as SockAddr;
 * await accept(server, peer);
 * console.log(name.port >= 49152, peer.address); // true "127.0.0.1"
 * WSACleanup();
 * configure({}); // back to TCP
 * ```
 */
export class MemoryTransport implements Transport {
  /** Always "memory". */
  readonly name = "memory";
  /** Bytes buffered per direction of a connection. */
  readonly bufferBytes: number;
  readonly #namespace: Namespace;

  /**
   * Makes an empty namespace. Throws RangeError for options outside their
   * documented ranges.
   *
   * @param options Buffer size and resource limits; every field is optional.
   */
  constructor(options: MemoryTransportOptions = {}) {
    if (options === null || typeof options !== "object") throw new TypeError("options must be an object");
    this.bufferBytes = checkLimit(options.bufferBytes, DEFAULTS.bufferBytes, 2 ** 30, "bufferBytes");
    this.#namespace = new Namespace(
      this.bufferBytes,
      checkLimit(options.maxEndpoints, DEFAULTS.maxEndpoints, 2 ** 31 - 1, "maxEndpoints"),
      checkLimit(options.maxConnections, DEFAULTS.maxConnections, 2 ** 31 - 1, "maxConnections"),
    );
  }

  /**
   * Reserves `addr` in the namespace now (port 0: the next free ephemeral
   * port). Connections to it are refused (WSAECONNREFUSED) until its `listen`,
   * then delivered to `accept`.
   *
   * @param addr An IP literal of its family and a port in [0, 65535].
   * @returns The endpoint, with its port resolved and its address in canonical form.
   * @throws {WinsockError} WSAEADDRINUSE, WSAEADDRNOTAVAIL, WSAENOBUFS, WSAEFAULT, WSAEAFNOSUPPORT, WSAEINVAL.
   *
   * @example Port 0 and a conflict
   * ```ts
   * import { MemoryTransport } from "./memory_transport.ts";
   * const net = new MemoryTransport();
   * const a = net.bind({ family: 2, address: "127.0.0.1", port: 0 });
   * try {
   *   net.bind({ family: 2, address: "0.0.0.0", port: a.local.port });
   * } catch (error) {
   *   console.log((error as Error).message.startsWith("WSAEADDRINUSE")); // true
   * }
   * a.close();
   * ```
   */
  bind(addr: SockAddr): Endpoint {
    return this.#namespace.bind(addr);
  }

  /**
   * Connects to the listening endpoint at `to` (an exact address match first,
   * else the family's wildcard on that port), decided at once: the server side is handed
   * to the endpoint before this resolves. The client side's address is the
   * endpoint's (the family's loopback for a wildcard endpoint) with a fresh
   * ephemeral port.
   *
   * @param to The address to connect to.
   * @param signal Already aborted: WSAETIMEDOUT (as the TCP transport reports the provider's timeout).
   * @returns The client side of the connection.
   * @throws {WinsockError} As a rejection: WSAECONNREFUSED, WSAEADDRNOTAVAIL, WSAENOBUFS, WSAETIMEDOUT,
   * WSAEFAULT, WSAEAFNOSUPPORT, WSAEINVAL.
   *
   * @example Nothing listens: refused at once
   * ```ts
   * import { MemoryTransport } from "./memory_transport.ts";
   * const net = new MemoryTransport();
   * const to = { family: 2, address: "127.0.0.1", port: 80 };
   * const error = await net.connect(to, new AbortController().signal).catch((e) => e);
   * console.log(error.code); // 10061
   * ```
   */
  connect(to: SockAddr, signal: AbortSignal): Promise<StreamConn> {
    try {
      return Promise.resolve(this.#namespace.connect(to, signal));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Live objects: endpoints not yet closed, plus connection sides not yet
   * released by their owner with `close()` or `reset()` (a side still waiting
   * in an endpoint's queue counts; the transport resets it when the endpoint
   * closes). A peer's close or reset does not release this side. 0 once every
   * endpoint and every side has been closed.
   *
   * @returns The count.
   *
   * @example
   * ```ts
   * import { MemoryTransport } from "./memory_transport.ts";
   * const net = new MemoryTransport();
   * const endpoint = net.bind({ family: 23, address: "::1", port: 0 });
   * endpoint.listen(16);
   * const client = await net.connect(endpoint.local, new AbortController().signal);
   * console.log(net.live()); // 3 (the endpoint, the client side, the queued server side)
   * client.close();
   * endpoint.close(); // resets the queued server side
   * console.log(net.live()); // 0
   * ```
   */
  live(): number {
    return this.#namespace.live;
  }
}
