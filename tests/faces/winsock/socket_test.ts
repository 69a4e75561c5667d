// socket() cases ported from Wine's dlls/ws2_32/tests/sock.c test_WSASocket (its
// table, row numbers in the messages) and test_set_getsockopt. Both transports.
import { strictEqual as is } from "node:assert/strict";
import {
  AF_INET,
  AF_UNSPEC,
  closesocket,
  getsockopt,
  INVALID_SOCKET,
  IPPROTO_TCP,
  IPPROTO_UDP,
  setsockopt,
  SO_TYPE,
  SOCK_DGRAM,
  SOCK_STREAM,
  socket,
  SOL_SOCKET,
  WSA,
  WSAGetLastError,
} from "../../../mod.ts";
import { sharedProvider } from "../../../src/provider/runtime.ts";
import { conformance } from "../../_conformance.ts";
import { fails } from "../../_net.ts";

const DEAD = 0xdead;

// [af, type, protocol, error, created type] as test_WSASocket lists them.
const TABLE: readonly [number, number, number, number, number?][] = [
  [DEAD, SOCK_STREAM, IPPROTO_TCP, WSA.WSAEAFNOSUPPORT],
  [-1, SOCK_STREAM, IPPROTO_TCP, WSA.WSAEAFNOSUPPORT],
  [AF_INET, DEAD, IPPROTO_TCP, WSA.WSAESOCKTNOSUPPORT],
  [AF_INET, -1, IPPROTO_TCP, WSA.WSAESOCKTNOSUPPORT],
  [AF_INET, SOCK_STREAM, DEAD, WSA.WSAEPROTONOSUPPORT],
  [AF_INET, SOCK_STREAM, -1, WSA.WSAEPROTONOSUPPORT],
  [DEAD, DEAD, IPPROTO_TCP, WSA.WSAESOCKTNOSUPPORT],
  [DEAD, SOCK_STREAM, DEAD, WSA.WSAEAFNOSUPPORT],
  [AF_INET, DEAD, DEAD, WSA.WSAESOCKTNOSUPPORT],
  [DEAD, SOCK_STREAM, IPPROTO_UDP, WSA.WSAEAFNOSUPPORT],
  [AF_INET, SOCK_STREAM, 0, 0, SOCK_STREAM],
  [AF_INET, SOCK_DGRAM, 0, 0, SOCK_DGRAM],
  [AF_INET, DEAD, 0, WSA.WSAESOCKTNOSUPPORT],
  [AF_INET, 0, IPPROTO_TCP, 0, SOCK_STREAM],
  [AF_INET, 0, IPPROTO_UDP, 0, SOCK_DGRAM],
  [AF_INET, 0, DEAD, WSA.WSAEPROTONOSUPPORT],
  [AF_INET, 0, 0, 0, SOCK_STREAM],
  [AF_INET, SOCK_STREAM, IPPROTO_UDP, WSA.WSAEPROTONOSUPPORT],
  [AF_INET, SOCK_DGRAM, IPPROTO_TCP, WSA.WSAEPROTONOSUPPORT],
  [AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP, 0, SOCK_STREAM],
  [AF_UNSPEC, SOCK_STREAM, DEAD, WSA.WSAEPROTONOSUPPORT],
  [AF_UNSPEC, DEAD, IPPROTO_UDP, WSA.WSAESOCKTNOSUPPORT],
  [AF_UNSPEC, SOCK_STREAM, 0, WSA.WSAEINVAL],
  [AF_UNSPEC, SOCK_DGRAM, 0, WSA.WSAEINVAL],
  [AF_UNSPEC, DEAD, 0, WSA.WSAEINVAL],
  [AF_UNSPEC, 0, IPPROTO_TCP, 0, SOCK_STREAM],
  [AF_UNSPEC, 0, IPPROTO_UDP, 0, SOCK_DGRAM],
  [AF_UNSPEC, 0, DEAD, WSA.WSAEPROTONOSUPPORT],
  [AF_UNSPEC, 0, 0, WSA.WSAEINVAL],
];

conformance("test_WSASocket: every row of the table gives Windows' error, in Windows' check order", () => {
  TABLE.forEach(([af, type, protocol, error, created], row) => {
    const s = socket(af, type, protocol);
    if (error) {
      fails(s, error, INVALID_SOCKET);
      return;
    }
    is(WSAGetLastError(), 0, `row ${row}`);
    const got = { value: -1 };
    is(getsockopt(s, SOL_SOCKET, SO_TYPE, got), 0);
    is(got.value, created, `row ${row}: the type`);
    if (af === AF_UNSPEC) {
      is(sharedProvider().describe(s)?.af, AF_INET, `row ${row}: AF_UNSPEC makes AF_INET`);
    }
    is(closesocket(s), 0);
  });
});

conformance("test_WSASocket: -1 written as C's unsigned 0xffffffff is still -1", () => {
  fails(socket(AF_INET, 0xffffffff, IPPROTO_TCP), WSA.WSAESOCKTNOSUPPORT, INVALID_SOCKET); // -1 as unsigned
  fails(socket(AF_INET, SOCK_STREAM, 0xffffffff), WSA.WSAEPROTONOSUPPORT, INVALID_SOCKET);
  fails(socket(0xffffffff, SOCK_STREAM, IPPROTO_TCP), WSA.WSAEAFNOSUPPORT, INVALID_SOCKET);
});

conformance("test_WSASocket: setsockopt(SO_TYPE) on a TCP socket is WSAENOPROTOOPT", () => {
  const s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  for (const type of [SOCK_STREAM, SOCK_DGRAM]) {
    fails(setsockopt(s, SOL_SOCKET, SO_TYPE, type), WSA.WSAENOPROTOOPT);
  }
});
