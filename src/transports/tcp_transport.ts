/**
 * The TCP transport: real sockets. Listening sockets are Deno.listen listeners
 * (below); a refused connection is reset (RST) through libc's
 * connect(AF_UNSPEC) where the process may call it (Linux, `ffi` permission
 * granted: src/transports/_abort_connection.ts), else closed in order (FIN).
 * With `listener: "handle"` they are native TCP handles (node:net's,
 * src/transports/_handle_endpoint.ts) where the runtime has them, whose
 * refusals are resets without FFI. Deno.listen is the default because,
 * measured on Deno 2.9.6, the native handles stop delivering connections while
 * the process is out of descriptors (so nothing can be decided then) and cost
 * more CPU per connection. Outgoing connections use Deno.connect.
 *
 * Facts the Deno.listen endpoint is built on (measured with Deno 2.9.6 on Linux;
 * bench/results/transport_facts.md):
 * - Deno.listen is synchronous, so bind reports WSAEADDRINUSE at once.
 * - Only one accept() may be pending on a Deno.Listener (a second fails with Busy).
 * - A listener closed while an accept() is pending frees its port only a
 *   macrotask or more later. So a bound socket's reservation runs no accept:
 *   `listen` closes it and listens again on the port in the same turn, which
 *   works at once (it falls back to retrying briefly if the port is busy).
 * - For the same reason a port whose listener was closed with its accept
 *   pending is busy for that turn. The transport remembers such ports: a bind
 *   to one gets an endpoint that takes the port as soon as it is free (its
 *   `listen` then commits asynchronously), so closing a listener and binding
 *   its port again in the same turn works, as on Windows.
 * - Closing a listening socket resets the connections in its OS queue: that is
 *   how connections reaching a bound, not yet listening socket are refused.
 * - Deno.TcpConn.close() always shuts the write half down first (FIN), even
 *   with SO_LINGER 0 set on its socket; Deno has no call that resets it.
 * - tcpBacklog is cast to i32 without checks; the provider passes only values it
 *   has clamped to [1, 65535].
 *
 * @module
 */

import { toWinsockError } from "../shared/_deno_errors.ts";
import { WinsockError, WSA } from "../shared/errors.ts";
import { fromDenoAddr, type SockAddr } from "../shared/_sockaddr.ts";
import type { Endpoint, StreamConn, Transport } from "./transport.ts";
import { hasTcpHandles } from "./_node_tcp.ts";
import { HandleEndpoint } from "./_handle_endpoint.ts";
import { abortConnection, canAbortConnections } from "./_abort_connection.ts";

/** How a `TcpTransport` is set up. */
export interface TcpTransportOptions {
  /**
   * What listening sockets are: `"deno"` (the default): Deno.listen listeners,
   * whose refusals are resets where the `ffi` permission is granted on Linux
   * (`--allow-ffi` or `-A`; see `TcpTransport.resets`) and an orderly close
   * (FIN) elsewhere, because Deno itself cannot reset a Deno.TcpConn;
   * `"handle"` (where the runtime has node:net's native TCP handles, as Deno
   * 2.9 does): refusals are resets without FFI, at more CPU per connection,
   * and arrivals wait undecided while the process is out of descriptors.
   */
  listener?: "handle" | "deno";
}
import { holdReserve, lendReserve, releaseReserve, restoreReserve } from "./_descriptor_reserve.ts";

/**
 * OS backlog of a reservation that is bound but not listening: large, so that a
 * connection arriving then completes its handshake and is reset when the socket
 * listens or closes, instead of retrying its SYN.
 */
const BOUND_OS_BACKLOG = 4096;
/** Waits before each further attempt to listen on a reserved port that is busy (about 0.3 s in all). */
const REOPEN_DELAYS_MS = [1, 2, 5, 10, 20, 40, 80, 150];

/**
 * How long an abandoned connect may still land before Deno's own abort ends it.
 * Deno 2.9.6 leaks the OS socket of a Deno.connect aborted while its handshake
 * completes, so an abandoned connect is not aborted at once: one that lands is
 * closed. One still pending after this grace is a handshake that hangs (on
 * loopback a dropped SYN is retried only after 1 s), and aborting it frees its
 * socket at once instead of after the kernel's SYN retries (about two minutes).
 */
const ABANDONED_CONNECT_GRACE_MS = 500;

/** The most bytes one read-ahead (for FIONREAD) takes from the OS. */
const READ_AHEAD_BYTES = 64 * 1024;

