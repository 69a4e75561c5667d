/**
 * The accept side of the provider, in the order a connection meets it: the
 * accept pump takes every connection the transport delivers (`pump`), asks the
 * core to admit it into the listener's queue or refuses it at once (`arrive`),
 * hands queued connections to waiting accepts (`serveWaiters`, `wait`), and
 * gives each taken connection its new descriptor (`adopt`).
 *
 * @module
 */

import { type CoreOps, SocketState, StatField } from "../core/_abi.ts";
import { SOCK_STREAM } from "../shared/constants.ts";
import { wsaCodeOf } from "../shared/_deno_errors.ts";
import { WinsockError, WSA } from "../shared/errors.ts";
import { addrKey, fillSockAddr, type SockAddr } from "../shared/_sockaddr.ts";
import type { Endpoint, StreamConn } from "../transports/transport.ts";
import type { HandleTable } from "./_handles.ts";
import type { RecordTable } from "./_records.ts";
import type { LocalPeers } from "./_local_peers.ts";
import { type Refusal, refuse } from "./refusal.ts";
import { type PortShare, shareOf } from "./_port_share.ts";
import { failRecord, newRecord, type Pending, type SocketRecord, type Waiter } from "./_socket_record.ts";
import { resetQuietly } from "./_release.ts";

/** `Pending.admittedAt` of a connection handed to a waiting accept on arrival: it waited 0 ms. */
const HANDED_OVER = -1;

/**
 * How long the pump waits before accepting again after a passing OS failure
 * (such as running out of file descriptors): doubling from the first to the
 * last value while the failure lasts, back to the first after a success (as Go's
 * net/http server backs off from 5 ms to 1 s).
 */
export const ACCEPT_RETRY_MS = { first: 5, last: 1000 } as const;

/** The accept side of one provider: its pumps, admissions, waiters and adoptions. */
export class Acceptor {
  readonly #core: CoreOps;
  readonly #records: RecordTable<SocketRecord>;
  readonly #pending: HandleTable<Pending>;
  readonly #peers: LocalPeers;
  readonly #closesocket: (s: number) => number;
  readonly #refusal: Refusal;

  constructor(
    core: CoreOps,
    records: RecordTable<SocketRecord>,
    pending: HandleTable<Pending>,
    peers: LocalPeers,
    closesocket: (s: number) => number,
    refusal: Refusal,
  ) {
    this.#refusal = refusal;
    this.#core = core;
    this.#records = records;
    this.#pending = pending;
    this.#peers = peers;
    this.#closesocket = closesocket;
  }

