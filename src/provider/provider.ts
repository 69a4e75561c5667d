/**
 * The service provider: the one state machine behind every face (Winsock 2 and
 * 1.1, SPI, WSK, the idiomatic listener), as Windows layers ws2_32 over a
 * provider (SPEC 4.4). It owns the WebAssembly core (socket table, accept
 * queues, backlog clamping) and a transport (real I/O), and reports like an SPI
 * provider: synchronous calls return a value >= 0 or a negated Winsock code;
 * asynchronous calls reject with a WinsockError.
 *
 * Each listening stream socket has one accept pump: it takes every connection
 * the transport delivers and asks the core to admit it. Admitted connections
 * wait in the core's ring until `accept` takes them; every other one is refused
 * at once and counted. Connections that reach a socket that is bound but not
 * listening are refused by the transport (reset when it listens or closes), and
 * an in-process `connect` to one gets WSAECONNREFUSED at once.
 *
 * @module
 */

import { instantiateCore } from "../core/_core.ts";
import { CoreLimits, type CoreOps, type Profile, SocketState, StatField } from "../core/_abi.ts";
import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  IPPROTO_TCP,
  IPPROTO_UDP,
  SD_BOTH,
  SD_RECEIVE,
  SD_SEND,
  SOCK_DGRAM,
  SOCK_STREAM,
} from "../shared/constants.ts";
import { int32 } from "../shared/_c_int.ts";
import { wsaCodeOf } from "../shared/_deno_errors.ts";
import { WinsockError, WSA } from "../shared/errors.ts";
import { HandleTable } from "./_handles.ts";
import { RecordTable } from "./_records.ts";
import { LocalPeers } from "./_local_peers.ts";
import {
  checkOutParam,
  checkSockAddr,
  fillSockAddr,
  isGroupAddress,
  isWildcard,
  type SockAddr,
  SOCKADDR_FIELDS,
} from "../shared/_sockaddr.ts";
import {
  isOsBacklog,
  type ListenerStats,
  PROVIDER_DEFAULTS,
  type ProviderOptions,
  type SocketInfo,
} from "./_options.ts";
import {
  failRecord,
  localOf,
  newRecord,
  type Pending,
  remoteOf,
  type SocketRecord,
  STATE_NAMES,
} from "./_socket_record.ts";
import { Acceptor } from "./_acceptor.ts";
import { PortSharing } from "./_port_sharing.ts";
import { checkRefusal, DEFAULT_REFUSAL, type Refusal } from "./refusal.ts";
import { Connector } from "./_connector.ts";
import { getSocketOption, setSocketOption } from "./_socket_options.ts";
import { type Lane, runInLane } from "./_io_lanes.ts";
import { DEFAULT_TRANSPORT, transportNamed } from "../transports/_by_name.ts";
import type { Endpoint, StreamConn, Transport } from "../transports/transport.ts";
import { closeQuietly, resetQuietly } from "./_release.ts";

export type { ListenerStats, ProviderOptions, SocketInfo };

/**
 * The service provider. Most code uses it through a face (the Winsock calls,
 * the SPI calls, WSK or `listen()`); all faces of a process share one provider.
 *
 * @example Listening on loopback through the provider directly
 * ```ts
 * import { Provider } from "./provider.ts";
 * const provider = new Provider();
 * const s = provider.socket(2, 1, 6, "example"); // AF_INET, SOCK_STREAM, IPPROTO_TCP
 * provider.bind(s, { family: 2, address: "127.0.0.1", port: 0 });
 * console.log(provider.listen(s, 16, 0), provider.stats(s)?.backlog); // 0 16
 * provider.closesocket(s);
 * ```
 */
export class Provider {
  /** The network this provider runs on. */
  readonly transport: Transport;
  readonly #core: CoreOps;
  readonly #records: RecordTable<SocketRecord>;
  readonly #pending = new HandleTable<Pending>();
  readonly #peers = new LocalPeers();
  readonly #acceptor: Acceptor;
  readonly #sharing: PortSharing;
  readonly #connector: Connector;
  readonly #capacity: number;
  readonly #osBacklog: number | "backlog";

