/**
 * A TCP endpoint on a native handle (src/transports/_node_tcp.ts): the
 * reservation of a bound socket is a handle listening with a deep OS queue and
 * nobody accepting (the connections that reach it wait there and are reset
 * when it listens or closes, as with Deno.listen); `listen` replaces it with a
 * handle listening with the asked OS queue in the same turn (a handle's port is
 * free at once after its close) and accepts every arriving connection as a
 * HandleStream, which a refusal resets.
 *
 * @module
 */

import { WinsockError, WSA } from "../shared/errors.ts";
import { AF_INET6 } from "../shared/constants.ts";
import { isWildcard, type SockAddr } from "../shared/_sockaddr.ts";
import type { Endpoint, StreamConn } from "./transport.ts";
import { errnoName, newServerHandle, newSocketHandle, type TcpHandle } from "./_node_tcp.ts";
import { type Adopt, HandleStream } from "./_handle_stream.ts";
import { handleAddr } from "./_socket_stream.ts";
import { learnTcpConnClass } from "./_tcp_conn_class.ts";
import { holdReserve, releaseReserve } from "./_descriptor_reserve.ts";

/**
 * OS backlog of a reservation that is bound but not listening: large, so that a
 * connection arriving then completes its handshake and is reset when the socket
 * listens or closes, instead of retrying its SYN.
 */
const BOUND_OS_BACKLOG = 4096;

/**
 * Winsock codes for the errors a handle's bind, listen or accept returns, by
 * name. Anything else at bind (EINVAL: an address this host does not have,
 * which the provider has already checked is a literal) is WSAEADDRNOTAVAIL.
 */
const HANDLE_ERROR_CODES: Readonly<Record<string, number>> = {
  EADDRINUSE: WSA.WSAEADDRINUSE,
  EADDRNOTAVAIL: WSA.WSAEADDRNOTAVAIL,
  EACCES: WSA.WSAEACCES,
  EPERM: WSA.WSAEACCES,
  EMFILE: WSA.WSAEMFILE,
  ENFILE: WSA.WSAEMFILE,
  ENOBUFS: WSA.WSAENOBUFS,
  ENOMEM: WSA.WSAENOBUFS,
};

function handleError(errno: number, what: string, fallback: number): WinsockError {
  const name = errnoName(errno);
  return new WinsockError(HANDLE_ERROR_CODES[name] ?? fallback, `${what} failed: ${name || errno}`);
}

/** A handle bound to `addr` and listening with `osBacklog`; throws a WinsockError. */
function openHandle(addr: SockAddr, osBacklog: number): TcpHandle {
  const handle = newServerHandle();
  const bound = addr.family === AF_INET6
    ? handle.bind6(addr.address, addr.port, 0)
    : handle.bind(addr.address, addr.port);
  const listening = bound === 0 ? handle.listen(osBacklog) : bound;
  if (listening !== 0) {
    handle.close();
    throw handleError(listening, "bind/listen", WSA.WSAEADDRNOTAVAIL);
  }
  return handle;
}

interface Waiter {
  resolve(conn: StreamConn): void;
  reject(error: unknown): void;
}

/** An endpoint whose listening socket is a native handle. */
export class HandleEndpoint implements Endpoint {
  readonly local: SockAddr;
  /**
   * The local address of every connection accepted here when the endpoint is
   * bound to a specific address (its own); undefined for a wildcard, where each
   * connection's depends on the interface it arrived on (getsockname, about
   * 3.5 µs per call through node:net's handle, a few per cent of the accept path).
   */
  #connLocal: SockAddr | undefined;
  #handle: TcpHandle | undefined;
  #closed = false;
  /** Whether the listening handle keeps the process alive (`setRef`). */
  #ref = true;
  #waiter: Waiter | undefined;
  /** Connections accepted while no `accept` was waiting (handed out in order). */
  #arrivals: StreamConn[] = [];
  #opened: () => void;
  #connClosed: () => void;
  #forget: () => void;
  #adopt: Adopt;

  /**
   * Reserves `addr` now (throws WSAEADDRINUSE, WSAEADDRNOTAVAIL, WSAEACCES).
   * `opened` and `closed` count the connections it makes (each made one is
   * closed once); `forget` is called once the endpoint is closed; `adopt`
   * wraps and counts the Deno.TcpConn an admitted connection becomes.
   */
  constructor(addr: SockAddr, opened: () => void, closed: () => void, forget: () => void, adopt: Adopt) {
    this.#adopt = adopt;
    this.#handle = openHandle(addr, BOUND_OS_BACKLOG);
    this.#handle.unref(); // a reservation does not keep the process alive (a listening one does)
    holdReserve(); // also readies Deno's signal handling, which panics when first set up out of descriptors
    this.local = handleAddr(this.#handle, "getsockname");
    this.#connLocal = isWildcard(this.local.address) ? undefined : this.local;
    this.#opened = opened;
    this.#connClosed = closed;
    this.#forget = forget;
  }

  accept(): Promise<StreamConn> {
    if (this.#closed) return Promise.reject(new WinsockError(WSA.WSAEINTR, "the endpoint was closed"));
    if (this.#waiter) return Promise.reject(new WinsockError(WSA.WSAEINPROGRESS, "an accept is pending"));
    const arrived = this.#arrivals.shift();
    if (arrived) return Promise.resolve(arrived);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  listen(osBacklog: number): Promise<void> | void {
    if (this.#closed) return Promise.reject(new WinsockError(WSA.WSAEINTR, "the endpoint was closed"));
    this.#handle?.close(); // resets what reached the reservation; the port is free at once
    this.#handle = undefined;
    try {
      this.#handle = openHandle(this.local, osBacklog);
    } catch (error) {
      this.close();
      return Promise.reject(error);
    }
    const handle = this.#handle;
    learnTcpConnClass(); // so that accepted connections can be detached as Deno.TcpConns
    if (!this.#ref) handle.unref();
    handle.onconnection = (status) => this.#arrive(handle, status);
  }

  /** Whether the listening handle keeps the process alive; a reservation never does. */
  setRef(on: boolean): void {
    this.#ref = on;
    if (!this.#handle?.onconnection) return; // still a reservation: stays unref'd
    if (on) this.#handle.ref();
    else this.#handle.unref();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handle?.close();
    this.#handle = undefined;
    for (const conn of this.#arrivals.splice(0)) conn.reset();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(new WinsockError(WSA.WSAEINTR, "the endpoint was closed"));
    releaseReserve();
    this.#forget();
  }

  /** One arriving connection (or a failure to take one, such as EMFILE) on the listening handle. */
  #arrive(handle: TcpHandle, status: number): void {
    if (this.#closed || handle !== this.#handle) return;
    let failure = status;
    let conn: StreamConn | undefined;
    if (failure === 0) {
      const client = newSocketHandle();
      failure = handle.accept(client);
      if (failure === 0) {
        conn = new HandleStream(client, this.#connClosed, this.#adopt, this.#connLocal);
        this.#opened();
      }
    }
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (conn) {
      if (waiter) waiter.resolve(conn);
      else this.#arrivals.push(conn);
    } else if (waiter) {
      // A passing failure (the process is out of descriptors, ...): the provider's pump tries again.
      waiter.reject(handleError(failure, "accept", WSA.WSAENOBUFS));
    }
  }
}
