/**
 * A reserved address of the in-memory namespace and the connections that arrived at it.
 *
 * @module
 */

import { WinsockError, WSA } from "../../shared/errors.ts";
import type { SockAddr } from "../../shared/_sockaddr.ts";
import type { Endpoint, StreamConn } from "../transport.ts";
import type { MemoryConn } from "./_conn.ts";
import type { Namespace } from "./_namespace.ts";
import { Fifo } from "./_fifo.ts";

/** An (address, port) taken in the namespace: by an endpoint, or by the client side of a connection. */
export interface Binding {
  readonly address: string;
  readonly endpoint?: MemoryEndpoint;
}

/** A reserved address in the namespace and the connections that arrived at it. */
export class MemoryEndpoint implements Endpoint {
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
    if (this.#closed) return Promise.reject(new WinsockError(WSA.WSAEINTR, "the endpoint was closed"));
    if (this.#waiter) {
      return Promise.reject(new WinsockError(WSA.WSAEINPROGRESS, "an accept is already pending"));
    }
    const conn = this.#arrivals.shift();
    if (conn) return Promise.resolve(conn);
    return new Promise((resolve, reject) => this.#waiter = { resolve, reject });
  }

  /**
   * Done at once (returns nothing): connections are taken from now on. A
   * rejected promise for a closed endpoint (WSAEINTR) or an OS backlog that is not
   * an integer in [1, 65535] (WSAEINVAL).
   */
  listen(osBacklog: number): Promise<void> | void {
    if (this.#closed) return Promise.reject(new WinsockError(WSA.WSAEINTR, "the endpoint was closed"));
    if (!Number.isInteger(osBacklog) || osBacklog < 1 || osBacklog > 65535) {
      return Promise.reject(new WinsockError(WSA.WSAEINVAL, "osBacklog must be an integer in [1, 65535]"));
    }
    this.listening = true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#namespace.unbind(this);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(new WinsockError(WSA.WSAEINTR, "the endpoint was closed"));
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