class TcpStream implements StreamConn {
  #conn: Deno.TcpConn;
  /** The addresses as SockAddrs, built when first asked for (most connections never are). */
  #local: SockAddr | undefined;
  #remote: SockAddr | undefined;
  #closed = false;
  #onClose: () => void;
  /**
   * Read-ahead for FIONREAD (Deno has no way to ask the OS how many bytes wait):
   * bytes already taken from the OS that the next reads return first, the read
   * in flight, and its end of stream or error, kept for the next read.
   */
  #ahead: Uint8Array | undefined;
  #aheadAt = 0;
  #aheadEnd = 0;
  #peeking: Promise<void> | undefined;
  #peekEnd: "eof" | { error: unknown } | undefined;

  constructor(conn: Deno.TcpConn, onClose: () => void) {
    this.#conn = conn;
    this.#onClose = onClose;
  }

  get local(): SockAddr {
    return this.#local ??= fromDenoAddr(this.#conn.localAddr);
  }

  get remote(): SockAddr {
    return this.#remote ??= fromDenoAddr(this.#conn.remoteAddr);
  }

  // Deno's own read and write, with nothing in between (each layer of promises costs CPU per
  // connection): the provider turns a failure into a WinsockError and writes the rest of a
  // short write, in the one reaction it adds anyway.
  read(buf: Uint8Array): Promise<number | null> {
    return this.#ahead === undefined ? this.#conn.read(buf) : this.#readAhead(buf);
  }

