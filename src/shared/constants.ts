/**
 * Windows SDK constants with their SDK values (winsock2.h, ws2def.h, ntstatus.h),
 * so that C code ports line by line.
 *
 * @module
 */

/** A socket descriptor. acceptq's descriptors are positive 31-bit integers. */
export type SOCKET = number;

/** Returned by the synchronous calls on failure; the code is in `WSAGetLastError()`. */
export const SOCKET_ERROR: number = -1;
/**
 * Returned by `socket()` on failure. In C it is the all-ones SOCKET, which has
 * the same bits as SOCKET_ERROR; acceptq uses -1 for both, so comparisons port as
 * they are. No valid descriptor is ever negative.
 */
export const INVALID_SOCKET: number = -1;
/** `WSAStartup` succeeded. */
export const NO_ERROR: number = 0;

/** winsock2.h SOMAXCONN: asks the provider for its maximum reasonable backlog. */
export const SOMAXCONN: number = 0x7fffffff;
/** winsock.h (Winsock 1.1) SOMAXCONN. */
export const SOMAXCONN_WINSOCK11: number = 5;

/**
 * SOMAXCONN_HINT(N): asks for a backlog of N adjusted into [200, 65535]. Encoded as -N.
 *
 * @example A backlog of 1000, beyond what SOMAXCONN gives
 * ```ts
 * import { SOMAXCONN_HINT } from "./constants.ts";
 * console.log(SOMAXCONN_HINT(1000)); // -1000
 * ```
 */
export function SOMAXCONN_HINT(b: number): number {
  return -b;
}

/**
 * MAKEWORD(low, high): the version word WSAStartup takes; MAKEWORD(2, 2) is 0x0202.
 *
 * @example
 * ```ts
 * import { MAKEWORD } from "./constants.ts";
 * console.log(MAKEWORD(2, 2) === 0x0202, MAKEWORD(1, 1) === 0x0101); // true true
 * ```
 */
export function MAKEWORD(low: number, high: number): number {
  return ((low & 0xff) | ((high & 0xff) << 8)) & 0xffff;
}

/** IPv4. */
export const AF_INET: number = 2;
/** IPv6 (the Windows value; Linux uses 10). */
export const AF_INET6: number = 23;
/** Unix domain sockets: known, not supported by acceptq (WSAEAFNOSUPPORT). */
export const AF_UNIX: number = 1;
/** Unspecified address family. */
export const AF_UNSPEC: number = 0;

/** Connection-oriented byte stream. */
export const SOCK_STREAM: number = 1;
/** Datagrams: sockets can be created and bound, but acceptq moves no datagrams. */
export const SOCK_DGRAM: number = 2;

/** The IPv4 option level (also "any protocol" in `socket`). */
export const IPPROTO_IP: number = 0;
/** TCP. */
export const IPPROTO_TCP: number = 6;
/** UDP. */
export const IPPROTO_UDP: number = 17;
/** The IPv6 option level. */
export const IPPROTO_IPV6: number = 41;

/** The socket-level option level. */
export const SOL_SOCKET: number = 0xffff;
/** Read-only: 1 while the socket is listening. */
export const SO_ACCEPTCONN: number = 0x0002;
/** Read-only: the socket type. */
export const SO_TYPE: number = 0x1008;
/**
 * The socket's pending error. acceptq reports errors where they happen, so it
 * reads 0 unless set with setsockopt (as on Windows, it can be set) or a
 * connection broke; a successful connect clears it.
 */
export const SO_ERROR: number = 0x1007;
/** Allow a bind to an address another socket of this process holds (both must set it). */
export const SO_REUSEADDR: number = 0x0004;
/** No other socket may bind the address this one holds, wildcard included. `(int)(~SO_REUSEADDR)`. */
export const SO_EXCLUSIVEADDRUSE: number = ~0x0004;

/**
 * ioctlsocket command: set (non-zero) or clear non-blocking mode. C passes it as
 * a signed `long` (-2147195266): both spellings are the same command.
 */
export const FIONBIO: number = 0x8004667e;
/** ioctlsocket command: the bytes `recv` can take now without waiting. */
export const FIONREAD: number = 0x4004667f;

/** shutdown: no more receives. */
export const SD_RECEIVE: number = 0;
/** shutdown: no more sends (the peer reads the end of the stream). */
export const SD_SEND: number = 1;
/** shutdown: both. */
export const SD_BOTH: number = 2;

/** The IPv4 wildcard address. */
export const INADDR_ANY: string = "0.0.0.0";
/** The IPv4 loopback address. */
export const INADDR_LOOPBACK: string = "127.0.0.1";
