/**
 * The Winsock 2 / 1.1 API (ws2_32): the calls of SPEC 4.1 with their C names
 * and shapes, over the shared provider. This layer adds what ws2_32 adds over a
 * provider: WSAStartup counting, the last-error slot, and the version's rules.
 *
 * - `WSAStartup(MAKEWORD(2, 2))` selects Winsock 2: SOMAXCONN_HINT honoured,
 *   re-listen keeps the backlog, concurrent calls allowed (accepts are served in
 *   call order, as are the sends and the receives of one socket).
 * - `WSAStartup(MAKEWORD(1, 1))` selects Winsock 1.1: backlog [1, 5],
 *   re-listen updates it and resets the excess, and one blocking call at a time:
 *   any call made while a blocking call (accept, connect, send, recv on a
 *   blocking socket) is in progress fails with WSAEINPROGRESS, except
 *   `WSAIsBlocking` and `WSACancelBlockingCall`.
 *
 * Synchronous calls return 0 / a value, or SOCKET_ERROR (INVALID_SOCKET for
 * `socket`) with the code in `WSAGetLastError()`; they set the slot to 0 on
 * success. Asynchronous calls reject with a WinsockError and also leave its
 * code in the slot. Arguments of the wrong JavaScript type throw TypeError.
 *
 * @module
 */

import { Profile } from "../core/_abi.ts";
import { int32, word } from "../shared/_c_int.ts";
import { FIONBIO, FIONREAD, INVALID_SOCKET, type SOCKET, SOCKET_ERROR } from "../shared/constants.ts";
import { checkOutParam } from "../shared/_sockaddr.ts";
import { WinsockError, WSA } from "../shared/errors.ts";
import type { Provider } from "../provider/provider.ts";
import { sharedProvider } from "../provider/runtime.ts";
import type { SockAddr } from "../shared/_sockaddr.ts";

/** What WSAStartup reports: the fields of C's WSADATA, filled as Windows fills them. */
export interface WSADATA {
  /**
   * The version negotiated by this call, as Windows gives it: the requested
   * version up to 2.2 (1.0, 1.1, 2.0, 2.1 or 2.2; 1.x above 1.1 gives 1.1).
   */
  wVersion: number;
  /** The highest version supported: 0x0202. */
  wHighVersion: number;
  /** "WinSock 2.0", as Windows reports it. */
  szDescription: string;
  /** "Running". */
  szSystemStatus: string;
  /**
   * Winsock 1.x: the most sockets one process may open (Windows says 32767;
   * acceptq says its table size when that is smaller). Winsock 2.x: 0.
   */
  iMaxSockets: number;
  /** Winsock 1.x: 65467, the largest datagram (acceptq moves none). Winsock 2.x: 0. */
  iMaxUdpDg?: number;
}

const OWNER = "winsock";

/** The process's Winsock state (WSAStartup count, profile, last error, blocking call). */
const state = {
  startups: 0,
  profile: Profile.Winsock2 as Profile,
  /** A 1.x WSAStartup is in effect: the 1.1 calls (WSACancelBlockingCall) work, as on Windows. */
  legacy: false,
  lastError: 0,
  /** Winsock 1.1: the blocking call in progress, and how to cancel it. */
  blocking: undefined as undefined | { cancel?: () => void },
};

function provider(): Provider {
  return sharedProvider();
}

function checkNumber(value: unknown, what: string): asserts value is number {
  if (typeof value !== "number") throw new TypeError(`${what} must be a number, got ${typeof value}`);
}

/** The code a call fails with before doing anything, or 0. */
function precheck(): number {
  if (state.startups === 0) return WSA.WSANOTINITIALISED;
  if (state.profile === Profile.Winsock11 && state.blocking) return WSA.WSAEINPROGRESS;
  return 0;
}

/** Runs a synchronous provider call and translates its result for the C-style API. */
function sync(call: () => number, failure: number = SOCKET_ERROR): number {
  const early = precheck();
  const result = early ? -early : call();
  if (result < 0) {
    state.lastError = -result;
    return failure;
  }
  state.lastError = 0;
  return result;
}

/**
 * Runs an asynchronous provider call; under Winsock 1.1 it is the one blocking
 * call, which WSACancelBlockingCall aborts through `signal`. Only that call
 * gets a signal: an AbortController and its listener are a real cost on every
 * accept, recv and send otherwise.
 */
