/**
 * The one table that maps every `Deno.errors` class (and the plain errors Deno's
 * network calls throw) to the Winsock code acceptq reports for it.
 *
 * @module
 */

import { WinsockError, WSA } from "./errors.ts";

/** Deno error class name → Winsock code. Every class of Deno 2.9's `Deno.errors` is listed. */
export const DENO_ERROR_CODES: Readonly<Record<string, number>> = {
  AddrInUse: WSA.WSAEADDRINUSE,
  AddrNotAvailable: WSA.WSAEADDRNOTAVAIL,
  AlreadyExists: WSA.WSAEADDRINUSE,
  BadResource: WSA.WSAENOTSOCK,
  BrokenPipe: WSA.WSAECONNRESET,
  Busy: WSA.WSAEINPROGRESS,
  ConnectionAborted: WSA.WSAECONNABORTED,
  ConnectionRefused: WSA.WSAECONNREFUSED,
  ConnectionReset: WSA.WSAECONNRESET,
  FilesystemLoop: WSA.WSAEINVAL,
  Http: WSA.WSAEINVAL,
  Interrupted: WSA.WSAEINTR,
  InvalidData: WSA.WSAEINVAL,
  IsADirectory: WSA.WSAEINVAL,
  NetworkUnreachable: WSA.WSAENETUNREACH,
  NotADirectory: WSA.WSAEINVAL,
  NotCapable: WSA.WSAEACCES,
  NotConnected: WSA.WSAENOTCONN,
  NotFound: WSA.WSAEADDRNOTAVAIL,
  NotSupported: WSA.WSAEOPNOTSUPP,
  PermissionDenied: WSA.WSAEACCES,
  TimedOut: WSA.WSAETIMEDOUT,
  UnexpectedEof: WSA.WSAECONNRESET,
  WouldBlock: WSA.WSAEWOULDBLOCK,
  WriteZero: WSA.WSAECONNRESET,
};

/**
 * The Winsock code for an error thrown by a Deno network call: a WinsockError
 * keeps its code, a Deno error class maps through the table, a RangeError (a port
 * out of range) is WSAEINVAL, and anything else is `fallback`.
 */
export function wsaCodeOf(error: unknown, fallback: number = WSA.WSAENETDOWN): number {
  if (error instanceof WinsockError) return error.code;
  if (error instanceof RangeError) return WSA.WSAEINVAL;
  // Off Deno (Bun, Node, workerd) there are no Deno error classes to match.
  const classes: Record<string, unknown> = (globalThis as { Deno?: typeof Deno }).Deno?.errors ?? {};
  for (const [name, code] of Object.entries(DENO_ERROR_CODES)) {
    const cls = classes[name];
    if (typeof cls === "function" && error instanceof (cls as new () => Error)) return code;
  }
  return fallback;
}

/** `error` as a WinsockError (kept if it is one), with the original as its cause. */
export function toWinsockError(error: unknown, fallback?: number): WinsockError {
  if (error instanceof WinsockError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new WinsockError(wsaCodeOf(error, fallback), detail, { cause: error });
}
