// bind cases ported from Wine's dlls/ws2_32/tests/sock.c (test_bind, test_getsockname)
// and ReactOS's modules/rostests/apitests/ws2_32/bind.c. Both transports. The
// SO_REUSEADDR / SO_EXCLUSIVEADDRUSE cases are in reuseaddr_test.ts.
import { strictEqual as is } from "node:assert/strict";
import {
  AF_INET,
  bind,
  getsockname,
  INVALID_SOCKET,
  IPPROTO_TCP,
  IPPROTO_UDP,
  SOCK_DGRAM,
  SOCK_STREAM,
  type SockAddr,
  socket,
  WSA,
} from "../../../mod.ts";
import { conformance } from "../../_conformance.ts";
import { fails, loopback, succeeds } from "../../_net.ts";

const NULL = null as unknown as SockAddr;

conformance("test_bind / ReactOS bind: a NULL name is WSAEFAULT; INVALID_SOCKET is WSAENOTSOCK first", () => {
  fails(bind(INVALID_SOCKET, NULL), WSA.WSAENOTSOCK);
  const s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  fails(bind(s, NULL), WSA.WSAEFAULT);
});

conformance("test_bind: family 0xdead is WSAEAFNOSUPPORT", () => {
  const s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  fails(bind(s, { family: 0xdead, address: "127.0.0.1", port: 0 }), WSA.WSAEAFNOSUPPORT);
});

conformance(
  "test_bind: an address that is not this host's (192.0.2.0) is WSAEADDRNOTAVAIL, TCP and UDP",
  () => {
    const invalid = { family: AF_INET, address: "192.0.2.0", port: 0 };
    for (const [type, protocol] of [[SOCK_STREAM, IPPROTO_TCP], [SOCK_DGRAM, IPPROTO_UDP]]) {
      const s = socket(AF_INET, type, protocol);
      fails(bind(s, invalid), WSA.WSAEADDRNOTAVAIL);
      succeeds(bind(s, loopback()));
    }
  },
);

conformance(
  "test_bind / ReactOS bind: a second bind is WSAEINVAL; another socket on the address is WSAEADDRINUSE",
  () => {
    const s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    succeeds(bind(s, loopback()));
    fails(bind(s, loopback()), WSA.WSAEINVAL);
    const addr = {} as SockAddr;
    succeeds(getsockname(s, addr));
    fails(bind(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), addr), WSA.WSAEADDRINUSE);
  },
);

conformance(
  "ReactOS bind / test_getsockname: loopback and 0.0.0.0 with port 0 report that address and a port",
  () => {
    for (const type of [SOCK_STREAM, SOCK_DGRAM]) {
      for (const address of ["127.0.0.1", "0.0.0.0"]) {
        const s = socket(AF_INET, type, 0);
        succeeds(bind(s, { family: AF_INET, address, port: 0 }));
        const got = {} as SockAddr;
        succeeds(getsockname(s, got));
        is(got.family, AF_INET);
        is(got.address, address);
        is(got.port > 0, true, `${address}: a port was chosen`);
      }
    }
  },
);

conformance("test_getsockname: an unbound socket is WSAEINVAL and its name is left as it was", () => {
  const s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  const got = { family: AF_INET, address: "0.0.0.0", port: 0 };
  fails(getsockname(s, got), WSA.WSAEINVAL);
  is(got.address, "0.0.0.0");
  is(got.port, 0);
});

conformance(
  "ReactOS bind: 255.255.255.255 (and a multicast address) is WSAEADDRNOTAVAIL, TCP and UDP",
  () => {
    for (const type of [SOCK_STREAM, SOCK_DGRAM]) {
      for (const address of ["255.255.255.255", "224.0.0.1"]) {
        for (const port of [0, 58888]) {
          fails(bind(socket(AF_INET, type, 0), { family: AF_INET, address, port }), WSA.WSAEADDRNOTAVAIL);
        }
      }
    }
  },
);