function blocking<T>(s: number, call: (signal?: AbortSignal) => Promise<T>): Promise<T> {
  const early = precheck();
  if (early) {
    state.lastError = early;
    return Promise.reject(new WinsockError(early));
  }
  if (state.profile === Profile.Winsock11 && provider().stateOf(s) !== undefined && !isNonBlocking(s)) {
    return blockingCall(call);
  }
  let pending: Promise<T>;
  try {
    pending = call();
  } catch (error) {
    return Promise.reject(noteError(error));
  }
  return pending.then(undefined, (error) => {
    throw noteError(error);
  });
}

/** Winsock 1.1's blocking call: tracked while it runs (WSAEINPROGRESS for others), cancellable. */
async function blockingCall<T>(call: (signal?: AbortSignal) => Promise<T>): Promise<T> {
  const cancel = new AbortController();
  const entry = { cancel: () => cancel.abort() };
  state.blocking = entry;
  try {
    return await call(cancel.signal);
  } catch (error) {
    throw noteError(error);
  } finally {
    if (state.blocking === entry) state.blocking = undefined;
  }
}

/** Leaves a WinsockError's code in the last-error slot; returns the error. */
function noteError(error: unknown): unknown {
  if (error instanceof WinsockError) state.lastError = error.code;
  return error;
}

function isNonBlocking(s: number): boolean {
  const value = { value: 0 };
  return provider().nonBlocking(s, value) === 0 && value.value === 1;
}

/**
 * The version Windows negotiates for `requested` (Wine's test_startup, ReactOS's
 * WSAStartup test): up to 2.2; 1.x above 1.1 is 1.1; a major version of 0 is
 * not supported (and still reports 2.2).
 */
function negotiate(requested: number): number {
  const major = requested & 0xff;
  const minor = requested >> 8;
  if (major === 1) return minor === 0 ? 0x0001 : 0x0101;
  if (major === 2 && minor < 2) return requested;
  return 0x0202;
}

/**
 * WSAStartup: initiates use of Winsock. `version` is MAKEWORD(major, minor), a
 * C WORD (-1 is 0xffff). 2.x (or higher) selects Winsock 2.2 semantics, 1.x
 * Winsock 1.1. Counted: each successful call needs a WSACleanup; the first
 * call's version decides the semantics until the count returns to zero, while
 * `data` reports each call's own negotiated version, as on Windows. Returns 0
 * (and sets the last error to 0), WSAVERNOTSUPPORTED (major version 0, or no
 * WORD; `data` is still filled), or WSAEFAULT (`data` is null); a failure counts
 * nothing and leaves the last error as it was. `data` may be omitted.
 *
 * @example Starting and cleaning up
 * ```ts
 * import { MAKEWORD, WSACleanup, WSAStartup, type WSADATA } from "../../mod.ts";
 * const data = {} as WSADATA;
 * console.log(WSAStartup(MAKEWORD(2, 2), data), data.wVersion === 0x0202); // 0 true
 * WSACleanup();
 * ```
 */
export function WSAStartup(version: number, data?: WSADATA | null): number {
  checkNumber(version, "version");
  if (data !== undefined && data !== null && typeof data !== "object") {
    throw new TypeError("data must be an object to fill");
  }
  const requested = word(version);
  const major = requested & 0xff;
  if (Number.isNaN(requested) || (major === 0 && data !== null)) {
    if (data) fillWsaData(data, 0x0202);
    return WSA.WSAVERNOTSUPPORTED;
  }
  if (major === 0) return WSA.WSAVERNOTSUPPORTED;
  if (data === null) return WSA.WSAEFAULT;
  if (state.startups === 0) state.profile = major >= 2 ? Profile.Winsock2 : Profile.Winsock11;
  if (major === 1) state.legacy = true;
  state.startups++;
  if (data) fillWsaData(data, negotiate(requested));
  state.lastError = 0;
  return 0;
}

function fillWsaData(data: WSADATA, negotiated: number): void {
  const winsock1 = (negotiated & 0xff) === 1;
  data.wVersion = negotiated;
  data.wHighVersion = 0x0202;
  data.szDescription = "WinSock 2.0";
  data.szSystemStatus = "Running";
  data.iMaxSockets = winsock1 ? Math.min(provider().capacity(), 32767) : 0;
  data.iMaxUdpDg = winsock1 ? 65467 : 0;
}

