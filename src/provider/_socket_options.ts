/**
 * The socket options acceptq has (SOL_SOCKET's SO_ACCEPTCONN, SO_TYPE,
 * SO_ERROR, SO_REUSEADDR, SO_EXCLUSIVEADDRUSE), read and set as Windows does:
 * levels, names and values compared as C ints, an unknown level WSAEINVAL, an
 * unknown option at a known level WSAENOPROTOOPT. The provider checks the
 * descriptor and documents the calls (`Provider.getsockopt`, `setsockopt`).
 *
 * @module
 */

import { SocketState } from "../core/_abi.ts";
import {
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  SO_ACCEPTCONN,
  SO_ERROR,
  SO_EXCLUSIVEADDRUSE,
  SO_REUSEADDR,
  SO_TYPE,
  SOL_SOCKET,
} from "../shared/constants.ts";
import { int32 } from "../shared/_c_int.ts";
import { WSA } from "../shared/errors.ts";
import { checkOutParam } from "../shared/_sockaddr.ts";
import type { SocketRecord } from "./_socket_record.ts";

/** getsockopt() on the socket `rec` (in core state `state`, of core type `type`). Returns 0 or a negated code. */
export function getSocketOption(
  rec: SocketRecord,
  state: number,
  type: number,
  level: number,
  optname: number,
  optval: { value: number },
): number {
  if (optval === null || optval === undefined) return -WSA.WSAEFAULT;
  checkOutParam(optval, "optval", ["value"]);
  const bad = checkLevel(level);
  if (bad) return -bad;
  if (int32(level) !== SOL_SOCKET) return -WSA.WSAENOPROTOOPT;
  switch (int32(optname)) {
    case SO_ACCEPTCONN:
      optval.value = state === SocketState.Listening ? 1 : 0;
      return 0;
    case SO_TYPE:
      optval.value = type;
      return 0;
    case SO_ERROR:
      optval.value = rec.soError;
      return 0;
    case SO_REUSEADDR:
      optval.value = rec.reuseAddress ? 1 : 0;
      return 0;
    case SO_EXCLUSIVEADDRUSE:
      optval.value = rec.exclusiveAddress ? 1 : 0;
      return 0;
  }
  return -WSA.WSAENOPROTOOPT;
}

/** setsockopt() on the socket `rec`. Returns 0 or a negated code. */
export function setSocketOption(rec: SocketRecord, level: number, optname: number, value: number): number {
  if (value === null || value === undefined) return -WSA.WSAEFAULT;
  const bad = checkLevel(level);
  if (bad) return -bad;
  if (int32(level) !== SOL_SOCKET) return -WSA.WSAENOPROTOOPT;
  const on = int32(value) !== 0;
  switch (int32(optname)) {
    case SO_ERROR:
      rec.soError = int32(value) | 0;
      return 0;
    case SO_REUSEADDR:
      if (on && rec.exclusiveAddress) return -WSA.WSAEINVAL;
      rec.reuseAddress = on;
      return 0;
    case SO_EXCLUSIVEADDRUSE:
      if (on && rec.reuseAddress) return -WSA.WSAEINVAL;
      rec.exclusiveAddress = on;
      return 0;
  }
  return -WSA.WSAENOPROTOOPT;
}

/** The option levels Windows knows for IP sockets: any other is WSAEINVAL. */
const LEVELS: readonly number[] = [SOL_SOCKET, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, IPPROTO_UDP];

/** 0 for a level Windows knows (compared as a C int), else WSAEINVAL. */
function checkLevel(level: number): number {
  return LEVELS.includes(int32(level)) ? 0 : WSA.WSAEINVAL;
}
