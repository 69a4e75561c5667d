/**
 * The idiomatic face: `listen()` returns a `Listener`, an async iterable of
 * `Connection`s with an explicit backlog, live stats, AbortSignal support and
 * `await using`. It runs on the same provider as the Winsock calls (one state
 * machine): a connection beyond the backlog is refused at once, as there.
 *
 * @module
 */

import { AF_INET, AF_INET6, SD_SEND, SOMAXCONN } from "../shared/constants.ts";
import { Profile } from "../core/_abi.ts";
import { WinsockError, WSA } from "../shared/errors.ts";
import type { ListenerStats, Provider } from "../provider/provider.ts";
import { providerFor, sharedProvider } from "../provider/runtime.ts";
import type { StreamConn, Transport } from "../transports/transport.ts";
import { checkRefusal, type Refusal } from "../provider/refusal.ts";
import { type RefusedInfo, withRefusedHook } from "./_on_refused.ts";
import { familyOf, type SockAddr } from "../shared/_sockaddr.ts";
import { Histogram, type HistogramSnapshot } from "../shared/histogram.ts";

/** Options of {@link listen}. */
export interface ListenOptions {
  /** The IP literal to listen on ("localhost" means 127.0.0.1). Default "0.0.0.0", as Deno.listen. */
  hostname?: string;
  /** The port; 0 (the default) picks a free one, which `addr` reports. */
  port?: number;
  /**
   * The most connections waiting to be accepted; more are refused at once.
   * Clamped like Winsock 2's listen: default SOMAXCONN, the provider maximum (512).
   */
  backlog?: number;
  /** The OS accept queue in front of acceptq's, in [1, 65535]; default the provider's (4096). */
  osBacklog?: number;
  /**
   * How a connection refused because the queue is full is ended: `"reset"` (the
   * client's connect or next call fails with ECONNRESET/ECONNREFUSED, as on
   * Windows), `"close"` (the client reads the end of the stream), or a function
   * that answers it in the protocol (such as an HTTP 503) before acceptq closes
   * it (see `Refusal`). Default: the provider's (`"reset"` unless configured).
   */
  refusal?: Refusal;
  /**
   * Called with the client's address for each connection refused because the
   * queue is full (Node's `'drop'`), before it is refused in the `refusal`
   * form (with a hook and no `refusal`, the form is a reset).
   */
  onRefused?: (info: RefusedInfo) => void;
  /** Closes the listener when aborted (iteration then ends). */
  signal?: AbortSignal;
  /**
   * The network: "tcp", "memory" (one in-process network) or a Transport. Default:
   * the process-wide provider's (see `configure`), shared with the Winsock calls.
   */
  transport?: "tcp" | "memory" | Transport;
  /** The provider to use (takes precedence over `transport`). */
  provider?: Provider;
}

const OWNER = "listener";

/**
 * An accepted (or connected) byte stream, shaped like `Deno.Conn` (it can be
 * passed wherever a `Deno.Conn` is expected), plus its descriptor and how long
 * it waited in the accept queue.
 *
 * @example Echoing one chunk
 * ```ts
 * import { listen } from "../../mod.ts";
 * await using listener = listen({ hostname: "127.0.0.1", backlog: 4 });
 * const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
 * const conn = await listener.accept();
 * await client.write(new TextEncoder().encode("ping"));
 * const buf = new Uint8Array(8);
 * const n = await conn.read(buf);
 * console.log(new TextDecoder().decode(buf.subarray(0, n ?? 0))); // "ping"
 * conn.close();
 * client.close();
 * ```
 */
export class Connection implements Deno.Conn<Deno.NetAddr>, AsyncDisposable {
  /** The descriptor in the provider (usable with the Winsock calls). */
  readonly socket: number;
  /** How long the connection waited in the accept queue, in milliseconds. */
  readonly queuedMs: number;
  #provider: Provider;
  /** The addresses are built when first asked for: most servers never look at them. */
  #stream: StreamConn;
  #localAddr: Deno.NetAddr | undefined;
  #remoteAddr: Deno.NetAddr | undefined;
  #closed = false;
  /** Its socket: once the descriptor names another socket (closed underneath, reused), calls fail. */
  #identity: object | undefined;
  #onClose: (() => void) | undefined;
  #readable?: ReadableStream<Uint8Array<ArrayBuffer>>;
  #writable?: WritableStream<Uint8Array>;