/**
 * WSACleanup: ends one WSAStartup. The last one closes every socket opened
 * through these calls. Returns 0, or SOCKET_ERROR with WSANOTINITIALISED (one
 * too many) or WSAEINPROGRESS (Winsock 1.1, a blocking call is in progress).
 *
 * @example
 * ```ts
 * import { SOCKET_ERROR, WSACleanup, WSAGetLastError, WSANOTINITIALISED } from "../../mod.ts";
 * console.log(WSACleanup() === SOCKET_ERROR, WSAGetLastError() === WSANOTINITIALISED); // true true
 * ```
 */
export function WSACleanup(): number {
  return sync(() => {
    state.startups--;
    if (state.startups === 0) {
      state.blocking = undefined;
      state.legacy = false;
      provider().closeAll(OWNER);
    }
    return 0;
  });
}

/**
 * WSAGetLastError: the code of the last failed call (0 after a successful synchronous call).
 *
 * @example
 * ```ts
 * import { WSAGetLastError, WSASetLastError } from "../../mod.ts";
 * WSASetLastError(10061);
 * console.log(WSAGetLastError()); // 10061
 * ```
 */
export function WSAGetLastError(): number {
  return state.lastError;
}

/**
 * WSASetLastError: sets the slot WSAGetLastError reads.
 *
 * @example
 * ```ts
 * import { WSAGetLastError, WSASetLastError } from "../../mod.ts";
 * WSASetLastError(0);
 * console.log(WSAGetLastError()); // 0
 * ```
 */
export function WSASetLastError(code: number): void {
  checkNumber(code, "code");
  state.lastError = code;
}

/**
 * WSAIsBlocking (Winsock 1.1): whether a blocking call is in progress.
 *
 * @example
 * ```ts
 * import { WSAIsBlocking } from "../../mod.ts";
 * console.log(WSAIsBlocking()); // false
 * ```
 */
export function WSAIsBlocking(): boolean {
  return state.blocking !== undefined;
}

/**
 * WSACancelBlockingCall (Winsock 1.1): cancels the blocking accept or connect in
 * progress, which then rejects with WSAEINTR. Returns 0, or SOCKET_ERROR with
 * WSANOTINITIALISED, WSAEOPNOTSUPP (no 1.x WSAStartup is in effect: Windows
 * removed the call from Winsock 2) or WSAEINVAL (no blocking call in progress).
 *
 * @example
 * ```ts
 * import { MAKEWORD, SOCKET_ERROR, WSACancelBlockingCall, WSACleanup, WSAStartup } from "../../mod.ts";
 * WSAStartup(MAKEWORD(1, 1));
 * console.log(WSACancelBlockingCall() === SOCKET_ERROR); // true: nothing is blocking
 * WSACleanup();
 * ```
 */
export function WSACancelBlockingCall(): number {
  if (state.startups === 0) {
    state.lastError = WSA.WSANOTINITIALISED;
    return SOCKET_ERROR;
  }
  if (!state.legacy) {
    state.lastError = WSA.WSAEOPNOTSUPP; // a Winsock 1.1 call: gone under 2.x, as on Windows
    return SOCKET_ERROR;
  }
  if (!state.blocking) {
    state.lastError = WSA.WSAEINVAL;
    return SOCKET_ERROR;
  }
  state.blocking.cancel?.();
  state.lastError = 0;
  return 0;
}

/**
 * socket: creates a socket. Returns the descriptor, or INVALID_SOCKET with
 * WSANOTINITIALISED, WSAEINPROGRESS, WSAEAFNOSUPPORT (not AF_INET/AF_INET6),
 * WSAESOCKTNOSUPPORT, WSAEPROTONOSUPPORT, WSAEPROTOTYPE or WSAEMFILE.
 *
 * @example
 * ```ts
 * import { AF_INET, closesocket, INVALID_SOCKET, IPPROTO_TCP, MAKEWORD, socket, SOCK_STREAM, WSACleanup, WSAStartup } from "../../mod.ts";
 * WSAStartup(MAKEWORD(2, 2));
 * const s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
 * console.log(s !== INVALID_SOCKET); // true
 * closesocket(s);
 * WSACleanup();
 * ```
 */
