// getsockopt / setsockopt cases ported from Wine's dlls/ws2_32/tests/sock.c
// (test_set_getsockopt, test_extendedSocketOptions, test_sockopt_validity,
// test_listen, test_reuseaddr, test_select, test_accept_inheritance). Both transports.
import { strictEqual as is } from "node:assert/strict";
import {
  accept,
  AF_INET,
  bind,
  closesocket,
  connect,
  getsockopt,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPPROTO_TCP,
  listen,
  setsockopt,
  SO_ACCEPTCONN,
  SO_ERROR,
  SO_EXCLUSIVEADDRUSE,
  SO_REUSEADDR,
  SOCK_DGRAM,
  socket,
  SOL_SOCKET,
  WSA,
  WSAGetLastError,
  WSASetLastError,
} from "../../../mod.ts";
import { conformance } from "../../_conformance.ts";
import { client, fails, listener, loopback, nameOf, streamSocket, succeeds } from "../../_net.ts";

const SO_LINGER = 0x0080;
const SO_RCVTIMEO = 0x1006;
const SO_MAX_MSG_SIZE = 0x2003;
const NULL = null as unknown as number;

function read(s: number, level: number, name: number): number {
  const out = { value: 0xdeadbeef };
  succeeds(getsockopt(s, level, name, out));
  return out.value;
}

conformance("test_set_getsockopt: SO_ERROR can be set (last error 0) and reads back what was set", () => {
  const s = streamSocket();
  WSASetLastError(0xdeadbeef);
  is(setsockopt(s, SOL_SOCKET, SO_ERROR, 1234), 0);
  is(WSAGetLastError(), 0);
  WSASetLastError(0xdeadbeef);
  is(read(s, SOL_SOCKET, SO_ERROR), 1234);
  is(read(s, SOL_SOCKET, SO_ERROR), 1234, "reading does not clear it");
});

conformance(
  "test_select: SO_ERROR is 0 on a connector after a successful connect, even if it was set before",
  async () => {
    const l = listener(2);
    const c = streamSocket();
    succeeds(setsockopt(c, SOL_SOCKET, SO_ERROR, WSA.WSAECONNREFUSED));
    is(await connect(c, l.name), 0);
    is(read(c, SOL_SOCKET, SO_ERROR), 0);
    is(read(await accept(l.s), SOL_SOCKET, SO_ERROR), 0);
  },
);

conformance(
  "test_set_getsockopt / test_extendedSocketOptions: levels Windows does not know are WSAEINVAL, as C ints",
  () => {
    const s = streamSocket();
    for (const level of [0xffffffff, -1, 0x00008000, 0x1234ffff, 0x8000ffff, 0x00000800]) {
      fails(setsockopt(s, level, SO_RCVTIMEO, 63000), WSA.WSAEINVAL);
      fails(getsockopt(s, level, SO_MAX_MSG_SIZE, { value: 0 }), WSA.WSAEINVAL);
    }
  },
);

conformance(
  "test_sockopt_validity: option -1 at IPPROTO_IP and IPPROTO_IPV6 is WSAENOPROTOOPT (a known level)",
  () => {
    const s = streamSocket();
    for (const level of [IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, SOL_SOCKET]) {
      fails(getsockopt(s, level, -1, { value: 0 }), WSA.WSAENOPROTOOPT);
      fails(setsockopt(s, level, -1, 0), WSA.WSAENOPROTOOPT);
    }
  },
);

conformance("test_extendedSocketOptions: SO_LINGER on a UDP socket is WSAENOPROTOOPT", () => {
  const s = socket(AF_INET, SOCK_DGRAM, IPPROTO_IP);
  succeeds(bind(s, { family: AF_INET, address: "0.0.0.0", port: 0 }));
  fails(getsockopt(s, SOL_SOCKET, SO_LINGER, { value: 0 }), WSA.WSAENOPROTOOPT);
});

conformance(
  "test_set_getsockopt: a NULL optval is WSAEFAULT; a closed socket is WSAENOTSOCK and its optval is left",
  () => {
    const s = streamSocket();
    fails(setsockopt(s, SOL_SOCKET, SO_LINGER, NULL), WSA.WSAEFAULT);
    fails(getsockopt(s, SOL_SOCKET, SO_ERROR, null as unknown as { value: number }), WSA.WSAEFAULT);
    succeeds(closesocket(s));
    const i = { value: 1234 };
    fails(getsockopt(s, SOL_SOCKET, SO_ERROR, i), WSA.WSAENOTSOCK);
    is(i.value, 1234);
  },
);

conformance(
  "test_listen: SO_ACCEPTCONN is 0 before listen and 1 after; setting it (1 or 0) is WSAENOPROTOOPT either way",
  () => {
    const s = streamSocket();
    succeeds(bind(s, loopback()));
    is(read(s, SOL_SOCKET, SO_ACCEPTCONN), 0);
    for (const value of [1, 0]) fails(setsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, value), WSA.WSAENOPROTOOPT);
    succeeds(listen(s, 0));
    succeeds(listen(s, 0x7fffffff));
    is(read(s, SOL_SOCKET, SO_ACCEPTCONN), 1);
    for (const value of [1, 0]) fails(setsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, value), WSA.WSAENOPROTOOPT);
  },
);

conformance(
  "test_reuseaddr: SO_REUSEADDR reads 0 on a new socket and 1 once set; SO_EXCLUSIVEADDRUSE likewise",
  () => {
    const s = streamSocket();
    is(read(s, SOL_SOCKET, SO_REUSEADDR), 0);
    is(read(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE), 0);
    succeeds(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, 1));
    is(read(s, SOL_SOCKET, SO_REUSEADDR), 1);
    const t = streamSocket();
    succeeds(setsockopt(t, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1));
    is(read(t, SOL_SOCKET, SO_EXCLUSIVEADDRUSE), 1);
    is(read(t, SOL_SOCKET, 0xfffffffb), 1, "SO_EXCLUSIVEADDRUSE as an unsigned int is the same option");
  },
);

conformance("test_reuseaddr: SO_REUSEADDR and SO_EXCLUSIVEADDRUSE exclude each other, in both orders", () => {
  const s1 = streamSocket();
  succeeds(setsockopt(s1, SOL_SOCKET, SO_REUSEADDR, 1));
  fails(setsockopt(s1, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1), WSA.WSAEINVAL);
  succeeds(setsockopt(s1, SOL_SOCKET, SO_REUSEADDR, 0));
  succeeds(setsockopt(s1, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1));
  fails(setsockopt(s1, SOL_SOCKET, SO_REUSEADDR, 1), WSA.WSAEINVAL);
});

conformance(
  "test_accept_inheritance: SO_REUSEADDR set on the listener reads 1 on the accepted socket",
  async () => {
    const l = streamSocket();
    succeeds(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, 1));
    succeeds(bind(l, loopback()));
    succeeds(listen(l, 1));
    await client(nameOf(l));
    const server = await accept(l);
    is(read(server, SOL_SOCKET, SO_REUSEADDR), 1);
  },
);