  /** @internal Wraps an accepted descriptor; use `Listener.accept` or iterate a listener. */
  constructor(provider: Provider, socket: number, onClose?: () => void) {
    const info = provider.streamOf(socket);
    if (!info) throw new WinsockError(WSA.WSAENOTCONN);
    this.#provider = provider;
    this.socket = socket;
    this.#identity = provider.identity(socket);
    this.#stream = info.stream;
    this.queuedMs = info.queuedMs;
    this.#onClose = onClose;
  }

  /** This end's address. */
  get localAddr(): Deno.NetAddr {
    return this.#localAddr ??= toNetAddr(this.#stream.local);
  }

  /** The peer's address. */
  get remoteAddr(): Deno.NetAddr {
    return this.#remoteAddr ??= toNetAddr(this.#stream.remote);
  }

  /**
   * Reads into `buf`: the byte count, or null at the end of the stream (the
   * peer's orderly close, or this side's own `close`, as a `Deno.Conn` whose
   * stream ends). Rejects with a WinsockError (WSAECONNRESET, ...).
   */
  read(buf: Uint8Array): Promise<number | null> {
    if (this.#closed) return Promise.resolve(null);
    if (!this.#mine()) return Promise.reject(new WinsockError(WSA.WSAENOTSOCK));
    return this.#provider.read(this.socket, buf); // a read waiting when this side closes resolves null
  }

  /** Writes all of `data`; resolves its length. Rejects with a WinsockError (WSAENOTSOCK after close). */
  write(data: Uint8Array): Promise<number> {
    if (!this.#mine()) return Promise.reject(new WinsockError(WSA.WSAENOTSOCK));
    return this.#provider.send(this.socket, data);
  }

  /** Whether the descriptor still names this connection's socket. */
  #mine(): boolean {
    return this.#provider.identity(this.socket) === this.#identity;
  }

  /**
   * Half close (shutdown(s, SD_SEND)): after the writes before it, the peer
   * reads the end of the stream; reading goes on, writing rejects with
   * WSAESHUTDOWN. Rejects with a WinsockError (WSAENOTSOCK after close).
   */
  closeWrite(): Promise<void> {
    if (!this.#mine()) return Promise.reject(new WinsockError(WSA.WSAENOTSOCK));
    const result = this.#provider.shutdownSocket(this.socket, SD_SEND);
    return result < 0 ? Promise.reject(new WinsockError(-result)) : Promise.resolve();
  }

  /** Pending reads keep the process alive (the default). */
  ref(): void {
    if (this.#mine()) this.#provider.setRef(this.socket, true);
  }

  /** Pending reads no longer keep the process alive. */
  unref(): void {
    if (this.#mine()) this.#provider.setRef(this.socket, false);
  }

  /** The incoming bytes as a stream (read it or `read()`, not both). */
  get readable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    this.#readable ??= new ReadableStream({
      type: "bytes",
      pull: async (controller) => {
        const chunk = new Uint8Array(16 * 1024);
        const n = await this.read(chunk);
        if (n === null) {
          controller.close();
          controller.byobRequest?.respond(0);
        } else controller.enqueue(chunk.subarray(0, n));
      },
      cancel: () => this.close(),
    });
    return this.#readable;
  }

  /** The outgoing bytes as a stream; closing it closes the connection. */
  get writable(): WritableStream<Uint8Array> {
    this.#writable ??= new WritableStream({
      write: async (chunk) => void (await this.write(chunk)),
      close: () => this.close(),
      abort: () => this.close(),
    });
    return this.#writable;
  }

