/**
 * The in-memory transport: listeners and clients of one process meet at
 * addresses in an in-process namespace, with no OS sockets. Every Winsock, SPI
 * and WSK call runs on it unchanged: `configure({ transport: new MemoryTransport() })`
 * swaps the process-wide provider (src/provider/runtime.ts).
 *
 * How it behaves, next to the TCP transport (src/transports/tcp_transport.ts):
 * - One namespace per `MemoryTransport` instance. Addresses are IP literals, as on
 *   TCP; every unicast literal is "local". Port 0 takes the next free port of the
 *   ephemeral range 49152–65535 (wrapping, skipping ports in use).
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
 * - There is no OS queue in front of the provider's: `listen(backlog)` validates
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

import { AF_INET, AF_INET6 } from "../../shared/constants.ts";
import { WinsockError, WSA } from "../../shared/errors.ts";
import { canonicalAddress, checkSockAddr, isWildcard, type SockAddr } from "../../shared/_sockaddr.ts";
import type { Endpoint, StreamConn, Transport } from "../transport.ts";

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
/** The ephemeral port range (IANA's, as Windows uses). */
const EPHEMERAL_FIRST = 49152;
const EPHEMERAL_LAST = 65535;
/** A ring's first allocation (or `bufferBytes` when smaller); it doubles up to `bufferBytes`. */
const RING_START_BYTES = 4096;
const EMPTY = new Uint8Array(0);

function fail(code: number, detail?: string): WinsockError {
  return new WinsockError(code, detail);
}

/**
 * A first-in first-out queue on an array and a head index: O(1) push and shift,
 * compacted once the consumed prefix is half of the array.
 */