  /** A read once FIONREAD has started reading ahead: the bytes read ahead first, then its end or error. */
  async #readAhead(buf: Uint8Array): Promise<number | null> {
    if (this.#peeking) await this.#peeking;
    if (this.#aheadEnd > this.#aheadAt) {
      const n = Math.min(buf.length, this.#aheadEnd - this.#aheadAt);
      buf.set(this.#ahead!.subarray(this.#aheadAt, this.#aheadAt + n));
      this.#aheadAt += n;
      return n;
    }
    const end = this.#peekEnd;
    if (end === "eof") return null;
    if (end) {
      this.#peekEnd = undefined;
      throw end.error;
    }
    return await this.#conn.read(buf);
  }

  write(data: Uint8Array): Promise<number> {
    return this.#conn.write(data);
  }

  available(): number {
    const buffered = this.#aheadEnd - this.#aheadAt;
    if (buffered === 0 && !this.#peeking && !this.#peekEnd && !this.#closed) this.#peek();
    return buffered;
  }

  closeWrite(): void {
    if (!this.#closed) this.#conn.closeWrite().catch(() => {});
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed underneath (BadResource): nothing left to release.
    }
    this.#onClose();
  }

  /** An RST where this process may send one (src/transports/_abort_connection.ts), else an orderly close. */
  reset(): void {
    if (!this.#closed) abortConnection(this.#conn);
    this.close();
  }

  /** Starts one read into the read-ahead buffer; its end of stream or error waits for the next read. */
  #peek(): void {
    const ahead = this.#ahead ??= new Uint8Array(READ_AHEAD_BYTES);
    this.#peeking = this.#conn.read(ahead).then(
      (n) => {
        if (n === null) this.#peekEnd = "eof";
        else {
          this.#aheadAt = 0;
          this.#aheadEnd = n;
        }
      },
      (error) => {
        this.#peekEnd = { error };
      },
    ).finally(() => {
      this.#peeking = undefined;
    });
  }

  setRef(on: boolean): void {
    if (on) this.#conn.ref();
    else this.#conn.unref();
  }

  detach(): Deno.Conn | undefined {
    // Bytes read ahead (for FIONREAD) would be lost to the new owner.
    if (this.#closed || this.#ahead !== undefined) return undefined;
    this.#closed = true;
    this.#onClose();
    return this.#conn;
  }
}

class TcpEndpoint implements Endpoint {
  readonly local: SockAddr;
  /** Undefined only while a deferred reservation waits for its port. */
  #listener: Deno.TcpListener | undefined;
  #hostname: string;
  #closed = false;
  /** Set while the endpoint waits for its port (a deferred reservation, or `listen` on a busy port). */
  #retrying: Promise<void> | undefined;
  /** Set while an accept is pending: closing then frees the port only a turn later. */
  #accepting: Promise<unknown> | undefined;
  #transport: TcpTransport;
  /** Whether a pending accept keeps the process alive (applied to every listener this endpoint opens). */
  #ref = true;
  /** Whether this endpoint still counts as a holder of the process's reserve descriptor. */
  #holdsReserve = true;

  /**
   * A reservation: `listener` when the port was taken at once, or `wait` (the
   * release of the port by one of our own listeners) after which it is taken.
   */
  constructor(
    transport: TcpTransport,
    local: SockAddr,
    listener: Deno.TcpListener | undefined,
    wait?: Promise<void>,
  ) {
    this.#transport = transport;
    this.#hostname = local.address;
    this.#listener = listener;
    this.local = listener ? fromDenoAddr(listener.addr) : local;
    holdReserve();
    if (!listener) {
      this.#retrying = this.#retry(BOUND_OS_BACKLOG, wait);
      // `accept` and `listen` observe it when they come; a reservation closed (or whose port was
      // taken) before either must not reject with nobody listening: `listen` reports the failure.
      this.#retrying.catch(() => {});
    }
  }

  accept(): Promise<StreamConn> {
    // The common case, a listener ready: one reaction on Deno's accept (no async function's frame
    // and promise per connection); the rest, and every failure, in #acceptLoop.
    const listener = this.#listener;
    if (this.#closed || this.#retrying || !listener) return this.#acceptLoop();
    const accepting = listener.accept();
    this.#accepting = accepting;
    return accepting.then(this.#accepted, (error) => {
      this.#accepting = undefined;
      return this.#acceptFailed(listener, error);
    });
  }

  #accepted = (conn: Deno.TcpConn): StreamConn => {
    this.#accepting = undefined;
    return this.#transport.track(conn);
  };

  /** After `listener`'s accept failed: accept again if we closed it ourselves, else the failure. */
  #acceptFailed(listener: Deno.TcpListener, error: unknown): Promise<StreamConn> {
    if (this.#closed || listener !== this.#listener) return this.#acceptLoop(); // closed by us: the loop decides
    if (error instanceof Deno.errors.BadResource) {
      // Closed by nobody here: the listening socket is gone.
      throw new WinsockError(WSA.WSAENETDOWN, "the listening socket is gone", { cause: error });
    }
    throw toWinsockError(error);
  }

  /** Waits while the port is not ours yet (a deferred reservation, a busy port), then accepts. */
  async #acceptLoop(): Promise<StreamConn> {
    while (!this.#closed && (this.#retrying || !this.#listener)) await this.#retrying?.catch(() => {});
    if (this.#closed) throw new WinsockError(WSA.WSAEINTR, "the endpoint was closed");
    return await this.accept();
  }

  /**
   * After `accept` failed with WSAEMFILE: the next connection, accepted on the
   * process's reserve descriptor (see _descriptor_reserve.ts). `short` tells
   * whether descriptors were still short once it arrived (the reserve could not
   * be opened again): the caller then refuses it at once, and closing it opens
   * the reserve again. Undefined when there is no reserve to use now or the
   * endpoint is closed.
   */
  async acceptSpare(): Promise<{ conn: StreamConn; short: boolean } | undefined> {
    const listener = this.#listener;
    if (this.#closed || this.#retrying || !listener || !lendReserve()) return undefined;
    let conn: Deno.TcpConn;
    try {
      const accepting = listener.accept();
      this.#accepting = accepting;
      conn = await accepting;
    } catch {
      restoreReserve();
      return undefined;
    } finally {
      this.#accepting = undefined;
    }
    // The accept may have waited: if descriptors are back, this is an ordinary arrival.
    if (restoreReserve()) return { conn: this.#transport.track(conn), short: false };
    return { conn: this.#transport.track(conn, restoreReserve), short: true };
  }

  listen(osBacklog: number): Promise<void> | void {
    if (this.#closed) return Promise.reject(new WinsockError(WSA.WSAEINTR, "the endpoint was closed"));
    if (this.#retrying) {
      // Still waiting for the port: listen once it is ours.
      this.#retrying = this.#retrying.then(() => this.#retry(osBacklog, undefined, true));
      return this.#retrying;
    }
    this.#closeListener(); // resets what reached the reservation; no accept is pending on it
    try {
      this.#listener = this.#open(osBacklog);
      return;
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse)) {
        this.close();
        return Promise.reject(toWinsockError(error, WSA.WSAEADDRINUSE));
      }
    }
    this.#retrying = this.#retry(osBacklog);
    return this.#retrying;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#accepting) this.#transport.releasing(this.local, this.#accepting);
    this.#closeListener();
    this.#forget();
  }

  /** Drops the endpoint from the transport's count and from the reserve's holders (once). */
  #forget(): void {
    this.#transport.untrack(this);
    if (!this.#holdsReserve) return;
    this.#holdsReserve = false;
    releaseReserve();
  }

  setRef(on: boolean): void {
    this.#ref = on;
    if (on) this.#listener?.ref();
    else this.#listener?.unref();
  }

  #open(osBacklog: number): Deno.TcpListener {
    const listener = Deno.listen({
      hostname: this.#hostname,
      port: this.local.port,
      transport: "tcp",
      tcpBacklog: osBacklog,
    });
    if (!this.#ref) listener.unref();
    return listener;
  }

  /**
   * Takes the port with `osBacklog` (after `wait`), retrying briefly while it is
   * busy; `replace` closes a reservation that is already there first.
   */
  async #retry(osBacklog: number, wait?: Promise<void>, replace = false): Promise<void> {
    await wait;
    if (replace) this.#closeListener();
    let lastError: unknown;
    try {
      for (const delay of [0, ...REOPEN_DELAYS_MS]) {
        if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
        if (this.#closed) throw new WinsockError(WSA.WSAEINTR, "the endpoint was closed");
        try {
          this.#listener = this.#open(osBacklog);
          return;
        } catch (error) {
          lastError = error;
          if (!(error instanceof Deno.errors.AddrInUse)) break;
        }
      }
      this.#closed = true;
      this.#forget();
      throw toWinsockError(lastError, WSA.WSAEADDRINUSE);
    } finally {
      this.#retrying = undefined;
    }
  }

  #closeListener(): void {
    try {
      this.#listener?.close();
    } catch {
      // Already closed.
    }
    this.#listener = undefined;
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}

/**
 * Throws a clear Error on a runtime without Deno's network API (Bun, Node,
 * workerd, a browser), where the first `Deno.listen` would otherwise fail with
 * "ReferenceError: Deno is not defined".
 */
function requireDenoNet(): void {
  if (typeof (globalThis as { Deno?: { listen?: unknown } }).Deno?.listen === "function") return;
  const runtime = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent;
  throw new Error(
    `acceptq's TCP transport needs Deno (Deno.listen, Deno.connect), which ${runtime ?? "this runtime"} ` +
      `does not have. Use the in-memory transport (listen({ transport: "memory" }), or configure({ ` +
      `transport: new MemoryTransport() }) for the Winsock, SPI and WSK calls), or admissionControl, ` +
      `which needs no sockets.`,
  );
}

/**
 * The TCP transport: listening sockets on Deno.listen (a refusal is a reset
 * on Linux when the `ffi` permission is granted, else an orderly close: see
 * `resets`) or, with `listener: "handle"`, on node:net's native TCP handles (a
 * refusal is a reset); outgoing connections on Deno.connect. Needs
 * `--allow-net`. Made on a runtime without Deno, it throws an Error that says so.
 *
 * @example A provider on TCP (the default transport)
 * ```ts
 * import { TcpTransport } from "./tcp_transport.ts";
 * const tcp = new TcpTransport();
 * console.log(tcp.name, tcp.live()); // "tcp" 0
 * console.log(tcp.resets); // true under --allow-ffi (or -A) on Linux
 * ```
 */
export class TcpTransport implements Transport {
  /** Always "tcp". */
  readonly name = "tcp";
  /** Endpoints not yet closed. */
  #live = new Set<Endpoint>();
  /**
   * Connections not yet closed: a count, not a Set, because a Set with one add and one delete per
   * connection keeps closed connections alive through young-generation collections (see
   * src/provider/_records.ts).
   */
  #streams = 0;
  /** Connects abandoned by an abort that have not landed yet (their socket is closed when they do). */
  #abandoned = 0;
  #streamClosed = () => {
    this.#streams--;
  };
  /** Ports our own closed listeners are still releasing, and when they will be free. */
  #releasing = new Map<string, Promise<void>>();
  /** Whether listening sockets are native handles (refusals reset) rather than Deno.listen listeners. */
  readonly #handles: boolean;

  /**
   * A TCP transport; throws an Error off Deno, and a TypeError for an unknown
   * `listener`.
   */
  constructor(options: TcpTransportOptions = {}) {
    requireDenoNet();
    const listener = options.listener ?? "deno";
    if (listener !== "handle" && listener !== "deno") {
      throw new TypeError(`listener must be "handle" or "deno", got ${String(listener)}`);
    }
    this.#handles = listener === "handle" && hasTcpHandles();
  }

  /** What listening sockets are here: "handle" (native handles) or "deno" (Deno.listen listeners). */
  get listener(): "handle" | "deno" {
    return this.#handles ? "handle" : "deno";
  }

  /**
   * Whether a refused connection is reset (RST) here: always on native
   * handles; on Deno.listen listeners where the process may reset a
   * Deno.TcpConn (Linux, with the `ffi` permission granted). Where false, a
   * refusal in the "reset" form is an orderly close (FIN).
   */
  get resets(): boolean {
    return this.#handles || canAbortConnections();
  }

  /** Reserves `addr` with a real socket; connections reaching it are reset when it listens or closes. */
  bind(addr: SockAddr): Endpoint {
    if (this.#handles) {
      const endpoint: Endpoint = new HandleEndpoint(
        addr,
        () => this.#streams++,
        this.#streamClosed,
        () => this.#live.delete(endpoint),
        (conn) => this.track(conn),
      );
      this.#live.add(endpoint);
      return endpoint;
    }
    let endpoint: TcpEndpoint;
    try {
      const listener = Deno.listen({
        hostname: addr.address,
        port: addr.port,
        transport: "tcp",
        tcpBacklog: BOUND_OS_BACKLOG,
      });
      endpoint = new TcpEndpoint(this, addr, listener);
    } catch (error) {
      const freed = error instanceof Deno.errors.AddrInUse
        ? this.#releasing.get(String(addr.port))
        : undefined;
      if (!freed) throw toWinsockError(error, WSA.WSAEADDRNOTAVAIL);
      endpoint = new TcpEndpoint(this, addr, undefined, freed); // our own port, free in a moment
    }
    this.#live.add(endpoint);
    return endpoint;
  }

  /**
   * Connects with Deno.connect; `signal` aborts (the provider's timeout). A
   * reset during the connect (a refusal) is WSAECONNREFUSED, as on Windows.
   */
  connect(to: SockAddr, signal: AbortSignal): Promise<StreamConn> {
    // `signal` is not handed to Deno.connect: see ABANDONED_CONNECT_GRACE_MS. An abort settles
    // this call at once; the connect runs on and is closed as soon as it lands, or aborted after
    // the grace (counted in `live` until it settles).
    const late = new AbortController();
    const connecting = Deno.connect({
      hostname: to.address,
      port: to.port,
      transport: "tcp",
      signal: late.signal,
    });
    return new Promise<StreamConn>((resolve, reject) => {
      const onAbort = () => {
        reject(new WinsockError(WSA.WSAETIMEDOUT, "connect timed out"));
        this.#abandoned++;
        const grace = setTimeout(() => late.abort(), ABANDONED_CONNECT_GRACE_MS);
        connecting.then(closeQuietly, () => {}).finally(() => {
          clearTimeout(grace);
          this.#abandoned--;
        });
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      connecting.then(
        (conn) => {
          if (signal.aborted) return; // abandoned: onAbort closes it
          signal.removeEventListener("abort", onAbort);
          resolve(this.track(conn));
        },
        (error) => {
          if (signal.aborted) return;
          signal.removeEventListener("abort", onAbort);
          if (error instanceof Deno.errors.ConnectionReset) {
            // Reset before Deno.connect returned (a listener refusing at once): the connection was refused.
            reject(
              new WinsockError(WSA.WSAECONNREFUSED, "the connection was reset during connect", {
                cause: error,
              }),
            );
          } else reject(toWinsockError(error, WSA.WSAECONNREFUSED));
        },
      );
    });
  }

  /** Endpoints and connections not yet closed. */
  live(): number {
    return this.#live.size + this.#streams + this.#abandoned;
  }

  /** @internal Wraps and counts a connection; `afterClose` runs once it is closed. */
  track(conn: Deno.TcpConn, afterClose?: () => void): StreamConn {
    this.#streams++;
    if (!afterClose) return new TcpStream(conn, this.#streamClosed);
    return new TcpStream(conn, () => {
      this.#streamClosed();
      afterClose();
    });
  }

  /** @internal Notes that `local`'s port is free once `accepting` has settled and a macrotask has passed. */
  releasing(local: SockAddr, accepting: Promise<unknown>): void {
    const key = String(local.port);
    const freed: Promise<void> = accepting.then(() => {}, () => {}).then(() =>
      new Promise<void>((resolve) => setTimeout(resolve, 0))
    ).finally(() => {
      if (this.#releasing.get(key) === freed) this.#releasing.delete(key);
    });
    this.#releasing.set(key, freed);
  }

  /** @internal Forgets a closed endpoint. */
  untrack(endpoint: Endpoint): void {
    this.#live.delete(endpoint);
  }
}
