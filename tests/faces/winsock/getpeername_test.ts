// getpeername cases ported from Wine's dlls/ws2_32/tests/sock.c (test_getpeername,
// test_shutdown, test_connect_udp). Both transports.
import { deepStrictEqual as eq, strictEqual as is } from "node:assert/strict";
import {
  accept,
  AF_INET,
  AF_UNSPEC,
  connect,
  getpeername,
  INVALID_SOCKET,
  IPPROTO_UDP,
  SOCK_DGRAM,
  type SockAddr,
  socket,
  WSA,
} from "../../../mod.ts";
import { conformance } from "../../_conformance.ts";
import { client, fails, listener, loopback, nameOf, succeeds } from "../../_net.ts";

const NULL = null as unknown as SockAddr;

conformance("test_getpeername: WSAENOTSOCK, then WSAENOTCONN, are checked before the arguments", () => {
  fails(getpeername(INVALID_SOCKET, NULL), WSA.WSAENOTSOCK);
  const sock = socket(AF_INET, SOCK_DGRAM, 0);
  fails(getpeername(sock, NULL), WSA.WSAENOTCONN);
});

conformance(
  "test_getpeername: a connected datagram socket reports its connect address; a NULL name is WSAEFAULT",
  async () => {
    const sock = socket(AF_INET, SOCK_DGRAM, 0);
    const sa = loopback(AF_INET, 139);
    is(await connect(sock, sa), 0);
    fails(getpeername(sock, NULL), WSA.WSAEFAULT);
    const out = {} as SockAddr;
    succeeds(getpeername(sock, out));
    eq(out, sa);
  },
);

conformance(
  "test_shutdown: the client's peer is the listener's address; the accepted socket's peer is the client's address",
  async () => {
    const l = listener(1);
    const c = await client(l.name);
    const a = await accept(l.s);
    const peer = {} as SockAddr;
    succeeds(getpeername(c, peer));
    eq(peer, l.name);
    succeeds(getpeername(a, peer));
    eq(peer, nameOf(c));
    fails(getpeername(l.s, peer), WSA.WSAENOTCONN); // a listener has no peer
  },
);

conformance(
  "test_connect_udp: connect replaces a datagram socket's peer, AF_UNSPEC disconnects it; the unconnected side has none",
  async () => {
    const server = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    const c = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    const addr = loopback(AF_INET, 4000);
    is(await connect(c, addr), 0);
    const out = {} as SockAddr;
    succeeds(getpeername(c, out));
    eq(out, addr);
    fails(getpeername(server, out), WSA.WSAENOTCONN);
    is(await connect(c, { ...addr, port: addr.port + 1 }), 0);
    succeeds(getpeername(c, out));
    is(out.port, addr.port + 1);
    is(await connect(c, { family: AF_UNSPEC, address: "0.0.0.0", port: 0 }), 0);
    fails(getpeername(c, out), WSA.WSAENOTCONN);
  },
);