class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  peek(): T | undefined {
    return this.#items[this.#head];
  }

  shift(): T | undefined {
    if (this.#head === this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Removes and returns every item, oldest first. */
  drain(): T[] {
    const items = this.#items.slice(this.#head) as T[];
    this.#items.length = 0;
    this.#head = 0;
    return items;
  }
}

/**
 * Bytes in flight in one direction: a ring of at most `max` bytes.
 *
 * ```
 * buf:  [ . . . D D D D D . . . ]   D = buffered bytes, size = 5
 *              ^head      ^head + size (mod buf.length): where the next write goes
 * ```
 * `buf` starts empty, is allocated on the first write and doubles (up to `max`)
 * when a write needs more room; growing copies the buffered bytes to the start.
 */
class ByteRing {
  readonly max: number;
  #buf: Uint8Array = EMPTY;
  #head = 0;
  #size = 0;

  constructor(max: number) {
    this.max = max;
  }

  /** Bytes buffered now. */
  get size(): number {
    return this.#size;
  }

  /** Bytes that can be written before the ring is full. */
  get space(): number {
    return this.max - this.#size;
  }

  /** Copies as much of `src` as fits; returns the byte count. */
  push(src: Uint8Array): number {
    const n = Math.min(src.length, this.max - this.#size);
    if (n === 0) return 0;
    this.#reserve(this.#size + n);
    const cap = this.#buf.length;
    let tail = this.#head + this.#size;
    if (tail >= cap) tail -= cap;
    const first = Math.min(n, cap - tail);
    this.#buf.set(first === src.length ? src : src.subarray(0, first), tail);
    if (first < n) this.#buf.set(src.subarray(first, n), 0);
    this.#size += n;
    return n;
  }

  /** Moves up to `dst.length` buffered bytes into `dst`; returns the byte count. */
  shift(dst: Uint8Array): number {
    const n = Math.min(dst.length, this.#size);
    if (n === 0) return 0;
    const cap = this.#buf.length;
    const first = Math.min(n, cap - this.#head);
    dst.set(this.#buf.subarray(this.#head, this.#head + first));
    if (first < n) dst.set(this.#buf.subarray(0, n - first), first);
    this.#size -= n;
    this.#head = this.#size === 0 ? 0 : (this.#head + n) % cap;
    return n;
  }

  /** Discards the buffered bytes and releases the storage. */
  clear(): void {
    this.#buf = EMPTY;
    this.#head = 0;
    this.#size = 0;
  }

  #reserve(needed: number): void {
    const old = this.#buf;
    if (needed <= old.length) return;
    let cap = Math.max(old.length * 2, RING_START_BYTES);
    while (cap < needed) cap *= 2;
    const next = new Uint8Array(Math.min(cap, this.max));
    const first = Math.min(this.#size, old.length - this.#head);
    next.set(old.subarray(this.#head, this.#head + first));
    if (first < this.#size) next.set(old.subarray(0, this.#size - first), first);
    this.#buf = next;
    this.#head = 0;
  }
}

interface PendingRead {
  buf: Uint8Array;
  resolve(n: number | null): void;
  reject(error: unknown): void;
}

interface PendingWrite {
  data: Uint8Array;
  done: number;
  resolve(n: number): void;
  reject(error: unknown): void;
}

/**
 * One direction of a connection: the writer's side puts bytes in, the reader's
 * side takes them out. Reads and writes are served in call order.
 */
class Pipe {
  readonly ring: ByteRing;
  readonly #readers = new Fifo<PendingRead>();
  readonly #writers = new Fifo<PendingWrite>();
  /** The writer closed in order: once the ring is drained, reads resolve null. */
  #ended = false;
  /** When set, reads (and, below, writes) reject with this code from now on. */
  #readCode = 0;
  #writeCode = 0;

  constructor(bufferBytes: number) {
    this.ring = new ByteRing(bufferBytes);
  }

  read(buf: Uint8Array): Promise<number | null> {
    if (this.#readCode) return Promise.reject(fail(this.#readCode));
    if (buf.length === 0) return Promise.resolve(0);
    if (this.#readers.size === 0 && this.ring.size > 0) {
      const n = this.ring.shift(buf);
      this.#pump();
      return Promise.resolve(n);
    }
    if (this.#ended && this.ring.size === 0) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.#readers.push({ buf, resolve, reject });
      this.#pump();
    });
  }

  write(data: Uint8Array): Promise<number> {
    if (this.#writeCode) return Promise.reject(fail(this.#writeCode));
    if (data.length === 0) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      this.#writers.push({ data, done: 0, resolve, reject });
      this.#pump();
    });
  }

  /** The writer closed in order: pending writes reject with `code`; the reader drains, then reads null. */
  end(code: number): void {
    this.#ended = true;
    this.#rejectAll(this.#writers, code);
    this.#pump();
  }

  /**
   * The reader is gone (closed or reset): its pending reads reject with
   * `readerCode`, the writer's pending and future writes with WSAECONNRESET
   * (EPIPE-like), and the buffered bytes are discarded.
   */
  readerGone(readerCode: number): void {
    this.#readCode = readerCode;
    this.#writeCode = WSA.WSAECONNRESET;
    this.#rejectAll(this.#readers, readerCode);
    this.#rejectAll(this.#writers, WSA.WSAECONNRESET);
    this.ring.clear();
  }

  /**
   * The writer reset the connection: its pending writes reject with
   * `writerCode`, the reader's pending and future reads with WSAECONNRESET, and
   * the buffered bytes are discarded.
   */
  writerReset(writerCode: number): void {
    this.#readCode = WSA.WSAECONNRESET;
    this.#writeCode = writerCode;
    this.#rejectAll(this.#writers, writerCode);
    this.#rejectAll(this.#readers, WSA.WSAECONNRESET);
    this.ring.clear();
  }

  /** Moves bytes from pending writes into the ring and from the ring to pending reads until neither can move. */
  #pump(): void {
    const ring = this.ring;
    while (true) {
      for (let w = this.#writers.peek(); w && ring.space > 0; w = this.#writers.peek()) {
        w.done += ring.push(w.done === 0 ? w.data : w.data.subarray(w.done));
        if (w.done < w.data.length) break;
        this.#writers.shift();
        w.resolve(w.done);
      }
      if (this.#readers.size === 0 || ring.size === 0) break;
      while (this.#readers.size > 0 && ring.size > 0) {
        const r = this.#readers.shift()!;
        r.resolve(ring.shift(r.buf));
      }
    }
    if (this.#ended && ring.size === 0) {
      for (const r of this.#readers.drain()) r.resolve(null);
    }
  }

  #rejectAll<T extends { reject(error: unknown): void }>(queue: Fifo<T>, code: number): void {
    for (const item of queue.drain()) item.reject(fail(code));
  }
}

/** One side of an in-memory connection. */
class MemoryConn implements StreamConn {
  readonly local: SockAddr;
  readonly remote: SockAddr;
  readonly #in: Pipe;
  readonly #out: Pipe;
  #released = false;
  readonly #onRelease: () => void;

  constructor(local: SockAddr, remote: SockAddr, input: Pipe, output: Pipe, onRelease: () => void) {
    this.local = local;
    this.remote = remote;
    this.#in = input;
    this.#out = output;
    this.#onRelease = onRelease;
  }

  read(buf: Uint8Array): Promise<number | null> {
    if (!(buf instanceof Uint8Array)) return Promise.reject(new TypeError("buf must be a Uint8Array"));
    if (this.#released) return Promise.reject(fail(WSA.WSAENOTSOCK, "the connection was closed"));
    return this.#in.read(buf);
  }

  write(data: Uint8Array): Promise<number> {
    if (!(data instanceof Uint8Array)) return Promise.reject(new TypeError("data must be a Uint8Array"));
    if (this.#released) return Promise.reject(fail(WSA.WSAENOTSOCK, "the connection was closed"));
    return this.#out.write(data);
  }

  close(): void {
    if (this.#released) return;
    this.#released = true;
    this.#in.readerGone(WSA.WSAEINTR);
    this.#out.end(WSA.WSAEINTR);
    this.#onRelease();
  }

  reset(): void {
    if (this.#released) return;
    this.#released = true;
    this.#in.readerGone(WSA.WSAEINTR);
    this.#out.writerReset(WSA.WSAEINTR);
    this.#onRelease();
  }
}

/** An (address, port) taken in the namespace: by an endpoint, or by the client side of a connection. */
interface Binding {
  readonly address: string;
  readonly endpoint?: MemoryEndpoint;
}

/** A reserved address in the namespace and the connections that arrived at it. */
class MemoryEndpoint implements Endpoint {
  readonly local: SockAddr;
  readonly #arrivals = new Fifo<MemoryConn>();
  #waiter: { resolve(conn: StreamConn): void; reject(error: unknown): void } | undefined;
  #closed = false;
  readonly #namespace: Namespace;
  /** Set by `listen`: until then, connections to this endpoint are refused. */
  listening = false;

  constructor(local: SockAddr, namespace: Namespace) {
    this.local = local;
    this.#namespace = namespace;
  }

  accept(): Promise<StreamConn> {
    if (this.#closed) return Promise.reject(fail(WSA.WSAEINTR, "the endpoint was closed"));
    if (this.#waiter) return Promise.reject(fail(WSA.WSAEINPROGRESS, "an accept is already pending"));
    const conn = this.#arrivals.shift();
    if (conn) return Promise.resolve(conn);
    return new Promise((resolve, reject) => this.#waiter = { resolve, reject });
  }

  /**
   * Done at once (returns nothing): connections are taken from now on. A
   * rejected promise for a closed endpoint (WSAEINTR) or a backlog that is not
   * an integer in [1, 65535] (WSAEINVAL).
   */
  listen(backlog: number): Promise<void> | void {
    if (this.#closed) return Promise.reject(fail(WSA.WSAEINTR, "the endpoint was closed"));
    if (!Number.isInteger(backlog) || backlog < 1 || backlog > 65535) {
      return Promise.reject(fail(WSA.WSAEINVAL, "backlog must be an integer in [1, 65535]"));
    }
    this.listening = true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#namespace.unbind(this);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(fail(WSA.WSAEINTR, "the endpoint was closed"));
    for (const conn of this.#arrivals.drain()) conn.reset();
  }

  /** A connection arrived: to the pending accept, or queued for the next one. */
  deliver(conn: MemoryConn): void {
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter.resolve(conn);
    } else {
      this.#arrivals.push(conn);
    }
  }
}

/** The address space of one transport: who holds which (address, port), and the counters. */
class Namespace {
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
    if (this.#endpoints >= this.maxEndpoints) {
      throw fail(WSA.WSAENOBUFS, `the transport's ${this.maxEndpoints} endpoints are in use`);
    }
    const chosen = port === 0 ? this.#freePort(family, address) : port;
    if (chosen < 0) throw fail(WSA.WSAEADDRINUSE, "no free port in the ephemeral range");
    if (port !== 0 && this.#taken(family, address, port)) {
      throw fail(WSA.WSAEADDRINUSE, `${address} port ${port}`);
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
      throw fail(WSA.WSAEADDRNOTAVAIL, "cannot connect to a wildcard address or port 0");
    }
    const bindings = this.#ports.get(portKey(family, port));
    const target = bindings?.find((b) => b.endpoint && b.address === address) ??
      bindings?.find((b) => b.endpoint && isWildcard(b.address));
    if (!target?.endpoint?.listening) {
      throw fail(WSA.WSAECONNREFUSED, `nothing listens at ${address} port ${port}`);
    }
    if (this.#connections >= this.maxConnections) {
      throw fail(WSA.WSAENOBUFS, `the transport's ${this.maxConnections} connections are in use`);
    }
    const clientAddress = isWildcard(target.address) ? (family === AF_INET6 ? "::1" : "127.0.0.1") : address;
    const clientPort = this.#freePort(family, clientAddress);
    if (clientPort < 0) throw fail(WSA.WSAENOBUFS, "no free ephemeral port for the connection");
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

function portKey(family: number, port: number): string {
  return `${family}/${port}`;
}

/**
 * Checks `addr` and returns it with its address in canonical form ("::1" for
 * "0:0::1"). Throws a WinsockError: WSAEFAULT (null), WSAEAFNOSUPPORT (family),
 * WSAEINVAL (not an IP literal of the family, or a port outside [0, 65535]),
 * WSAEADDRNOTAVAIL (multicast or broadcast); TypeError for wrong JavaScript types.
 */
function parseAddr(addr: SockAddr, what = "addr"): SockAddr {
  const family = addr?.family === AF_INET6 ? AF_INET6 : AF_INET;
  const bad = checkSockAddr(addr, family, what);
  if (bad) {
    throw fail(bad, addr ? `${what} ${JSON.stringify(addr.address)} port ${addr.port}` : `${what} is null`);
  }
  let address = addr.address;
  if (family === AF_INET6) {
    address = canonicalAddress(address);
    if (address.startsWith("ff")) throw fail(WSA.WSAEADDRNOTAVAIL, `${address} is a multicast address`);
  } else {
    const first = Number(address.slice(0, address.indexOf(".")));
    if (first >= 224 && first <= 239) throw fail(WSA.WSAEADDRNOTAVAIL, `${address} is a multicast address`);
    if (address === "255.255.255.255") throw fail(WSA.WSAEADDRNOTAVAIL, "the broadcast address");
  }
  return { family, address, port: addr.port };
}

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
