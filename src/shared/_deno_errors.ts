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
 * OS error code (`error.code`) → Winsock code, for the errors Deno throws as a
 * plain `Error` with no `Deno.errors` class: out of file descriptors (EMFILE for
 * the process, ENFILE for the system) and out of kernel memory. Deno 2.9's
 * `TcpListener.accept()` rejects this way when the process has no descriptor left.
 */
export const OS_ERROR_CODES: Readonly<Record<string, number>> = {
  EMFILE: WSA.WSAEMFILE,
  ENFILE: WSA.WSAEMFILE,
  ENOBUFS: WSA.WSAENOBUFS,
  ENOMEM: WSA.WSAENOBUFS,
};

/**
 * The Winsock code for an error thrown by a Deno network call: a WinsockError
 * keeps its code, a Deno error class maps through the table, a plain error
 * with an OS `code` through `OS_ERROR_CODES`, a RangeError (a port out of
 * range) is WSAEINVAL, and anything else is `fallback`.
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
  const osCode = (error as { code?: unknown } | null)?.code;
  if (typeof osCode === "string" && Object.hasOwn(OS_ERROR_CODES, osCode)) return OS_ERROR_CODES[osCode];
  return fallback;
}

/** `error` as a WinsockError (kept if it is one), with the original as its cause. */
export function toWinsockError(error: unknown, fallback?: number): WinsockError {
  if (error instanceof WinsockError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new WinsockError(wsaCodeOf(error, fallback), detail, { cause: error });
}