  /** The accept pump of one listening stream socket: admit or refuse every arriving connection. */
  async pump(s: number, rec: SocketRecord, endpoint: Endpoint): Promise<void> {
    let retryMs: number = ACCEPT_RETRY_MS.first;
    while (!rec.closed && rec.endpoint === endpoint) {
      let conn: StreamConn;
      try {
        conn = await endpoint.accept();
      } catch (error) {
        if (rec.closed || rec.endpoint !== endpoint) return;
        const code = wsaCodeOf(error);
        if (code === WSA.WSAEINTR) return;
        if (code === WSA.WSAENETDOWN) return failRecord(rec, error);
        if (code === WSA.WSAEMFILE && await this.#shed(s, rec, endpoint)) continue;
        // A passing OS failure (out of descriptors with no reserve to decide with): back off and retry.
        await new Promise((resolve) => setTimeout(resolve, retryMs));
        retryMs = Math.min(retryMs * 2, ACCEPT_RETRY_MS.last);
        continue;
      }
      retryMs = ACCEPT_RETRY_MS.first;
      // A socket that has left its share (closed) keeps pumping until this accept is answered.
      const share = rec.share ?? (rec.closed || rec.endpoint !== endpoint ? shareOf(endpoint) : undefined);
      if (share) {
        // A shared port: the connection goes to the socket Windows would give it. When this
        // socket has left, the pump goes on as the new owner's, now that no accept is pending.
        this.#arriveShared(share, conn);
        if (rec.closed || rec.endpoint !== endpoint) {
          const owner = share.owner();
          if (owner && share.listening) {
            this.pump(owner.s, owner.rec, endpoint).catch((error) => failRecord(owner.rec, error));
          }
          return;
        }
        continue;
      }
      if (rec.closed || rec.endpoint !== endpoint) {
        resetQuietly(conn);
        return;
      }
      this.arrive(s, rec, conn);
    }
  }

  /** An arrival on a shared port: to the member that `route` picks, else refused. */
  #arriveShared(share: PortShare, conn: StreamConn): void {
    const target = share.route(conn, (t) => this.#core.stat(t, StatField.State) === SocketState.Listening);
    if (target) this.arrive(target.s, target.rec, conn);
    else refuse(conn, this.#refusal);
  }

  /**
   * The process is out of file descriptors: decides the next arriving
   * connection anyway, on the transport's reserve descriptor. While descriptors
   * are still short it is refused at once (a reset, whatever the listener's
   * refusal form, so that the reserve comes back at once) and counted as
   * refused; otherwise it arrives as usual. False when there was no reserve.
   */
  async #shed(s: number, rec: SocketRecord, endpoint: Endpoint): Promise<boolean> {
    const spare = await endpoint.acceptSpare?.();
    if (!spare) return false;
    const { conn, short } = spare;
    if (rec.closed || rec.endpoint !== endpoint) {
      resetQuietly(conn);
    } else if (!short) {
      const share = rec.share ?? shareOf(endpoint);
      if (share) this.#arriveShared(share, conn);
      else this.arrive(s, rec, conn);
    } else {
      rec.refusedShort++;
      if (this.#peers.active) this.#peers.announce(addrKey(conn.remote), false);
      resetQuietly(conn);
    }
    return true;
  }

  /** One arrival: admitted into the core's queue (and handed to a waiting accept), or refused at once. */
  arrive(s: number, rec: SocketRecord, conn: StreamConn): void {
    // An accept waiting on an empty queue takes this connection in this same call: it is not
    // queued at all, and performance.now() (a call into the runtime) is saved twice.
    const direct = rec.waiters.length > 0 && this.#core.stat(s, StatField.Queued) === 0;
    const handle = this.#pending.add({ conn, admittedAt: direct ? HANDED_OVER : performance.now() });
    const admitted = this.#core.admit(s, handle);
    if (this.#peers.active) this.#peers.announce(addrKey(conn.remote), admitted === 0);
    if (admitted === 0) {
      this.serveWaiters(s, rec);
      return;
    }
    // Refused: the queue is full (counted by the core); ended in the listener's refusal form.
    this.#pending.take(handle);
    refuse(conn, rec.refusal ?? this.#refusal);
  }

  /**
   * Queues `waiter` on the listener `rec`, to be settled by `serveWaiters` (or
   * by a close, a failure or `signal`, with WSAEINTR when aborted). Cancel-safe:
   * an abandoned waiter is removed before any connection is taken for it.
   */
  wait(rec: SocketRecord, waiter: Waiter, signal?: AbortSignal): void {
    if (signal) {
      const { resolve, reject } = waiter;
      const onAbort = () => {
        const at = rec.waiters.indexOf(waiter);
        if (at >= 0) rec.waiters.splice(at, 1);
        reject(new WinsockError(WSA.WSAEINTR, "aborted", { cause: signal.reason }));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      waiter.resolve = (d) => {
        signal.removeEventListener("abort", onAbort);
        resolve(d);
      };
      waiter.reject = (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      };
    }
    rec.waiters.push(waiter);
  }

  /** Hands queued connections to the listener's waiting accepts, oldest first. */
  serveWaiters(s: number, rec: SocketRecord): void {
    while (rec.waiters.length > 0) {
      const taken = this.#core.take(s);
      if (taken === -WSA.WSAEWOULDBLOCK) return;
      const waiter = rec.waiters.shift()!;
      if (taken < 0) {
        waiter.reject(new WinsockError(-taken)); // WSAEMFILE: the connection stays queued
        continue;
      }
      try {
        waiter.resolve(this.adopt(taken, rec, waiter.addr));
      } catch (error) {
        // Filling the caller's addr failed (checked writable, so only a throwing setter gets here), or an
        // acceptWith handler threw: this one waiter fails and its connection is closed; the pump goes on.
        this.#closesocket(taken);
        waiter.reject(error);
      }
    }
  }

  /** Gives the connection the core just dequeued to the new descriptor `d`; fills `addr` with the peer. */
  adopt(d: number, listener: SocketRecord, addr: SockAddr | null | undefined): number {
    const pending = this.#pending.take(this.#core.takenHandle());
    if (!pending) {
      throw new Error(`acceptq internal error: no connection for handle ${this.#core.takenHandle()}`);
    }
    const { conn, admittedAt } = pending;
    const rec = newRecord(
      listener.af,
      SOCK_STREAM,
      listener.protocol,
      listener.owner,
      conn,
      admittedAt === HANDED_OVER ? 0 : performance.now() - admittedAt,
    );
    rec.reuseAddress = listener.reuseAddress; // inherited, as on Windows (Wine's test_accept_inheritance)
    this.#records.set(d, rec);
    if (addr) fillSockAddr(addr, conn.remote); // only when asked: the address is built on first use
    return d;
  }
}