  /** Closes the connection (orderly); pending reads resolve null, pending writes reject with WSAEINTR. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#mine()) this.#provider.closesocket(this.socket);
    this.#onClose?.();
  }

  /**
   * @internal Hands the underlying `Deno.Conn` over (see `Provider.detach`);
   * this connection is closed from then on. Undefined when the transport
   * cannot (the in-memory network) or the connection is closed or busy.
   */
  detach(): Deno.Conn | undefined {
    if (this.#closed || !this.#mine()) return undefined;
    const conn = this.#provider.detach(this.socket);
    if (conn) this.#closed = true; // the descriptor is gone; the caller now owns the connection
    return conn;
  }

  /** `using conn = ...` closes it. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `await using conn = ...` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/**
 * A listening socket with a bounded accept queue, shaped like `Deno.Listener`
 * (it can be passed wherever a `Deno.Listener` is expected). Unlike
 * `Deno.Listener`, several `accept()` calls may wait at once (they are served
 * in call order), an accept can be abandoned through its own signal without
 * losing a connection, and `stats()` reports the queue's counters.
 *
 * @example Serving connections until aborted
 * ```ts
 * import { listen } from "../../mod.ts";
 * const controller = new AbortController();
 * const listener = listen({ hostname: "127.0.0.1", backlog: 16, signal: controller.signal });
 * setTimeout(() => controller.abort(), 10);
 * for await (const conn of listener) conn.close(); // ends when aborted
 * console.log(listener.stats().backlog); // 16
 * ```
 */
export class Listener implements Deno.Listener<Connection, Deno.NetAddr>, AsyncDisposable {
  /** The address listened on (the real port when 0 was asked). */
  readonly addr: Deno.NetAddr;
  /** The descriptor in the provider (usable with the Winsock calls). */
  readonly socket: number;
  #provider: Provider;
  #closed = false;
  #last: ListenerStats | undefined;
  /** Its socket: once the descriptor names another socket (closed underneath, reused), calls fail. */
  #identity: object | undefined;
  #signal: AbortSignal | undefined;
  #onAbort = () => this.close();
  #queueTime = new Histogram();

  /** @internal Use {@link listen}. */
  constructor(provider: Provider, socket: number, addr: SockAddr, signal?: AbortSignal) {
    this.#provider = provider;
    this.socket = socket;
    this.#identity = provider.identity(socket);
    this.addr = toNetAddr(addr);
    this.#signal = signal;
    signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /**
   * The next connection, oldest first; several calls may wait at once.
   * Rejects with a WinsockError: WSAEINTR when the listener is closed,
   * WSAEMFILE when the descriptor table is full (the connection stays queued).
   * When `signal` aborts (or already has), rejects with `signal.reason`; the
   * accept is cancel-safe: no connection is taken for an abandoned accept.
   */
  accept(options: { signal?: AbortSignal } = {}): Promise<Connection> {
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.#mine()) return Promise.reject(new WinsockError(WSA.WSAENOTSOCK));
    // The provider settles this promise directly (acceptWith): one promise per connection, no more.
    return new Promise((resolve, reject) =>
      this.#provider.acceptWith(
        this.socket,
        (socket) => resolve(this.#connection(socket)),
        signal ? (error) => reject(signal.aborted ? signal.reason : error) : reject,
        signal,
      )
    );
  }

  /** The time connections waited in the accept queue, in seconds, as a histogram (see `metrics()`). */
  queueTime(): HistogramSnapshot {
    return this.#queueTime.snapshot();
  }

  #connection(socket: number): Connection {
    const conn = new Connection(this.#provider, socket);
    this.#queueTime.observe(conn.queuedMs / 1000);
    return conn;
  }

  /** Effective backlog, queued now, admitted, accepted, refused, dropped, high-water mark (kept after close). */
  stats(): ListenerStats {
    return (this.#mine() ? this.#provider.stats(this.socket) : undefined) ?? this.#last ?? emptyStats();
  }

  /** Whether the descriptor still names this listener's socket. */
  #mine(): boolean {
    return this.#provider.identity(this.socket) === this.#identity;
  }

  /** Stops listening: queued connections are reset, pending accepts reject with WSAEINTR. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#last = this.stats();
    this.#closed = true;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    if (this.#mine()) this.#provider.closesocket(this.socket);
  }

  /** Whether `close` was called (or the signal aborted). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The listener keeps the process alive while it listens (the default). */
  ref(): void {
    if (this.#mine()) this.#provider.setRef(this.socket, true);
  }

  /** The listener no longer keeps the process alive, as `Deno.Listener.unref`. */
  unref(): void {
    if (this.#mine()) this.#provider.setRef(this.socket, false);
  }

  /** Yields connections until the listener is closed; other errors (such as WSAEMFILE) are thrown. */
  [Symbol.asyncIterator](): AsyncIterableIterator<Connection> {
    // Written out rather than an async generator: each step is one promise, settled by the provider
    // with the next connection (an async generator adds several promise hops per connection).
    const iterator: AsyncIterableIterator<Connection> = {
      next: () => this.#next(),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  #next(): Promise<IteratorResult<Connection, undefined>> {
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    if (!this.#mine()) return Promise.reject(new WinsockError(WSA.WSAENOTSOCK));
    return new Promise((resolve, reject) =>
      this.#provider.acceptWith(
        this.socket,
        (socket) => resolve({ value: this.#connection(socket), done: false }),
        (error) => {
          if (this.#closed && error instanceof WinsockError && error.code === WSA.WSAEINTR) {
            resolve({ value: undefined, done: true });
          } else reject(error);
        },
      )
    );
  }

  /** `using listener = listen(...)` closes it. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `await using listener = listen(...)` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/** A SockAddr as Deno reports addresses (`{ transport: "tcp", hostname, port }`). */
function toNetAddr(addr: SockAddr): Deno.NetAddr {
  return { transport: "tcp", hostname: addr.address, port: addr.port };
}

function emptyStats(): ListenerStats {
  return { backlog: 0, queued: 0, admitted: 0, accepted: 0, refused: 0, dropped: 0, highWater: 0 };
}

/**
 * Listens on `hostname:port` with an explicit backlog. Throws a WinsockError
 * (WSAEADDRINUSE, WSAEADDRNOTAVAIL, WSAEINVAL for a hostname that is not an IP
 * literal, WSAEMFILE), a TypeError for options of the wrong type, or
 * `signal.reason` when `signal` has already aborted.
 *
 * @example
 * ```ts
 * import { listen } from "../../mod.ts";
 * await using listener = listen({ hostname: "127.0.0.1", port: 0, backlog: 8 });
 * console.log(listener.addr.port > 0, listener.stats().backlog); // true 8
 * ```
 */
export function listen(options: ListenOptions = {}): Listener {
  const { hostname = "0.0.0.0", port = 0, backlog = SOMAXCONN, osBacklog, signal } = options;
  if (typeof hostname !== "string") throw new TypeError("hostname must be a string");
  if (typeof port !== "number") throw new TypeError("port must be a number");
  if (typeof backlog !== "number") throw new TypeError("backlog must be a number");
  if (osBacklog !== undefined && (!Number.isInteger(osBacklog) || osBacklog < 1 || osBacklog > 65535)) {
    throw new RangeError("osBacklog must be an integer in [1, 65535]");
  }
  if (options.refusal !== undefined) checkRefusal(options.refusal);
  if (options.onRefused !== undefined && typeof options.onRefused !== "function") {
    throw new TypeError("onRefused must be a function");
  }
  const provider = options.provider ??
    (options.transport ? providerFor(options.transport) : sharedProvider());
  const address = hostname === "localhost" ? "127.0.0.1" : hostname;
  const family = familyOf(address);
  if (family === 0) {
    throw new WinsockError(WSA.WSAEINVAL, `hostname must be an IP literal or "localhost": ${hostname}`);
  }
  const s = provider.socket(family === AF_INET6 ? AF_INET6 : AF_INET, 1, 0, OWNER);
  if (s < 0) throw new WinsockError(-s);
  const fail = (code: number): never => {
    provider.closesocket(s);
    throw new WinsockError(code);
  };
  const bound = provider.bind(s, { family, address, port });
  if (bound < 0) fail(-bound);
  const onRefused = options.onRefused;
  provider.setRefusal(s, onRefused ? withRefusedHook(options.refusal, onRefused) : options.refusal);
  const listening = provider.listen(s, backlog, Profile.Winsock2, osBacklog);
  if (listening < 0) fail(-listening);
  if (signal?.aborted) {
    provider.closesocket(s);
    throw signal.reason;
  }
  return new Listener(provider, s, provider.describe(s)!.local!, signal);
}
