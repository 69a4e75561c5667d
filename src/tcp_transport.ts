/**
 * The TCP transport: real sockets through Deno.listen and Deno.connect.
 *
 * Facts it is built on (measured with Deno 2.9.6 on Linux; bench/results/transport_facts.md):
 * - Deno.listen is synchronous, so bind reports WSAEADDRINUSE at once.
 * - Only one accept() may be pending on a Deno.Listener (a second fails with Busy).
 * - A listener closed while an accept() is pending frees its port one event-loop
 *   turn later (longer while connections arrive); listening again before that
 *   fails with AddrInUse. So `listen` swaps the reservation for the real listener
 *   asynchronously, retrying briefly; in-process clients wait for it (`ready`).
 * - Deno.TcpConn.close() always sends FIN; there is no way to send RST. A refused
 *   client therefore reads an orderly end of stream.
 * - tcpBacklog is cast to i32 without checks; the provider passes only values it
 *   has clamped to [1, 65535].
 *
 * @module
 */

import { toWinsockError } from "./deno_errors.ts";
import { WinsockError, WSA } from "./errors.ts";
import { fromDenoAddr, type SockAddr } from "./sockaddr.ts";
import type { Endpoint, StreamConn, Transport } from "./transport.ts";

/** OS backlog of a reservation that is bound but not listening (its connections are refused). */
const BOUND_OS_BACKLOG = 16;
/** Waits before each attempt to listen again on a reserved port (about 0.3 s in all). */
const REOPEN_DELAYS_MS = [0, 1, 2, 5, 10, 20, 40, 80, 150];

class TcpStream implements StreamConn {
  readonly local: SockAddr;
  readonly remote: SockAddr;
  #conn: Deno.TcpConn;
  #closed = false;
  #onClose: () => void;

  constructor(conn: Deno.TcpConn, onClose: () => void) {
    this.#conn = conn;
    this.#onClose = onClose;
    this.local = fromDenoAddr(conn.localAddr);
    this.remote = fromDenoAddr(conn.remoteAddr);
  }

  async read(buf: Uint8Array): Promise<number | null> {
    try {
      return await this.#conn.read(buf);
    } catch (error) {
      throw toWinsockError(error, WSA.WSAECONNRESET);
    }
  }

  async write(data: Uint8Array): Promise<number> {
    let written = 0;
    try {
      while (written < data.length) written += await this.#conn.write(data.subarray(written));
    } catch (error) {
      throw toWinsockError(error, WSA.WSAECONNRESET);
    }
    return written;
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

  reset(): void {
    this.close();
  }
}

class TcpEndpoint implements Endpoint {
  local: SockAddr;
  #listener: Deno.TcpListener;
  #hostname: string;
  #closed = false;
  /** Set while the reservation is being swapped for the listening socket. */
  #swap: Promise<void> | undefined;
  #transport: TcpTransport;

  constructor(listener: Deno.TcpListener, hostname: string, transport: TcpTransport) {
    this.#listener = listener;
    this.#hostname = hostname;
    this.#transport = transport;
    this.local = fromDenoAddr(listener.addr);
  }

  async accept(): Promise<StreamConn> {
    while (true) {
      if (this.#closed) throw new WinsockError(WSA.WSAEINTR, "the endpoint was closed");
      if (this.#swap) {
        await this.#swap.catch(() => {});
        continue;
      }
      const listener = this.#listener;
      try {
        const conn = await listener.accept();
        return this.#transport.track(conn);
      } catch (error) {
        // The listener we waited on was closed: by close() (loop ends) or by a swap (wait for it).
        if (this.#closed || this.#swap || listener !== this.#listener) continue;
        // Closed by nobody here: the listening socket is gone.
        if (error instanceof Deno.errors.BadResource) {
          throw new WinsockError(WSA.WSAENETDOWN, "the listening socket is gone", { cause: error });
        }
        throw toWinsockError(error);
      }
    }
  }

  listen(backlog: number): Promise<void> {
    if (this.#closed) return Promise.reject(new WinsockError(WSA.WSAEINTR, "the endpoint was closed"));
    this.#closeListener();
    this.#swap = this.#reopen(backlog).finally(() => {
      this.#swap = undefined;
    });
    return this.#swap;
  }

  ready(): Promise<void> {
    return this.#swap?.catch(() => {}) ?? Promise.resolve();
  }

  /**
   * Listens again on the reserved port with `backlog`. The old listener's port
   * is released only once its pending accept has been cancelled, a macrotask or
   * more later (longer while connections are arriving), so this retries briefly.
   */
  async #reopen(backlog: number): Promise<void> {
    const port = this.local.port;
    let lastError: unknown;
    for (const delay of REOPEN_DELAYS_MS) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.#closed) throw new WinsockError(WSA.WSAEINTR, "the endpoint was closed");
      try {
        this.#listener = Deno.listen({
          hostname: this.#hostname,
          port,
          transport: "tcp",
          tcpBacklog: backlog,
        });
        return;
      } catch (error) {
        lastError = error;
        if (!(error instanceof Deno.errors.AddrInUse)) break;
      }
    }
    this.#closed = true;
    this.#transport.untrack(this);
    throw toWinsockError(lastError, WSA.WSAEADDRINUSE);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#swap) this.#closeListener();
    this.#transport.untrack(this);
  }

  #closeListener(): void {
    try {
      this.#listener.close();
    } catch {
      // Already closed.
    }
  }
}

/**
 * The TCP transport on Deno.listen / Deno.connect. Needs `--allow-net`.
 *
 * @example A provider on TCP (the default transport)
 * ```ts
 * import { TcpTransport } from "./tcp_transport.ts";
 * const tcp = new TcpTransport();
 * console.log(tcp.name, tcp.live()); // "tcp" 0
 * ```
 */
export class TcpTransport implements Transport {
  /** Always "tcp". */
  readonly name = "tcp";
  #live = new Set<unknown>();

  /** Reserves `addr` with a real listening socket whose connections the provider refuses until `listen`. */
  bind(addr: SockAddr): Endpoint {
    let listener: Deno.TcpListener;
    try {
      listener = Deno.listen({
        hostname: addr.address,
        port: addr.port,
        transport: "tcp",
        tcpBacklog: BOUND_OS_BACKLOG,
      });
    } catch (error) {
      throw toWinsockError(error, WSA.WSAEADDRNOTAVAIL);
    }
    const endpoint = new TcpEndpoint(listener, addr.address, this);
    this.#live.add(endpoint);
    return endpoint;
  }

  /** Connects with Deno.connect; `signal` aborts (the provider's timeout). */
  async connect(to: SockAddr, signal: AbortSignal): Promise<StreamConn> {
    try {
      const conn = await Deno.connect({ hostname: to.address, port: to.port, transport: "tcp", signal });
      return this.track(conn);
    } catch (error) {
      if (signal.aborted) throw new WinsockError(WSA.WSAETIMEDOUT, "connect timed out", { cause: error });
      throw toWinsockError(error, WSA.WSAECONNREFUSED);
    }
  }

  /** Endpoints and connections not yet closed. */
  live(): number {
    return this.#live.size;
  }

  /** @internal Wraps and counts a connection. */
  track(conn: Deno.TcpConn): StreamConn {
    const stream: StreamConn = new TcpStream(conn, () => this.#live.delete(stream));
    this.#live.add(stream);
    return stream;
  }

  /** @internal Forgets a closed endpoint. */
  untrack(endpoint: Endpoint): void {
    this.#live.delete(endpoint);
  }
}