  /** Makes a provider; throws RangeError for options outside their documented ranges. */
  constructor(options: ProviderOptions = {}) {
    this.transport = options.transport ?? transportNamed(DEFAULT_TRANSPORT);
    this.#core = options.core ?? instantiateCore();
    const maxSockets = options.maxSockets ?? PROVIDER_DEFAULTS.maxSockets;
    const queueSlots = options.queueSlots ?? PROVIDER_DEFAULTS.queueSlots;
    const init = this.#core.init(maxSockets, queueSlots);
    if (init !== 0 || !Number.isInteger(maxSockets) || !Number.isInteger(queueSlots)) {
      throw new RangeError(`maxSockets must be in [1, 2^20] and queueSlots in [1, 2^24] (integers)`);
    }
    for (const [profile, range] of Object.entries(options.backlogRange ?? {})) {
      if (!range || this.#core.configure(Number(profile), range[0], range[1]) !== 0) {
        throw new RangeError(
          `backlogRange[${profile}] must be [min, max] with 1 <= min <= max <= ${CoreLimits.hintMax}`,
        );
      }
    }
    this.#capacity = maxSockets;
    this.#records = new RecordTable(maxSockets);
    this.#osBacklog = options.osBacklog ?? PROVIDER_DEFAULTS.osBacklog;
    if (this.#osBacklog !== "backlog" && !isOsBacklog(this.#osBacklog)) {
      throw new RangeError('osBacklog must be an integer in [1, 65535] or "backlog"');
    }
    const connectTimeoutMs = options.connectTimeoutMs ?? PROVIDER_DEFAULTS.connectTimeoutMs;
    if (!(connectTimeoutMs > 0)) throw new RangeError("connectTimeoutMs must be > 0");
    this.#acceptor = new Acceptor(
      this.#core,
      this.#records,
      this.#pending,
      this.#peers,
      (s) => this.closesocket(s),
      options.refusal === undefined ? DEFAULT_REFUSAL : checkRefusal(options.refusal),
    );
    this.#connector = new Connector(this.transport, this.#core, this.#records, this.#peers, connectTimeoutMs);
    this.#sharing = new PortSharing(
      this.transport,
      this.#core,
      this.#records,
      this.#acceptor,
      this.#osBacklog,
    );
  }

  // ─── Socket lifetime ──────────────────────────────────────────────────────

  /**
   * socket(): a new descriptor, or a negated code, checked in Windows' order
   * (Wine's test_WSASocket): AF_UNSPEC with protocol 0 is WSAEINVAL; then an
   * unknown type (WSAESOCKTNOSUPPORT), family (WSAEAFNOSUPPORT), protocol or a
   * protocol of the other type (WSAEPROTONOSUPPORT); then WSAEMFILE. Type 0
   * takes the protocol's type (TCP when 0); AF_UNSPEC with a protocol is AF_INET.
   */
  socket(af: number, type: number, protocol: number, owner: string): number {
    af = int32(af);
    type = int32(type);
    protocol = int32(protocol);
    if (af === AF_UNSPEC && protocol === 0) return -WSA.WSAEINVAL;
    if (type !== 0 && type !== SOCK_STREAM && type !== SOCK_DGRAM) return -WSA.WSAESOCKTNOSUPPORT;
    if (af !== AF_INET && af !== AF_INET6 && af !== AF_UNSPEC) return -WSA.WSAEAFNOSUPPORT;
    if (protocol !== 0 && protocol !== IPPROTO_TCP && protocol !== IPPROTO_UDP) {
      return -WSA.WSAEPROTONOSUPPORT;
    }
    const kind = type !== 0 ? type : protocol === IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
    const expected = kind === SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    if (protocol !== 0 && protocol !== expected) return -WSA.WSAEPROTONOSUPPORT;
    const s = this.#core.socket(kind);
    if (s < 0) return s;
    this.#records.set(s, newRecord(af === AF_UNSPEC ? AF_INET : af, kind, expected, owner));
    return s;
  }

  /**
   * bind(): reserves `name` for real (port 0 picks a free port). Returns 0 or a
   * negated code: WSAENOTSOCK, WSAEFAULT (null name), WSAEAFNOSUPPORT, WSAEINVAL
   * (bad address or already bound), WSAEADDRINUSE, WSAEADDRNOTAVAIL (not this
   * host's, multicast or broadcast), WSAEACCES. Binds that share a port follow
   * Windows (src/provider/_port_share.ts). Throws TypeError for a name of the
   * wrong JavaScript type.
   */
  bind(s: number, name: SockAddr): number {
    const rec = this.#records.get(s);
    if (!rec) return -WSA.WSAENOTSOCK;
    if (rec.failure) return -rec.failure.code;
    const bad = checkSockAddr(name, rec.af);
    if (bad) return -bad;
    if (this.#core.stat(s, StatField.State) !== SocketState.Created) return -WSA.WSAEINVAL;
    // Windows refuses a multicast or broadcast address (ReactOS's bind test); Linux would bind it.
    if (isGroupAddress(name.address)) return -WSA.WSAEADDRNOTAVAIL;
    const addr = { family: name.family, address: name.address, port: name.port };
    if (rec.type === SOCK_STREAM) {
      const host = addr.port === 0 ? 0 : this.#sharing.holder(s, rec, addr);
      if (typeof host === "number" && host < 0) return host;
      if (typeof host === "object") {
        const joined = this.#sharing.join(s, rec, host, addr);
        if (joined < 0) return joined;
      } else {
        let endpoint: Endpoint;
        try {
          endpoint = this.transport.bind(addr);
        } catch (error) {
          const code = wsaCodeOf(error, WSA.WSAEADDRNOTAVAIL);
          // A port held outside this provider: with SO_REUSEADDR, Windows answers WSAEACCES
          // (the holder did not set it, as Deno's and other programs' sockets cannot show).
          return -(code === WSA.WSAEADDRINUSE && rec.reuseAddress ? WSA.WSAEACCES : code);
        }
        rec.endpoint = endpoint;
        rec.local = endpoint.local;
      }
    } else {
      // Datagram sockets are recorded, not reserved: acceptq moves no datagrams. A
      // passing stream reservation on port 0 checks that the address is this host's
      // (WSAEADDRNOTAVAIL otherwise, as Windows says) and picks the port for port 0.
      try {
        const probe = this.transport.bind({ ...addr, port: 0 });
        rec.local = { ...addr, port: addr.port || probe.local.port };
        probe.close();
      } catch (error) {
        return -wsaCodeOf(error, WSA.WSAEADDRNOTAVAIL);
      }
    }
    this.#core.bind(s);
    return 0;
  }

  /**
   * closesocket(): frees the descriptor. A listener resets its queued
   * connections, rejects its pending accepts with WSAEINTR and releases its
   * address (on TCP a listener's port is free for a new bind one event-loop turn
   * later: Deno releases it once its pending accept is cancelled); pending I/O on
   * a connection rejects with WSAEINTR. Returns 0 or -WSAENOTSOCK.
   */
  closesocket(s: number): number {
    const rec = this.#records.get(s);
    if (!rec) return -WSA.WSAENOTSOCK;
    rec.closed = true;
    this.#records.delete(s);
    const handedBack = this.#core.close(s);
    for (let i = 0; i < handedBack; i++) resetQuietly(this.#pending.take(this.#core.handback(i))?.conn);
    if (rec.waiters.length > 0) {
      // Made only when needed: building an Error (its stack) is a real cost on every close.
      const interrupted = new WinsockError(WSA.WSAEINTR, "the socket was closed");
      for (const waiter of rec.waiters.splice(0)) waiter.reject(interrupted);
    }
    rec.share?.leave(s, rec);
    closeQuietly(rec.endpoint);
    closeQuietly(rec.conn);
    rec.connecting?.abort();
    return 0;
  }

  // ─── Listening and accepting ──────────────────────────────────────────────

  /**
   * listen() under `profile`: clamps the backlog, makes the socket passive and
   * commits its address with an OS queue of `osBacklog` (default: the
   * provider's `osBacklog` option). A re-listen follows the profile (SPEC L6):
   * dropped connections are reset.
   * Returns 0 or a negated code in Winsock's order: WSAENOTSOCK, WSAEOPNOTSUPP,
   * WSAEISCONN, WSAEINVAL (not bound; NaN backlog), WSAENOBUFS.
   */
  listen(s: number, backlog: number, profile: Profile, osBacklog?: number): number {
    const rec = this.#records.get(s);
    if (!rec) return -WSA.WSAENOTSOCK;
    if (rec.failure) return -rec.failure.code;
    const state = this.#core.stat(s, StatField.State);
    const wasListening = state === SocketState.Listening;
    if (state === SocketState.Bound && rec.type === SOCK_STREAM && !rec.endpoint && !rec.share) {
      // Bound by a connect that failed, before it had an address: Windows binds such a socket to
      // the wildcard address and a free port at connect, so it can listen. Bind it that way now.
      try {
        rec.endpoint = this.transport.bind({
          family: rec.af,
          address: rec.af === AF_INET6 ? "::" : "0.0.0.0",
          port: 0,
        });
      } catch (error) {
        return -wsaCodeOf(error, WSA.WSAEADDRNOTAVAIL);
      }
      rec.local = rec.endpoint.local;
    }
    // The core converts the backlog as C converts a double to int (toward zero, saturated)
    // and checks it, NaN included, in Winsock's order. An integer that fits 32 bits is
    // first read as the C int with those bits (0xffffffff is -1, SOMAXCONN_HINT(1)).
    const result = this.#core.listen(s, int32(backlog), profile);
    if (result < 0) return result;
    for (let i = 0; i < result; i++) resetQuietly(this.#pending.take(this.#core.handback(i))?.conn);
    const share = rec.share;
    if (share && !share.listening) {
      share.listening = true;
      const configured = osBacklog ?? this.#osBacklog;
      this.#sharing.listen(
        share,
        configured === "backlog" ? this.#core.stat(s, StatField.Backlog) : configured,
      );
    } else if (!wasListening && !share && rec.endpoint) {
      const configured = osBacklog ?? this.#osBacklog;
      const committing = rec.endpoint.listen(
        configured === "backlog" ? this.#core.stat(s, StatField.Backlog) : configured,
      );
      this.#acceptor.pump(s, rec, rec.endpoint).catch((error) => failRecord(rec, error));
      if (committing) {
        rec.committing = committing.then(
          () => {
            rec.committing = undefined;
          },
          (error) => {
            rec.committing = undefined;
            failRecord(rec, error);
          },
        );
      }
    }
    return 0;
  }

  /**
   * accept(): the oldest queued connection as a new connected descriptor; fills
   * `addr` with the peer. Waits while the queue is empty, unless the socket is
   * non-blocking (WSAEWOULDBLOCK at once). Rejects with WSAENOTSOCK,
   * WSAEOPNOTSUPP, WSAEINVAL (not listening), WSAEMFILE (table full: the
   * connection stays queued), WSAEINTR (closesocket, or `signal` aborted).
   * Cancel-safe: a connection is taken from the queue only for a live caller.
   */
  accept(s: number, addr?: SockAddr | null, signal?: AbortSignal): Promise<number> {
    const rec = this.#records.get(s);
    if (!rec) return reject(WSA.WSAENOTSOCK);
    const taken = this.tryAccept(s, addr);
    if (taken >= 0) return Promise.resolve(taken);
    const cannot = this.#cannotWait(s, rec, taken, signal);
    if (cannot) return Promise.reject(cannot);
    return new Promise<number>((resolve, rejectWaiter) =>
      this.#acceptor.wait(rec, { resolve, reject: rejectWaiter, addr }, signal)
    );
  }

  /**
   * accept() for a face that settles a promise of its own (the idiomatic
   * listener), which saves the promise per connection that `accept` makes:
   * `onAccepted` gets the new descriptor synchronously, at once when a
   * connection is queued, else from the accept pump when one arrives;
   * `onFailed` gets the WinsockError (same rules and codes as `accept`). When
   * `onAccepted` throws, the descriptor is closed and `onFailed` gets the error.
   */
  acceptWith(
    s: number,
    onAccepted: (d: number) => void,
    onFailed: (error: unknown) => void,
    signal?: AbortSignal,
  ): void {
    const rec = this.#records.get(s);
    if (!rec) return onFailed(new WinsockError(WSA.WSAENOTSOCK));
    const taken = this.tryAccept(s);
    if (taken >= 0) {
      try {
        return onAccepted(taken);
      } catch (error) {
        this.closesocket(taken);
        return onFailed(error);
      }
    }
    const cannot = this.#cannotWait(s, rec, taken, signal);
    if (cannot) return onFailed(cannot);
    this.#acceptor.wait(rec, { resolve: onAccepted, reject: onFailed, addr: undefined }, signal);
  }

  /** Why an accept that found nothing to take (`taken` < 0) must fail now rather than wait. */
  #cannotWait(s: number, rec: SocketRecord, taken: number, signal?: AbortSignal): WinsockError | undefined {
    if (rec.failure) return rec.failure;
    if (taken !== -WSA.WSAEWOULDBLOCK) return new WinsockError(-taken);
    if (this.#core.stat(s, StatField.NonBlocking) === 1) return new WinsockError(WSA.WSAEWOULDBLOCK);
    if (signal?.aborted) return new WinsockError(WSA.WSAEINTR, "aborted");
    return undefined;
  }

  /**
   * The synchronous part of accept: a new descriptor for the oldest queued
   * connection (filling `addr`), or a negated code: WSAEWOULDBLOCK when nothing
   * is queued (whatever the blocking mode), WSAENOTSOCK, WSAEOPNOTSUPP,
   * WSAEINVAL, WSAEMFILE, or the code of the socket's failure. Throws what
   * filling `addr` throws, the connection taken for it closed.
   */
  tryAccept(s: number, addr?: SockAddr | null): number {
    const rec = this.#records.get(s);
    if (!rec) return -WSA.WSAENOTSOCK;
    checkOutParam(addr, "addr", SOCKADDR_FIELDS);
    if (rec.failure) return -rec.failure.code;
    const taken = this.#core.take(s);
    if (taken < 0) return taken;
    try {
      return this.#acceptor.adopt(taken, rec, addr);
    } catch (error) {
      // Filling `addr` threw (checked writable, so only a throwing setter gets here): the caller
      // never gets the descriptor, so it is closed with its connection, as for a waiting accept.
      this.closesocket(taken);
      throw error;
    }
  }

  /** The listener's counters, or undefined when `s` is not a listening socket. */
  stats(s: number): ListenerStats | undefined {
    const rec = this.#records.get(s);
    if (!rec || this.#core.stat(s, StatField.State) !== SocketState.Listening) return undefined;
    const stat = (field: number) => this.#core.stat(s, field);
    return {
      backlog: stat(StatField.Backlog),
      queued: stat(StatField.Queued),
      admitted: stat(StatField.Admitted),
      accepted: stat(StatField.Taken),
      refused: stat(StatField.Refused) + rec.refusedShort,
      dropped: stat(StatField.Dropped),
      highWater: stat(StatField.HighWater),
    };
  }

  /**
   * Sets how the listener `s` ends the connections it refuses (before or after
   * `listen`): `"reset"`, `"close"` or a refusal handler (see `Refusal`);
   * undefined goes back to the provider's `refusal` option. Returns 0 or
   * -WSAENOTSOCK; throws TypeError for any other value.
   */
  setRefusal(s: number, refusal: Refusal | undefined): number {
    const checked = refusal === undefined ? undefined : checkRefusal(refusal);
    const rec = this.#records.get(s);
    if (!rec) return -WSA.WSAENOTSOCK;
    rec.refusal = checked;
    return 0;
  }

  // ─── Connections ──────────────────────────────────────────────────────────

  /**
   * connect(): connects a stream socket (a datagram socket just records its
   * peer). Against a listener in this process, a full queue rejects exactly
   * with WSAECONNREFUSED. Rejects with WSAENOTSOCK, WSAEFAULT, WSAEAFNOSUPPORT,
   * WSAEINVAL (listening, or a bad address), WSAEISCONN, WSAEALREADY,
   * WSAEADDRNOTAVAIL (a stream connect to a wildcard address or port 0),
   * WSAECONNREFUSED, WSAETIMEDOUT, WSAENETUNREACH, WSAEINTR (closesocket, or `signal` aborted).
   */
  async connect(s: number, name: SockAddr, signal?: AbortSignal): Promise<0> {
    const rec = this.#records.get(s);
    if (!rec) throw new WinsockError(WSA.WSAENOTSOCK);
    if (rec.failure) throw rec.failure;
    if (rec.type === SOCK_DGRAM && name?.family === AF_UNSPEC) {
      rec.remote = undefined; // a datagram socket connected to AF_UNSPEC is disconnected
      return 0;
    }
    const bad = checkSockAddr(name, rec.af);
    if (bad) throw new WinsockError(bad);
    if (rec.type === SOCK_DGRAM && this.#core.stat(s, StatField.State) === SocketState.Connected) {
      rec.remote = { family: name.family, address: name.address, port: name.port }; // a new peer
      return 0;
    }
    const begun = this.#core.beginConnect(s);
    if (begun < 0) throw new WinsockError(-begun);
    const to = { family: name.family, address: name.address, port: name.port };
    if (rec.type === SOCK_DGRAM) {
      rec.remote = to;
      this.#core.endConnect(s, 1);
      return 0;
    }
    if (isWildcard(to.address) || to.port === 0) {
      // Windows: the remote address is not valid (Linux would connect 0.0.0.0 to this host).
      this.#core.endConnect(s, 0);
      throw new WinsockError(WSA.WSAEADDRNOTAVAIL, "cannot connect to a wildcard address or port 0");
    }
    rec.share?.leave(s, rec); // a bound socket that connects gives its address up
    return await this.#connector.connect(s, rec, to, signal);
  }

  /**
   * send(): writes all of `data`; resolves its length. Sends on one socket go
   * out in call order. Rejects with WSAENOTSOCK, WSAEFAULT (null), WSAENOTCONN,
   * WSAECONNRESET, WSAEINTR (closesocket). TypeError when `data` is not a Uint8Array.
   */
  send(s: number, data: Uint8Array): Promise<number> {
    return this.#inLane(s, data, "data", "writes", 0) as Promise<number>;
  }

  /**
   * recv(): reads into `buf`; resolves the byte count, 0 at the peer's orderly
   * close. Receives on one socket are served in call order. Rejects like `send`.
   */
  recv(s: number, buf: Uint8Array): Promise<number> {
    return this.#inLane(s, buf, "buf", "reads", 0) as Promise<number>;
  }

  /**
   * recv() as a stream reads: null (not 0) at the peer's orderly close, and
   * also (not WSAEINTR) when this side closes the socket while the read
   * waits; 0 only for an empty `buf`.
   */
  read(s: number, buf: Uint8Array): Promise<number | null> {
    return this.#inLane(s, buf, "buf", "reads", null);
  }

  /**
   * Whether the socket keeps the process alive, as Deno's `ref`/`unref`: a
   * listener's pending accept, a connection's pending I/O. Sockets are ref'd
   * by default. Returns 0 or -WSAENOTSOCK; a no-op where the transport has no
   * such notion (the in-memory network never keeps the process alive).
   */
  setRef(s: number, on: boolean): number {
    const rec = this.#records.get(s);
    if (!rec) return -WSA.WSAENOTSOCK;
    rec.endpoint?.setRef?.(on);
    rec.conn?.setRef?.(on);
    return 0;
  }

  /**
   * Hands an accepted connection's underlying Deno connection over (for
   * example to Deno's HTTP engine) and frees the descriptor; the caller owns
   * and closes the connection from then on. Returns undefined (and changes
   * nothing) when `s` is not a connected socket or its transport cannot hand
   * its connections over (the in-memory network).
   */
  detach(s: number): Deno.Conn | undefined {
    const rec = this.#records.get(s);
    if (!rec?.conn?.detach || rec.readsPending > 0 || rec.writesPending > 0) return undefined;
    const conn = rec.conn.detach();
    rec.conn = undefined;
    this.closesocket(s);
    return conn;
  }

  // ─── Names and options ────────────────────────────────────────────────────

  /** getsockname(): fills `name`. Returns 0, -WSAENOTSOCK, -WSAEFAULT (null), -WSAEINVAL (unbound). */
  getsockname(s: number, name: SockAddr): number {
    const rec = this.#records.get(s);
    if (!rec) return -WSA.WSAENOTSOCK;
    if (name === null || name === undefined) return -WSA.WSAEFAULT;
    checkOutParam(name, "name", SOCKADDR_FIELDS);
    const local = localOf(rec);
    if (!local) return -WSA.WSAEINVAL;
    fillSockAddr(name, local);
    return 0;
  }

  /**
   * getpeername(): fills `name` with the peer of a connected socket (a datagram
   * socket: the address it connected to). Checked as Windows does
   * (Wine's test_getpeername): WSAENOTSOCK, then WSAENOTCONN (a listener
   * included), then WSAEFAULT (null name). Returns 0 or a negated code.
   */
  getpeername(s: number, name: SockAddr): number {
    const rec = this.#records.get(s);
    if (!rec) return -WSA.WSAENOTSOCK;
    const peer = rec.type === SOCK_STREAM && !rec.conn ? undefined : remoteOf(rec);
    if (!peer) return -WSA.WSAENOTCONN;
    if (name === null || name === undefined) return -WSA.WSAEFAULT;
    checkOutParam(name, "name", SOCKADDR_FIELDS);
    fillSockAddr(name, peer);
    return 0;
  }

  /**
   * shutdown(s, how) (so named beside `shutdown()`, which takes the network
   * away): SD_RECEIVE ends receiving (recv: WSAESHUTDOWN), SD_SEND ends sending
   * once the sends already made are out (the peer reads the end of the stream;
   * send: WSAESHUTDOWN), SD_BOTH both. `how` is a C int. Returns 0,
   * -WSAENOTSOCK, -WSAEINVAL (another `how`), -WSAENOTCONN (a stream socket with
   * no connection, a listener included). A datagram socket just records it.
   */
  shutdownSocket(s: number, how: number): number {
    const rec = this.#records.get(s);
    if (!rec) return -WSA.WSAENOTSOCK;
    how = int32(how);
    if (how !== SD_RECEIVE && how !== SD_SEND && how !== SD_BOTH) return -WSA.WSAEINVAL;
    if (rec.type === SOCK_STREAM && !rec.conn) return -WSA.WSAENOTCONN;
    if (how !== SD_SEND) rec.shutRead = true;
    if (how === SD_RECEIVE || rec.shutWrite) return 0;
    rec.shutWrite = true;
    const conn = rec.conn;
    if (conn) {
      const end = () => conn.closeWrite?.();
      // After the sends already made; closeWrite neither throws nor rejects.
      if (rec.writesPending > 0) rec.writes?.then(end, end);
      else end();
    }
    return 0;
  }

  /**
   * ioctlsocket(FIONREAD): the bytes a recv can take now without waiting (0 on
   * a socket with no connection). Returns 0 or -WSAENOTSOCK.
   */
  available(s: number, out: { value: number }): number {
    const rec = this.#records.get(s);
    if (!rec) return -WSA.WSAENOTSOCK;
    out.value = rec.conn && !rec.shutRead ? rec.conn.available?.() ?? 0 : 0;
    return 0;
  }

  /**
   * getsockopt(): SO_ACCEPTCONN (1 while listening), SO_TYPE, SO_ERROR,
   * SO_REUSEADDR and SO_EXCLUSIVEADDRUSE at SOL_SOCKET. Levels and names are
   * compared as C ints. Returns 0, -WSAENOTSOCK, -WSAEFAULT (null optval),
   * -WSAEINVAL (a level Windows does not know), -WSAENOPROTOOPT (an option
   * acceptq does not have at a known level: SOL_SOCKET, IPPROTO_IP, IPPROTO_IPV6,
   * IPPROTO_TCP, IPPROTO_UDP).
   */
  getsockopt(s: number, level: number, optname: number, optval: { value: number }): number {
    const rec = this.#records.get(s);
    if (!rec) return -WSA.WSAENOTSOCK;
    const state = this.#core.stat(s, StatField.State);
    return getSocketOption(rec, state, this.#core.stat(s, StatField.Type), level, optname, optval);
  }

  /**
   * setsockopt(): SO_ERROR (stored, as Windows does), SO_REUSEADDR and
   * SO_EXCLUSIVEADDRUSE (a non-zero C int turns each on; setting one while the
   * other is on is WSAEINVAL). SO_ACCEPTCONN, SO_TYPE and every other option:
   * -WSAENOPROTOOPT. Returns 0, -WSAENOTSOCK, -WSAEFAULT (null value),
   * -WSAEINVAL (unknown level, or the two address options together).
   */
  setsockopt(s: number, level: number, optname: number, value: number): number {
    const rec = this.#records.get(s);
    return rec ? setSocketOption(rec, level, optname, value) : -WSA.WSAENOTSOCK;
  }

  /** ioctlsocket(FIONBIO): sets non-blocking mode from `argp.value`. Returns 0 or a negated code. */
  setNonBlocking(s: number, on: boolean): number {
    if (!this.#records.has(s)) return -WSA.WSAENOTSOCK;
    return this.#core.setNonBlocking(s, on ? 1 : 0);
  }

  // ─── Whole-provider operations ────────────────────────────────────────────

  /**
   * Resolves when the listener's address is committed (at once when it already
   * is, or when `s` is not a listener); resolves with the failure when the
   * commit failed. Never rejects.
   */
  async committed(s: number): Promise<WinsockError | undefined> {
    const rec = this.#records.get(s);
    await rec?.committing;
    return rec?.failure;
  }

  /** Whether a listener's address commit is still in progress. */
  isCommitting(s: number): boolean {
    return this.#records.get(s)?.committing !== undefined;
  }

  /**
   * Takes the network away from every socket: each becomes no longer functional
   * (WSAENETDOWN; WSK reports STATUS_FILE_FORCED_CLOSED), its pending accepts
   * reject, its queued connections are reset and its address released. The
   * descriptors stay allocated until their owners close them.
   */
  shutdown(): void {
    const down = new WinsockError(WSA.WSAENETDOWN, "the provider was shut down");
    for (const rec of this.#records.values()) {
      failRecord(rec, down);
      closeQuietly(rec.endpoint);
      rec.endpoint = undefined;
      resetQuietly(rec.conn);
      rec.connecting?.abort();
    }
  }

  /** Closes every socket `owner` created (all sockets when omitted); returns how many. */
  closeAll(owner?: string): number {
    let closed = 0;
    for (const [s, rec] of this.#records.entries()) {
      if (owner === undefined || rec.owner === owner) closed += this.closesocket(s) === 0 ? 1 : 0;
    }
    return closed;
  }

  /** Reads the non-blocking flag into `out.value` (0 or 1). Returns 0 or -WSAENOTSOCK. */
  nonBlocking(s: number, out: { value: number }): number {
    if (!this.#records.has(s)) return -WSA.WSAENOTSOCK;
    out.value = this.#core.stat(s, StatField.NonBlocking);
    return 0;
  }

  /** The size of the socket table. */
  capacity(): number {
    return this.#capacity;
  }

  /** Descriptors open now. */
  openSockets(): number {
    return this.#records.size;
  }

  /** Pending connections held for the core's queues (handed to accept or reset on close). */
  pendingConnections(): number {
    return this.#pending.size;
  }

  /** The socket's state name in the core ("listening", ...), or undefined when it is not a socket. */
  stateOf(s: number): string | undefined {
    if (!this.#records.has(s)) return undefined;
    return STATE_NAMES[this.#core.stat(s, StatField.State)];
  }

  /**
   * The socket's identity: an object that stays the same while `s` names this
   * socket and that no later socket shares, although a closed descriptor's
   * number may come back. A face object keeps it to check, before each call,
   * that its descriptor still names its own socket. Undefined when `s` is not a socket.
   */
  identity(s: number): object | undefined {
    return this.#records.get(s);
  }

  /**
   * The connection of an accepted or connected stream socket and how long it
   * waited in the accept queue (ms; 0 for a connected one); undefined when `s`
   * has none. For a face that reads the addresses only when asked: the TCP
   * transport builds them on first use, and most connections never need them.
   */
  streamOf(s: number): { stream: StreamConn; queuedMs: number } | undefined {
    const rec = this.#records.get(s);
    return rec?.conn && { stream: rec.conn, queuedMs: rec.queuedMs ?? 0 };
  }

  /**
   * The socket's family, type and addresses, and for an accepted socket how long
   * its connection waited in the queue (ms); undefined when `s` is not a socket.
   */
  describe(s: number): SocketInfo | undefined {
    const rec = this.#records.get(s);
    return rec &&
      { af: rec.af, type: rec.type, local: localOf(rec), remote: remoteOf(rec), queuedMs: rec.queuedMs };
  }

  // ─── Internals ────────────────────────────────────────────────────────────

  #inLane(s: number, buffer: Uint8Array, what: string, lane: Lane, eof: 0 | null): Promise<number | null> {
    const rec = this.#records.get(s);
    return rec ? runInLane(rec, buffer, what, lane, eof) : reject(WSA.WSAENOTSOCK);
  }
}

function reject(code: number, detail?: string): Promise<never> {
  return Promise.reject(new WinsockError(code, detail));
}