export function socket(af: number, type: number, protocol: number): SOCKET {
  checkNumber(af, "af");
  checkNumber(type, "type");
  checkNumber(protocol, "protocol");
  return sync(() => provider().socket(af, type, protocol, OWNER), INVALID_SOCKET);
}

/**
 * bind: reserves a local address (port 0 picks a free port, which getsockname
 * reports). Returns 0 or SOCKET_ERROR: WSAENOTSOCK, WSAEFAULT (null name),
 * WSAEAFNOSUPPORT, WSAEINVAL (already bound, or not an IP literal),
 * WSAEADDRINUSE, WSAEADDRNOTAVAIL.
 *
 * @example
 * ```ts
 * import { AF_INET, bind, closesocket, MAKEWORD, socket, SOCK_STREAM, WSACleanup, WSAStartup } from "../../mod.ts";
 * WSAStartup(MAKEWORD(2, 2));
 * const s = socket(AF_INET, SOCK_STREAM, 0);
 * console.log(bind(s, { family: AF_INET, address: "127.0.0.1", port: 0 })); // 0
 * closesocket(s);
 * WSACleanup();
 * ```
 */
export function bind(s: SOCKET, name: SockAddr): number {
  checkNumber(s, "s");
  return sync(() => provider().bind(s, name));
}

/**
 * listen: places a bound stream socket in passive mode with a queue of
 * `backlog` pending connections (SOMAXCONN: the provider maximum;
 * SOMAXCONN_HINT(N): N within [200, 65535]; other values silently clamped).
 * Returns 0 or SOCKET_ERROR: WSANOTINITIALISED, WSAEINPROGRESS, WSAENOTSOCK,
 * WSAEOPNOTSUPP, WSAEISCONN, WSAEINVAL (not bound), WSAENOBUFS.
 *
 * @example
 * ```ts
 * import { AF_INET, bind, closesocket, listen, MAKEWORD, socket, SOCK_STREAM, SOMAXCONN, WSACleanup, WSAStartup } from "../../mod.ts";
 * WSAStartup(MAKEWORD(2, 2));
 * const s = socket(AF_INET, SOCK_STREAM, 0);
 * bind(s, { family: AF_INET, address: "127.0.0.1", port: 0 });
 * console.log(listen(s, SOMAXCONN)); // 0
 * closesocket(s);
 * WSACleanup();
 * ```
 */
export function listen(s: SOCKET, backlog: number): number {
  checkNumber(s, "s");
  checkNumber(backlog, "backlog");
  return sync(() => provider().listen(s, backlog, state.profile));
}

/**
 * accept: resolves with a new socket for the oldest queued connection and
 * fills `addr` with the peer. Rejects with a WinsockError: WSAENOTSOCK,
 * WSAEOPNOTSUPP, WSAEINVAL (not listening), WSAEWOULDBLOCK (non-blocking and
 * nothing queued), WSAEMFILE (the connection stays queued), WSAEINTR
 * (closesocket, or WSACancelBlockingCall).
 *
 * @example
 * ```ts
 * import { accept, AF_INET, bind, closesocket, connect, getsockname, listen, MAKEWORD, socket, SOCK_STREAM, WSACleanup, WSAStartup, type SockAddr } from "../../mod.ts";
 * WSAStartup(MAKEWORD(2, 2));
 * const server = socket(AF_INET, SOCK_STREAM, 0);
 * bind(server, { family: AF_INET, address: "127.0.0.1", port: 0 });
 * listen(server, 4);
 * const name = {} as SockAddr;
 * getsockname(server, name);
 * const client = socket(AF_INET, SOCK_STREAM, 0);
 * await connect(client, name);
 * const peer = {} as SockAddr;
 * const conn = await accept(server, peer);
 * console.log(peer.address); // "127.0.0.1"
 * WSACleanup(); // closes all three
 * ```
 */
export function accept(s: SOCKET, addr?: SockAddr): Promise<SOCKET> {
  checkNumber(s, "s");
  return blocking(s, (signal) => provider().accept(s, addr, signal));
}

