/**
 * The service provider interface (ws2spi.h): the provider's own face, as
 * ws2_32 calls it. Errors go to the caller's `lpErrno` out-parameter (left
 * unchanged on success); there is no WSAStartup and so no WSANOTINITIALISED.
 * A second WSPListen updates the backlog and resets the excess pending
 * connections, newest first (SPEC L6). WSPAccept never rejects with a Winsock
 * error: it resolves INVALID_SOCKET and writes the code to `lpErrno`.
 *
 * @module
 */

import { Profile } from "../core/_abi.ts";
import { INVALID_SOCKET, type SOCKET, SOCKET_ERROR } from "../shared/constants.ts";
import { wsaCodeOf } from "../shared/_deno_errors.ts";
import { WSA } from "../shared/errors.ts";
import { sharedProvider } from "../provider/runtime.ts";
import type { SockAddr } from "../shared/_sockaddr.ts";

/** C's `LPINT`: an out-parameter for an error code. */
export interface LPINT {
  /** The Winsock error code, written on failure. */
  value: number;
}

const OWNER = "spi";

function checkArgs(lpErrno: unknown, numbers: Record<string, unknown>): asserts lpErrno is LPINT {
  if (lpErrno === null || typeof lpErrno !== "object") {
    throw new TypeError("lpErrno must be an object { value }");
  }
  for (const [name, value] of Object.entries(numbers)) {
    if (typeof value !== "number") throw new TypeError(`${name} must be a number, got ${typeof value}`);
  }
}

function report(result: number, lpErrno: LPINT, failure: number = SOCKET_ERROR): number {
  if (result >= 0) return result;
  lpErrno.value = -result;
  return failure;
}

/**
 * WSPSocket: creates a socket. Returns it, or INVALID_SOCKET with the code in
 * `lpErrno` (WSAEAFNOSUPPORT, WSAESOCKTNOSUPPORT, WSAEPROTONOSUPPORT, WSAEPROTOTYPE, WSAEMFILE).
 *
 * @example
 * ```ts
 * import { AF_INET, SOCK_STREAM, WSPCloseSocket, WSPSocket } from "../../mod.ts";
 * const errno = { value: 0 };
 * const s = WSPSocket(AF_INET, SOCK_STREAM, 0, errno);
 * console.log(s > 0, errno.value); // true 0
 * WSPCloseSocket(s, errno);
 * ```
 */
export function WSPSocket(af: number, type: number, protocol: number, lpErrno: LPINT): SOCKET {
  checkArgs(lpErrno, { af, type, protocol });
  return report(sharedProvider().socket(af, type, protocol, OWNER), lpErrno, INVALID_SOCKET);
}

/**
 * WSPBind: reserves a local address. Returns 0, or SOCKET_ERROR with the code
 * in `lpErrno` (WSAENOTSOCK, WSAEFAULT, WSAEAFNOSUPPORT, WSAEINVAL, WSAEADDRINUSE, WSAEADDRNOTAVAIL).
 *
 * @example
 * ```ts
 * import { AF_INET, SOCK_STREAM, WSPBind, WSPCloseSocket, WSPSocket } from "../../mod.ts";
 * const errno = { value: 0 };
 * const s = WSPSocket(AF_INET, SOCK_STREAM, 0, errno);
 * console.log(WSPBind(s, { family: AF_INET, address: "127.0.0.1", port: 0 }, errno)); // 0
 * WSPCloseSocket(s, errno);
 * ```
 */
export function WSPBind(s: SOCKET, name: SockAddr, lpErrno: LPINT): number {
  checkArgs(lpErrno, { s });
  return report(sharedProvider().bind(s, name), lpErrno);
}

/**
 * WSPListen: places the socket in passive mode; a second call updates the
 * backlog and resets the excess pending connections. Returns 0, or SOCKET_ERROR
 * with the code in `lpErrno` (WSAENOTSOCK, WSAEOPNOTSUPP, WSAEISCONN, WSAEINVAL, WSAENOBUFS).
 *
 * @example
 * ```ts
 * import { AF_INET, SOCK_STREAM, WSPBind, WSPCloseSocket, WSPListen, WSPSocket } from "../../mod.ts";
 * const errno = { value: 0 };
 * const s = WSPSocket(AF_INET, SOCK_STREAM, 0, errno);
 * WSPBind(s, { family: AF_INET, address: "127.0.0.1", port: 0 }, errno);
 * console.log(WSPListen(s, 8, errno), WSPListen(s, 2, errno)); // 0 0
 * WSPCloseSocket(s, errno);
 * ```
 */
export function WSPListen(s: SOCKET, backlog: number, lpErrno: LPINT): number {
  checkArgs(lpErrno, { s, backlog });
  return report(sharedProvider().listen(s, backlog, Profile.Spi), lpErrno);
}

/**
 * WSPAccept: resolves with a new socket for the oldest pending connection (and
 * fills `addr`), or with INVALID_SOCKET and the code in `lpErrno`
 * (WSAENOTSOCK, WSAEOPNOTSUPP, WSAEINVAL, WSAEWOULDBLOCK, WSAEMFILE, WSAEINTR).
 *
 * @example
 * ```ts
 * import { AF_INET, INVALID_SOCKET, SOCK_STREAM, WSAEINVAL, WSPAccept, WSPCloseSocket, WSPSocket } from "../../mod.ts";
 * const errno = { value: 0 };
 * const s = WSPSocket(AF_INET, SOCK_STREAM, 0, errno);
 * console.log(await WSPAccept(s, null, errno) === INVALID_SOCKET, errno.value === WSAEINVAL); // true true
 * WSPCloseSocket(s, errno);
 * ```
 */
export async function WSPAccept(s: SOCKET, addr: SockAddr | null, lpErrno: LPINT): Promise<SOCKET> {
  checkArgs(lpErrno, { s });
  try {
    return await sharedProvider().accept(s, addr);
  } catch (error) {
    if (error instanceof TypeError) throw error;
    lpErrno.value = wsaCodeOf(error, WSA.WSAENETDOWN);
    return INVALID_SOCKET;
  }
}

/**
 * WSPCloseSocket: closes a socket. Returns 0, or SOCKET_ERROR with WSAENOTSOCK in `lpErrno`.
 *
 * @example
 * ```ts
 * import { AF_INET, SOCK_STREAM, SOCKET_ERROR, WSPCloseSocket, WSPSocket } from "../../mod.ts";
 * const errno = { value: 0 };
 * const s = WSPSocket(AF_INET, SOCK_STREAM, 0, errno);
 * console.log(WSPCloseSocket(s, errno), WSPCloseSocket(s, errno) === SOCKET_ERROR); // 0 true
 * ```
 */
export function WSPCloseSocket(s: SOCKET, lpErrno: LPINT): number {
  checkArgs(lpErrno, { s });
  return report(sharedProvider().closesocket(s), lpErrno);
}
