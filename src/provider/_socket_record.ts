/**
 * What the provider keeps per descriptor beyond the core's table entry: the
 * transport objects, pending accepts, I/O lanes and state names.
 *
 * @module
 */

import { SocketState } from "../core/_abi.ts";
import { toWinsockError } from "../shared/_deno_errors.ts";
import { type WinsockError, WSA } from "../shared/errors.ts";
import type { SockAddr } from "../shared/_sockaddr.ts";
import type { PortShare } from "./_port_share.ts";
import type { Endpoint, StreamConn } from "../transports/transport.ts";
import type { Refusal } from "./refusal.ts";

/** A connection the core has queued, and when it was admitted (performance.now()). */
export interface Pending {
  conn: StreamConn;
  admittedAt: number;
}

export interface Waiter {
  resolve(s: number): void;
  reject(error: unknown): void;
  addr: SockAddr | null | undefined;
}

/** What the provider knows of a descriptor beyond the core's table entry. */
export interface SocketRecord {
  readonly af: number;
  readonly type: number;
  readonly protocol: number;
  /** The face that created it; WSACleanup closes only its own. */
  readonly owner: string;
  /** The local and peer addresses set by bind or connect; an accepted socket's are its conn's (`localOf`). */
  local?: SockAddr;
  remote?: SockAddr;
  endpoint?: Endpoint;
  /** The port share this bound socket is in (src/provider/_port_share.ts), if it shares its port. */
  share?: PortShare;
  conn?: StreamConn;
  /** For an accepted socket: how long its connection waited in the queue, in ms. */
  queuedMs?: number;
  waiters: Waiter[];
  /** Set when the socket can no longer work (its address was lost, its endpoint died, shutdown). */
  failure?: WinsockError;
  /**
   * A listener's address commit still in progress (a transport that commits
   * later, such as TCP while the port is still being released).
   */
  committing?: Promise<void>;
  connecting?: AbortController;
  /** A listener's own refusal form (`Provider.setRefusal`); the provider's when undefined. */
  refusal: Refusal | undefined;
  /** Connections a listener refused because the process was out of file descriptors. */
  refusedShort: number;
  /** The last read (write) started, and how many are unfinished: each waits for the one before. */
  reads: Promise<number | null> | undefined;
  writes: Promise<number | null> | undefined;
  readsPending: number;
  writesPending: number;
  closed: boolean;
  /** SO_ERROR: set by setsockopt, cleared by a successful connect. */
  soError: number;
  /** SO_REUSEADDR and SO_EXCLUSIVEADDRUSE (they exclude each other). */
  reuseAddress: boolean;
  exclusiveAddress: boolean;
  /** shutdown(SD_RECEIVE) / shutdown(SD_SEND) was called. */
  shutRead: boolean;
  shutWrite: boolean;
}

/** Socket state names by number ("listening", ...), as `Provider.stateOf` reports them. */
export const STATE_NAMES: readonly string[] = Object.entries(SocketState)
  .sort(([, x], [, y]) => x - y)
  .map(([name]) => name.toLowerCase());

/** A new record with every field written, in one order: one object shape for every record. */
export function newRecord(
  af: number,
  type: number,
  protocol: number,
  owner: string,
  conn?: StreamConn,
  queuedMs?: number,
): SocketRecord {
  // Every field written, in one order: one object shape for every record.
  return {
    af,
    type,
    protocol,
    owner,
    local: undefined,
    remote: undefined,
    endpoint: undefined,
    share: undefined,
    conn,
    queuedMs,
    waiters: [],
    failure: undefined,
    committing: undefined,
    connecting: undefined,
    refusal: undefined,
    refusedShort: 0,
    reads: undefined,
    writes: undefined,
    readsPending: 0,
    writesPending: 0,
    closed: false,
    soError: 0,
    reuseAddress: false,
    exclusiveAddress: false,
    shutRead: false,
    shutWrite: false,
  };
}

/**
 * The socket's local address: the one bind or connect set, else its
 * connection's (an accepted socket's, built only when first asked for: most
 * connections never are).
 */
export function localOf(rec: SocketRecord): SockAddr | undefined {
  return rec.local ?? rec.conn?.local;
}

/** The socket's peer address: the one connect set, else its connection's (as `localOf`). */
export function remoteOf(rec: SocketRecord): SockAddr | undefined {
  return rec.remote ?? rec.conn?.remote;
}

/**
 * Marks the socket as no longer functional with `error` (as a WinsockError;
 * WSAEADDRINUSE when it is not one) and rejects its waiting accepts. A closed
 * or already failed socket keeps what it has.
 */
export function failRecord(rec: SocketRecord, error: unknown): void {
  if (rec.closed || rec.failure) return;
  rec.failure = toWinsockError(error, WSA.WSAEADDRINUSE);
  for (const waiter of rec.waiters.splice(0)) waiter.reject(rec.failure);
}