/**
 * connect: connects to `name`. Against a listener in this process whose queue
 * is full it rejects with exactly WSAECONNREFUSED. Rejects with a WinsockError:
 * WSAENOTSOCK, WSAEFAULT, WSAEAFNOSUPPORT, WSAEINVAL, WSAEISCONN, WSAEALREADY,
 * WSAECONNREFUSED, WSAETIMEDOUT, WSAENETUNREACH, WSAEINTR.
 *
 * @example
 * ```ts
 * import { AF_INET, closesocket, connect, MAKEWORD, socket, SOCK_STREAM, WinsockError, WSACleanup, WSAECONNREFUSED, WSAStartup } from "../../mod.ts";
 * WSAStartup(MAKEWORD(2, 2));
 * const s = socket(AF_INET, SOCK_STREAM, 0);
 * try {
 *   await connect(s, { family: AF_INET, address: "127.0.0.1", port: 1 });
 * } catch (error) {
 *   console.log((error as WinsockError).code === WSAECONNREFUSED); // true
 * }
 * WSACleanup();
 * ```
 */
export function connect(s: SOCKET, name: SockAddr): Promise<0> {
  checkNumber(s, "s");
  return blocking(s, (signal) => provider().connect(s, name, signal));
}

/**
 * send: writes all of `data` to a connected socket; resolves the byte count.
 * Rejects with WSAENOTSOCK, WSAEFAULT, WSAENOTCONN, WSAECONNRESET, WSAEINTR.
 *
 * @example See `recv`.
 * ```ts
 * import { send } from "../../mod.ts";
 * console.log(typeof send); // "function"
 * ```
 */
export function send(s: SOCKET, data: Uint8Array): Promise<number> {
  checkNumber(s, "s");
  return blocking(s, () => provider().send(s, data));
}

/**
 * recv: reads into `buf`; resolves the byte count, 0 when the peer closed in
 * order. Rejects with WSAENOTSOCK, WSAEFAULT, WSAENOTCONN, WSAECONNRESET, WSAEINTR.
 *
 * @example An echo over loopback
 * ```ts
 * import { accept, AF_INET, bind, connect, getsockname, listen, MAKEWORD, recv, send, socket, SOCK_STREAM, WSACleanup, WSAStartup, type SockAddr } from "../../mod.ts";
 * WSAStartup(MAKEWORD(2, 2));
 * const server = socket(AF_INET, SOCK_STREAM, 0);
 * bind(server, { family: AF_INET, address: "127.0.0.1", port: 0 });
 * listen(server, 1);
 * const name = {} as SockAddr;
 * getsockname(server, name);
 * const client = socket(AF_INET, SOCK_STREAM, 0);
 * await connect(client, name);
 * const conn = await accept(server);
 * await send(client, new TextEncoder().encode("hi"));
 * const buf = new Uint8Array(16);
 * const n = await recv(conn, buf);
 * console.log(new TextDecoder().decode(buf.subarray(0, n))); // "hi"
 * WSACleanup();
 * ```
 */
export function recv(s: SOCKET, buf: Uint8Array): Promise<number> {
  checkNumber(s, "s");
  return blocking(s, () => provider().recv(s, buf));
}

/**
 * closesocket: closes a socket. A listener resets its queued connections and
 * rejects its pending accepts with WSAEINTR. Returns 0 or SOCKET_ERROR:
 * WSANOTINITIALISED, WSAEINPROGRESS, WSAENOTSOCK (a second close included).
 *
 * @example
 * ```ts
 * import { AF_INET, closesocket, MAKEWORD, socket, SOCK_STREAM, SOCKET_ERROR, WSACleanup, WSAStartup } from "../../mod.ts";
 * WSAStartup(MAKEWORD(2, 2));
 * const s = socket(AF_INET, SOCK_STREAM, 0);
 * console.log(closesocket(s), closesocket(s) === SOCKET_ERROR); // 0 true
 * WSACleanup();
 * ```
 */
export function closesocket(s: SOCKET): number {
  checkNumber(s, "s");
  return sync(() => provider().closesocket(s));
}

