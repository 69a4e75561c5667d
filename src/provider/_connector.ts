/**
 * The connect side of the provider: a stream socket's `connect` through the
 * transport, with two things a plain connect lacks. A target listener in this
 * process is found first (a bound but not listening one refuses at once; one
 * still committing its address is waited for), and after the handshake the
 * client learns that listener's admission decision, so a full queue gives
 * exactly WSAECONNREFUSED (SPEC L5). A timer bounds every connect.
 *
 * @module
 */

import { type CoreOps, SocketState, StatField } from "../core/_abi.ts";
import { toWinsockError } from "../shared/_deno_errors.ts";
import { WinsockError, WSA } from "../shared/errors.ts";
import { addrKey, canonicalAddress, isWildcard, type SockAddr } from "../shared/_sockaddr.ts";
import type { Transport } from "../transports/transport.ts";
import type { LocalPeers } from "./_local_peers.ts";
import type { RecordTable } from "./_records.ts";
import type { SocketRecord } from "./_socket_record.ts";
import { closeQuietly } from "./_release.ts";

/** What an in-process target listener is doing when a connect reaches it. */
interface LocalTarget {
  listening: boolean;
  committing?: Promise<void>;
}

/** How long a client waits for an in-process listener's admission decision. */
const DECISION_MS = 2000;

/** The connect side of one provider. */
export class Connector {
  readonly #transport: Transport;
  readonly #core: CoreOps;
  readonly #records: RecordTable<SocketRecord>;
  readonly #peers: LocalPeers;
  readonly #timeoutMs: number;

  constructor(
    transport: Transport,
    core: CoreOps,
    records: RecordTable<SocketRecord>,
    peers: LocalPeers,
    timeoutMs: number,
  ) {
    this.#transport = transport;
    this.#core = core;
    this.#records = records;
    this.#peers = peers;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Connects the stream socket `s` (its connect already begun in the core) to
   * `to`; ends the core's connect either way. Rejects with WSAECONNREFUSED,
   * WSAETIMEDOUT, WSAENETUNREACH, WSAEINTR (closed, or `signal` aborted), ...
   */
  async connect(s: number, rec: SocketRecord, to: SockAddr, signal?: AbortSignal): Promise<0> {
    // Deno.connect cannot connect from a chosen local address: a bound socket gives its
    // reservation up, but only once connected, so that after a failed connect it can still listen.
    const reserved = rec.endpoint;
    const abort = new AbortController();
    rec.connecting = abort;
    const timer = setTimeout(() => abort.abort(), this.#timeoutMs);
    const cancel = () => abort.abort();
    signal?.addEventListener("abort", cancel, { once: true });
    const target = this.#localTarget(to);
    const local = target !== undefined;
    if (local) this.#peers.begin();
    try {
      if (target && !target.listening) {
        throw new WinsockError(WSA.WSAECONNREFUSED, "the socket there is bound, not listening");
      }
      await target?.committing; // a local listener still committing its address
      const conn = await this.#transport.connect(to, abort.signal);
      // A close or the timeout ends the wait at once (the catch below tells which).
      const admitted = !local || (await this.#peers.decision(addrKey(conn.local), DECISION_MS, abort.signal));
      if (abort.signal.aborted) {
        closeQuietly(conn);
        throw new WinsockError(WSA.WSAETIMEDOUT, "connect timed out waiting for the listener's decision");
      }
      if (!admitted) {
        closeQuietly(conn);
        throw new WinsockError(WSA.WSAECONNREFUSED, "the listener's queue is full");
      }
      if (rec.closed) {
        closeQuietly(conn);
        throw new WinsockError(WSA.WSAEINTR, "the socket was closed during connect");
      }
      this.#core.endConnect(s, 1);
      reserved?.close();
      if (rec.endpoint === reserved) rec.endpoint = undefined;
      rec.conn = conn;
      rec.local = conn.local;
      rec.remote = conn.remote;
      rec.soError = 0; // a successful connection clears SO_ERROR (Wine's test_select)
      return 0;
    } catch (error) {
      if (rec.closed) {
        throw new WinsockError(WSA.WSAEINTR, "the socket was closed during connect", { cause: error });
      }
      // Back to bound, as Windows leaves a socket whose connect failed (an unbound one takes a
      // wildcard address when it listens: Provider.listen).
      this.#core.endConnect(s, 0);
      if (signal?.aborted) throw new WinsockError(WSA.WSAEINTR, "connect was cancelled", { cause: error });
      throw toWinsockError(error, WSA.WSAECONNREFUSED);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", cancel);
      rec.connecting = undefined;
      if (local) this.#peers.end();
    }
  }

  /**
   * The socket of this provider whose address `to` reaches, if any (same family
   * and port), as a shared port routes (src/provider/_port_share.ts): a
   * listening socket on the exact address, else a listening wildcard one, else a
   * bound one (which refuses). Is it listening, is it committing.
   */
  #localTarget(to: SockAddr): LocalTarget | undefined {
    const address = canonicalAddress(to.address);
    let exact: LocalTarget | undefined;
    let wildcard: LocalTarget | undefined;
    for (const [s, rec] of this.#records.entries()) {
      const local = rec.endpoint || rec.share ? rec.local : undefined;
      if (!local || local.port !== to.port || local.family !== to.family) continue;
      const target = {
        listening: this.#core.stat(s, StatField.State) === SocketState.Listening,
        committing: rec.committing ?? rec.share?.committing,
      };
      if (canonicalAddress(local.address) === address) {
        if (target.listening) return target;
        exact ??= target;
      } else if (isWildcard(local.address) && !wildcard?.listening) wildcard = target;
    }
    return wildcard?.listening ? wildcard : exact ?? wildcard;
  }
}
