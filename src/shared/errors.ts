/**
 * Winsock error codes (winerror.h values), their symbolic names and messages,
 * and `WinsockError`, the error every awaited Winsock-style call rejects with.
 *
 * @module
 */

/** Every Winsock error code acceptq defines, by name (Windows SDK values). */
export const WSA = {
  WSAEINTR: 10004,
  WSAEACCES: 10013,
  WSAEFAULT: 10014,
  WSAEINVAL: 10022,
  WSAEMFILE: 10024,
  WSAEWOULDBLOCK: 10035,
  WSAEINPROGRESS: 10036,
  WSAEALREADY: 10037,
  WSAENOTSOCK: 10038,
  WSAEPROTOTYPE: 10041,
  WSAENOPROTOOPT: 10042,
  WSAEPROTONOSUPPORT: 10043,
  WSAESOCKTNOSUPPORT: 10044,
  WSAEOPNOTSUPP: 10045,
  WSAEAFNOSUPPORT: 10047,
  WSAEADDRINUSE: 10048,
  WSAEADDRNOTAVAIL: 10049,
  WSAENETDOWN: 10050,
  WSAENETUNREACH: 10051,
  WSAECONNABORTED: 10053,
  WSAECONNRESET: 10054,
  WSAENOBUFS: 10055,
  WSAEISCONN: 10056,
  WSAENOTCONN: 10057,
  WSAESHUTDOWN: 10058,
  WSAETIMEDOUT: 10060,
  WSAECONNREFUSED: 10061,
  WSAEHOSTUNREACH: 10065,
  WSAVERNOTSUPPORTED: 10092,
  WSANOTINITIALISED: 10093,
} as const;

/** The symbolic name of a Winsock error code, such as `"WSAECONNREFUSED"`. */
export type WsaName = keyof typeof WSA;
/** A Winsock error code acceptq can report. */
export type WsaCode = typeof WSA[WsaName];

const MESSAGES: Readonly<Record<WsaName, string>> = {
  WSAEINTR: "A blocking operation was interrupted",
  WSAEACCES: "Permission denied",
  WSAEFAULT: "A pointer or buffer argument is not valid",
  WSAEINVAL: "An invalid argument was supplied",
  WSAEMFILE: "No more socket descriptors are available",
  WSAEWOULDBLOCK: "The operation would block",
  WSAEINPROGRESS: "A blocking operation is already in progress",
  WSAEALREADY: "An operation is already in progress on this socket",
  WSAENOTSOCK: "The descriptor is not a socket",
  WSAEPROTOTYPE: "The protocol is the wrong type for the socket",
  WSAENOPROTOOPT: "The option is unknown, unsupported or read-only",
  WSAEPROTONOSUPPORT: "The protocol is not supported",
  WSAESOCKTNOSUPPORT: "The socket type is not supported",
  WSAEOPNOTSUPP: "The operation is not supported for this type of socket",
  WSAEAFNOSUPPORT: "The address family is not supported",
  WSAEADDRINUSE: "The address is already in use",
  WSAEADDRNOTAVAIL: "The address is not valid in its context",
  WSAENETDOWN: "The network subsystem has failed",
  WSAENETUNREACH: "The network is unreachable",
  WSAECONNABORTED: "The connection was aborted",
  WSAECONNRESET: "The connection was reset by the peer",
  WSAENOBUFS: "No buffer space is available",
  WSAEISCONN: "The socket is already connected",
  WSAENOTCONN: "The socket is not connected",
  WSAESHUTDOWN: "The socket has been shut down",
  WSAETIMEDOUT: "The connection attempt timed out",
  WSAECONNREFUSED: "The connection was refused",
  WSAEHOSTUNREACH: "The host is unreachable",
  WSAVERNOTSUPPORTED: "The requested Windows Sockets version is not supported",
  WSANOTINITIALISED: "WSAStartup has not been called successfully",
};

const NAMES: ReadonlyMap<number, WsaName> = new Map(
  Object.entries(WSA).map(([name, code]) => [code, name as WsaName]),
);

/**
 * The symbolic name of a Winsock error code, or `"WSA<code>"` for a code
 * acceptq does not define.
 *
 * @example Naming a code
 * ```ts
 * import { wsaName } from "./errors.ts";
 * console.log(wsaName(10061)); // "WSAECONNREFUSED"
 * ```
 */
export function wsaName(code: number): string {
  return NAMES.get(code) ?? `WSA${code}`;
}

/**
 * The error of every Winsock-style call that reports through a promise. It
 * carries the numeric `code` that `WSAGetLastError()` would return in C and its
 * symbolic name in `wsaName`.
 *
 * @example Checking the code of a refused connection
 * ```ts
 * import { WinsockError, WSA } from "./errors.ts";
 * const error = new WinsockError(WSA.WSAECONNREFUSED);
 * console.log(error.code === WSA.WSAECONNREFUSED, error.wsaName); // true "WSAECONNREFUSED"
 * ```
 */
export class WinsockError extends Error {
  /** The Winsock error code, such as 10061. */
  readonly code: number;
  /** The code's symbolic name, such as `"WSAECONNREFUSED"`. */
  readonly wsaName: string;

  /**
   * Makes the error for `code`, with its standard message.
   *
   * @param code A Winsock error code.
   * @param detail Optional context appended to the standard message.
   * @param options Standard error options (`cause`).
   */
  constructor(code: number, detail?: string, options?: ErrorOptions) {
    const name = wsaName(code);
    const base = MESSAGES[name as WsaName] ?? "Winsock error";
    super(`${name} (${code}): ${base}${detail ? `: ${detail}` : ""}`, options);
    this.name = "WinsockError";
    this.code = code;
    this.wsaName = name;
  }
}
