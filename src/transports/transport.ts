/**
 * What the provider needs from a network: reserve a local address, take the
 * connections that arrive at it, connect out, and move bytes. The TCP transport
 * (src/transports/tcp_transport.ts) implements it on Deno.listen / Deno.connect; the
 * in-memory transport implements it with no OS sockets. The provider, not the
 * transport, decides which connections are admitted and which are refused.
 *
 * @module
 */

import type { SockAddr } from "../shared/_sockaddr.ts";

/** A connected byte stream. */
export interface StreamConn {
  /** This end's address. */
  readonly local: SockAddr;
  /** The peer's address. */
  readonly remote: SockAddr;
  /**
   * Reads into `buf`; resolves the byte count, or null at the peer's orderly
   * close. A rejection may carry any error: the provider turns it into a
   * WinsockError (WSAECONNRESET unless it maps to another code).
   */
  read(buf: Uint8Array): Promise<number | null>;
  /**
   * Writes from `data`; resolves how many bytes were written, at least 1 (the
   * provider writes the rest of a short write). Rejects as `read`.
   */
  write(data: Uint8Array): Promise<number>;
  /** Orderly close: the peer reads the end of the stream. Idempotent. */
  close(): void;
  /**
   * Abortive close, used to refuse or drop a pending connection: the peer sees
   * a reset where the transport can send one (TCP with native handles, memory);
   * on a Deno.TcpConn it is an orderly close (it cannot send RST). Idempotent.
   */
  reset(): void;
  /**
   * Half close (shutdown SD_SEND): the peer reads the end of the stream once the
   * bytes already written are delivered; this side can still read. Idempotent;
   * never throws. Optional: a transport without it keeps the stream open.
   */
  closeWrite?(): void;
  /**
   * The bytes a read can take now without waiting (FIONREAD). A transport that
   * cannot see the OS's buffer reports what it has already read ahead, and
   * starts reading ahead when called. Optional: without it FIONREAD reads 0.
   */
  available?(): number;
  /** Whether pending I/O keeps the process alive (Deno's `ref`/`unref`). Optional. */
  setRef?(on: boolean): void;
  /**
   * Hands the underlying Deno connection over to the caller, who owns it from
   * then on; this stream forgets it (without closing it). Undefined when it
   * cannot (bytes already read ahead, a read in flight). Only transports on
   * real OS sockets have it; the HTTP engine uses it to serve an accepted
   * connection with Deno's own HTTP server.
   */
  detach?(): Deno.Conn | undefined;
}

/** A reserved local address that connections arrive at. */
export interface Endpoint {
  /** The address actually reserved (port 0 resolved). */
  readonly local: SockAddr;
  /**
   * The next arriving connection. Only one call may be in flight. Rejects with a
   * WinsockError: WSAEINTR once the endpoint is closed; WSAENETDOWN when the
   * endpoint died underneath (the provider then marks the socket no longer
   * functional); any other code is taken as passing and retried.
   */
  accept(): Promise<StreamConn>;
  /**
   * Called after `accept` failed with WSAEMFILE (the process is out of file
   * descriptors): the next arriving connection, taken on a descriptor the
   * transport keeps in reserve for this, so that the caller can decide it at
   * once instead of leaving it in the OS queue. `short` is true when
   * descriptors were still short once it arrived: the caller refuses it at once,
   * and closing or resetting it gives the reserve back; false when they are
   * back (an ordinary arrival). Resolves undefined when no reserve is available
   * now. Optional: a transport whose accept never fails for lack of descriptors has none.
   */
  acceptSpare?(): Promise<{ conn: StreamConn; short: boolean } | undefined>;
  /**
   * Commits the endpoint to listening with an OS accept queue of `osBacklog`
   * connections (the kernel's queue, in front of acceptq's; not the Winsock backlog).
   * Connections that reached the endpoint before are refused (reset). Returns
   * nothing when that is done at once, or a promise that resolves when done and
   * rejects (WSAEADDRINUSE) when the address was lost meanwhile. The provider
   * calls `accept` only after `listen`.
   */
  listen(osBacklog: number): Promise<void> | void;
  /** Releases the address; a pending accept rejects. Idempotent. */
  close(): void;
  /** Whether a pending accept keeps the process alive (Deno's `ref`/`unref`), now and after `listen`. Optional. */
  setRef?(on: boolean): void;
}

/** A network the provider can run on. */
export interface Transport {
  /** "tcp" or "memory". */
  readonly name: string;
  /**
   * Reserves `addr` now. Throws a WinsockError: WSAEADDRINUSE, WSAEADDRNOTAVAIL,
   * WSAEACCES.
   */
  bind(addr: SockAddr): Endpoint;
  /** Connects to `to`. Rejects with a WinsockError (WSAECONNREFUSED, WSAETIMEDOUT, ...). */
  connect(to: SockAddr, signal: AbortSignal): Promise<StreamConn>;
  /** Live objects (endpoints and connections) the transport still holds: 0 after a clean shutdown. */
  live(): number;
}
