/**
 * Shared helpers of the real-socket tests (tests/winsock_*_test.ts,
 * tests/faces/spi_test.ts): a Winsock session that always cleans up, loopback
 * listeners and clients, and assertions on the two error channels (the
 * last-error slot of the synchronous calls, the `.code` of a rejected promise).
 * Everything binds 127.0.0.1 or ::1 with port 0.
 */

import { ok, strictEqual as is } from "node:assert/strict";
import {
  AF_INET,
  AF_INET6,
  bind,
  connect,
  getsockname,
  INVALID_SOCKET,
  listen,
  MAKEWORD,
  SOCK_STREAM,
  type SockAddr,
  type SOCKET,
  socket,
  SOCKET_ERROR,
  WinsockError,
  WSACancelBlockingCall,
  WSACleanup,
  WSAGetLastError,
  WSAIsBlocking,
  wsaName,
  WSAStartup,
} from "../mod.ts";
import { sharedProvider } from "../src/provider/runtime.ts";

/** MAKEWORD(2, 2): Winsock 2 semantics. */
export const WINSOCK2: number = MAKEWORD(2, 2);
/** MAKEWORD(1, 1): Winsock 1.1 semantics. */
export const WINSOCK11: number = MAKEWORD(1, 1);

/** Lets pending closes finish: a few macrotasks (a closed Deno listener frees its accept op one turn later). */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `fn` between WSAStartup(version) and the matching WSACleanup, which
 * closes whatever `fn` left open, even when it throws. Afterwards the provider
 * holds no socket, no pending connection and no live transport object.
 */
export async function session(fn: () => Promise<void> | void, version: number = WINSOCK2): Promise<void> {
  is(WSAStartup(version), 0, "WSAStartup");
  let failed = true;
  try {
    await fn();
    failed = false;
  } finally {
    if (WSAIsBlocking()) WSACancelBlockingCall();
    await settle(1);
    const cleanup = WSACleanup();
    await settle();
    if (!failed) {
      is(cleanup, 0, "WSACleanup");
      assertIdle();
    }
  }
}

/** The shared provider has nothing open: sockets, pending connections, transport objects. */
export function assertIdle(): void {
  const provider = sharedProvider();
  is(provider.openSockets(), 0, "openSockets()");
  is(provider.pendingConnections(), 0, "pendingConnections()");
  is(provider.transport.live(), 0, "transport.live()");
}

/** Asserts a synchronous call failed with `failure` (SOCKET_ERROR by default) and left `code` in the slot. */
export function fails(result: number, code: number, failure: number = SOCKET_ERROR): void {
  is(result, failure, `expected ${failure === INVALID_SOCKET ? "INVALID_SOCKET" : "SOCKET_ERROR"}`);
  is(wsaName(WSAGetLastError()), wsaName(code), "WSAGetLastError()");
}

/** Asserts a synchronous call succeeded with `value` (0 by default) and cleared the slot. */
export function succeeds(result: number, value = 0): void {
  is(result, value);
  is(WSAGetLastError(), 0, "WSAGetLastError() after a success");
}

/** Asserts `promise` rejects with a WinsockError of `code` (`what` labels the messages); returns the error. */
export async function rejectsWith(promise: Promise<unknown>, code: number, what = ""): Promise<WinsockError> {
  const label = what ? `${what}: ` : "";
  let settled: unknown;
  try {
    settled = await promise;
  } catch (error) {
    ok(error instanceof WinsockError, `${label}expected a WinsockError, got ${error}`);
    is(error.wsaName, wsaName(code), what);
    is(error.code, code, what);
    return error;
  }
  throw new Error(`${label}expected ${wsaName(code)}, but the promise resolved with ${settled}`);
}

/**
 * Whether the promise `start` makes settles before any timer can run: a timer
 * started just before `start` is called fires first of all timers `start`
 * might start, and records whether the promise had settled by then.
 */
export async function settlesNow(start: () => Promise<unknown>): Promise<boolean> {
  let settled = false;
  const before = new Promise<boolean>((resolve) => setTimeout(() => resolve(settled), 0));
  start().then(() => settled = true, () => settled = true);
  return await before;
}

/** Asserts `promise` rejects with a TypeError. */
export async function rejectsTypeError(promise: Promise<unknown>): Promise<void> {
  let settled: unknown;
  try {
    settled = await promise;
  } catch (error) {
    ok(error instanceof TypeError, `expected a TypeError, got ${error}`);
    return;
  }
  throw new Error(`expected a TypeError, but the promise resolved with ${settled}`);
}

/** Whether `promise` has settled after a few macrotasks (it must not have, for a waiting accept). */
export async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(() => done = true, () => done = true);
  await settle();
  return done;
}

/** A loopback address of `family`, with `port`. */
export function loopback(family: number = AF_INET, port = 0): SockAddr {
  return { family, address: family === AF_INET6 ? "::1" : "127.0.0.1", port };
}

/** A new stream socket of `family`; asserts it was created. */
export function streamSocket(family: number = AF_INET): SOCKET {
  const s = socket(family, SOCK_STREAM, 0);
  ok(s !== INVALID_SOCKET, `socket() failed with ${wsaName(WSAGetLastError())}`);
  return s;
}

/** The local address of `s`. */
export function nameOf(s: SOCKET): SockAddr {
  const name = {} as SockAddr;
  is(getsockname(s, name), 0, "getsockname");
  return name;
}

/** A stream socket bound to loopback port 0 (not listening) and its address. */
export function boundSocket(family: number = AF_INET): { s: SOCKET; name: SockAddr } {
  const s = streamSocket(family);
  is(bind(s, loopback(family)), 0, "bind");
  return { s, name: nameOf(s) };
}

/** A loopback listener with `backlog` and its address. */
export function listener(backlog: number, family: number = AF_INET): { s: SOCKET; name: SockAddr } {
  const bound = boundSocket(family);
  is(listen(bound.s, backlog), 0, "listen");
  return bound;
}

/** A stream socket connected to `name`. */
export async function client(name: SockAddr): Promise<SOCKET> {
  const c = streamSocket(name.family);
  is(await connect(c, name), 0);
  return c;
}

/** A port on which nothing listens now (bound with Deno.listen, then released). */
export function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  return port;
}

export { AF_INET, AF_INET6 };