/**
 * getsockname: fills `name` with the socket's local address. Returns 0 or
 * SOCKET_ERROR: WSAENOTSOCK, WSAEFAULT (null), WSAEINVAL (not bound).
 *
 * @example
 * ```ts
 * import { AF_INET, bind, closesocket, getsockname, MAKEWORD, socket, SOCK_STREAM, WSACleanup, WSAStartup, type SockAddr } from "../../mod.ts";
 * WSAStartup(MAKEWORD(2, 2));
 * const s = socket(AF_INET, SOCK_STREAM, 0);
 * bind(s, { family: AF_INET, address: "127.0.0.1", port: 0 });
 * const name = {} as SockAddr;
 * getsockname(s, name);
 * console.log(name.port > 0); // true
 * closesocket(s);
 * WSACleanup();
 * ```
 */
export function getsockname(s: SOCKET, name: SockAddr): number {
  checkNumber(s, "s");
  return sync(() => provider().getsockname(s, name));
}

/**
 * getsockopt: reads an option at SOL_SOCKET: SO_ACCEPTCONN (1 while
 * listening), SO_TYPE, SO_ERROR, SO_REUSEADDR, SO_EXCLUSIVEADDRUSE. `level` and
 * `optname` are C ints. Returns 0 or SOCKET_ERROR: WSAENOTSOCK, WSAEFAULT (null
 * optval), WSAEINVAL (a level Windows does not know), WSAENOPROTOOPT (another
 * option at SOL_SOCKET, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP or IPPROTO_UDP).
 *
 * @example
 * ```ts
 * import { AF_INET, closesocket, getsockopt, MAKEWORD, socket, SOCK_STREAM, SO_ACCEPTCONN, SOL_SOCKET, WSACleanup, WSAStartup } from "../../mod.ts";
 * WSAStartup(MAKEWORD(2, 2));
 * const s = socket(AF_INET, SOCK_STREAM, 0);
 * const optval = { value: -1 };
 * getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, optval);
 * console.log(optval.value); // 0
 * closesocket(s);
 * WSACleanup();
 * ```
 */
export function getsockopt(s: SOCKET, level: number, optname: number, optval: { value: number }): number {
  checkNumber(s, "s");
  checkNumber(level, "level");
  checkNumber(optname, "optname");
  return sync(() => provider().getsockopt(s, level, optname, optval));
}

/**
 * setsockopt: sets SO_ERROR (stored, as Windows does), SO_REUSEADDR or
 * SO_EXCLUSIVEADDRUSE (on when `value`, a C int, is non-zero; the two exclude
 * each other: WSAEINVAL). They decide which binds of this process may share a
 * port, as on Windows. Returns 0 or SOCKET_ERROR: WSAENOTSOCK, WSAEFAULT (null
 * value), WSAEINVAL (level; both address options), WSAENOPROTOOPT (any other
 * option, SO_ACCEPTCONN and SO_TYPE included).
 *
 * @example
 * ```ts
 * import { AF_INET, closesocket, MAKEWORD, setsockopt, socket, SOCK_STREAM, SOCKET_ERROR, SO_ACCEPTCONN, SOL_SOCKET, WSACleanup, WSAGetLastError, WSAENOPROTOOPT, WSAStartup } from "../../mod.ts";
 * WSAStartup(MAKEWORD(2, 2));
 * const s = socket(AF_INET, SOCK_STREAM, 0);
 * console.log(setsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, 1) === SOCKET_ERROR, WSAGetLastError() === WSAENOPROTOOPT); // true true
 * closesocket(s);
 * WSACleanup();
 * ```
 */
export function setsockopt(s: SOCKET, level: number, optname: number, value: number): number {
  checkNumber(s, "s");
  checkNumber(level, "level");
  checkNumber(optname, "optname");
  if (value !== null && value !== undefined) checkNumber(value, "value"); // null: C's NULL optval, WSAEFAULT
  return sync(() => provider().setsockopt(s, level, optname, value));
}

/**
 * ioctlsocket: `cmd` is a C `long`, compared as a 32-bit pattern (FIONBIO is
 * 0x8004667e or, as C code passes it, -2147195266). FIONBIO sets non-blocking
 * mode when `argp.value` is non-zero as a C u_long (accept then rejects at once
 * with WSAEWOULDBLOCK on an empty queue; accepted sockets inherit the mode).
 * FIONREAD sets `argp.value` to the bytes a recv can take now. Returns 0 or
 * SOCKET_ERROR: WSAENOTSOCK, WSAEOPNOTSUPP (another command: what Windows
 * returns, where its documentation says WSAEINVAL), WSAEFAULT (argp null, or a
 * number where the object goes: C's value-for-a-pointer mistake).
 *
 * @example
 * ```ts
 * import { AF_INET, closesocket, FIONBIO, FIONREAD, ioctlsocket, MAKEWORD, socket, SOCK_STREAM, WSACleanup, WSAStartup } from "../../mod.ts";
 * WSAStartup(MAKEWORD(2, 2));
 * const s = socket(AF_INET, SOCK_STREAM, 0);
 * console.log(ioctlsocket(s, FIONBIO, { value: 1 })); // 0
 * const bytes = { value: -1 };
 * console.log(ioctlsocket(s, FIONREAD, bytes), bytes.value); // 0 0
 * closesocket(s);
 * WSACleanup();
 * ```
 */
export function ioctlsocket(s: SOCKET, cmd: number, argp: { value: number }): number {
  checkNumber(s, "s");
  checkNumber(cmd, "cmd");
  return sync(() => {
    if (!provider().stateOf(s)) return -WSA.WSAENOTSOCK;
    const command = int32(cmd);
    if (command !== int32(FIONBIO) && command !== int32(FIONREAD)) return -WSA.WSAEOPNOTSUPP;
    if (argp === null || argp === undefined || typeof argp === "number") return -WSA.WSAEFAULT;
    if (typeof argp !== "object") throw new TypeError("argp must be an object { value }");
    if (command === int32(FIONREAD)) {
      checkOutParam(argp, "argp", ["value"]);
      return provider().available(s, argp);
    }
    if (typeof argp.value !== "number") throw new TypeError("argp.value must be a number");
    return provider().setNonBlocking(s, int32(argp.value) !== 0);
  });
}

/**
 * getpeername: fills `name` with the peer of a connected socket. Returns 0 or
 * SOCKET_ERROR, checked in Windows' order: WSANOTINITIALISED, WSAENOTSOCK,
 * WSAENOTCONN (not connected, a listener included), WSAEFAULT (null name).
 *
 * @example
 * ```ts
 * import { accept, AF_INET, bind, connect, getpeername, getsockname, listen, MAKEWORD, socket, SOCK_STREAM, WSACleanup, WSAStartup, type SockAddr } from "../../mod.ts";
 * WSAStartup(MAKEWORD(2, 2));
 * const server = socket(AF_INET, SOCK_STREAM, 0);
 * bind(server, { family: AF_INET, address: "127.0.0.1", port: 0 });
 * listen(server, 1);
 * const name = {} as SockAddr;
 * getsockname(server, name);
 * const client = socket(AF_INET, SOCK_STREAM, 0);
 * await connect(client, name);
 * const peer = {} as SockAddr;
 * getpeername(client, peer);
 * console.log(peer.port === name.port); // true
 * WSACleanup();
 * ```
 */
export function getpeername(s: SOCKET, name: SockAddr): number {
  checkNumber(s, "s");
  return sync(() => provider().getpeername(s, name));
}

/**
 * shutdown: `how` is SD_RECEIVE (recv then fails with WSAESHUTDOWN), SD_SEND
 * (send then fails with WSAESHUTDOWN; the peer reads the end of the stream once
 * the sends already made are out) or SD_BOTH. The connection stays open until
 * closesocket. Returns 0 or SOCKET_ERROR: WSANOTINITIALISED, WSAENOTSOCK,
 * WSAEINVAL (another `how`), WSAENOTCONN (a stream socket with no connection; a
 * listening socket included, as on Windows).
 *
 * @example
 * ```ts
 * import { AF_INET, MAKEWORD, SD_SEND, shutdown, SOCKET_ERROR, socket, SOCK_STREAM, WSACleanup, WSAENOTCONN, WSAGetLastError, WSAStartup } from "../../mod.ts";
 * WSAStartup(MAKEWORD(2, 2));
 * const s = socket(AF_INET, SOCK_STREAM, 0);
 * console.log(shutdown(s, SD_SEND) === SOCKET_ERROR, WSAGetLastError() === WSAENOTCONN); // true true
 * WSACleanup();
 * ```
 */
export function shutdown(s: SOCKET, how: number): number {
  checkNumber(s, "s");
  checkNumber(how, "how");
  return sync(() => provider().shutdownSocket(s, how));
}
