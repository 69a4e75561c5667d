// listen cases ported from Wine's dlls/ws2_32/tests/sock.c (test_listen, test_select)
// and ReactOS's modules/rostests/apitests/ws2_32/listen.c (Test_ListenThreadExit).
// Wine's fixed SERVERPORT is replaced by a port 0 bind and the port it got. Both transports.
import { strictEqual as is } from "node:assert/strict";
import {
  accept,
  AF_INET,
  bind,
  closesocket,
  listen,
  recv,
  send,
  SOCK_DGRAM,
  SOCK_STREAM,
  type SockAddr,
  socket,
  SOMAXCONN,
  WSA,
} from "../../../mod.ts";
import { sharedProvider } from "../../../src/provider/runtime.ts";
import { conformance } from "../../_conformance.ts";
import { client, fails, loopback, nameOf, streamSocket, succeeds } from "../../_net.ts";

conformance("test_listen: listen on 0 and on 0xdeadbeef is WSAENOTSOCK", () => {
  fails(listen(0, 0), WSA.WSAENOTSOCK);
  fails(listen(0xdeadbeef, 0), WSA.WSAENOTSOCK);
});

conformance("test_listen: listen on a UDP socket is WSAEOPNOTSUPP", () => {
  const fdA = socket(AF_INET, SOCK_DGRAM, 0);
  fails(listen(fdA, 1), WSA.WSAEOPNOTSUPP);
  succeeds(closesocket(fdA));
});

conformance("test_listen: an unbound socket is WSAEINVAL with backlog -2, 1 and SOMAXCONN", () => {
  const fdA = socket(AF_INET, SOCK_STREAM, 0);
  for (const backlog of [-2, 1, SOMAXCONN]) fails(listen(fdA, backlog), WSA.WSAEINVAL);
});

conformance(
  "test_listen: a second socket cannot bind the first's address; it stays unbound (WSAEINVAL); a re-listen succeeds",
  () => {
    const fdA = streamSocket();
    const fdB = streamSocket();
    succeeds(bind(fdA, loopback()));
    const address = nameOf(fdA);
    fails(bind(fdB, address), WSA.WSAEADDRINUSE);
    succeeds(listen(fdA, 0));
    succeeds(listen(fdA, SOMAXCONN));
    fails(listen(fdB, SOMAXCONN), WSA.WSAEINVAL);
    succeeds(closesocket(fdB));
    const fdC = streamSocket();
    fails(bind(fdC, address), WSA.WSAEADDRINUSE); // the address of a listening socket
  },
);

conformance("test_select: listen on a socket that was never bound fails", () => {
  fails(listen(streamSocket(), SOMAXCONN), WSA.WSAEINVAL);
});

/** As ReactOS's ListenThread: a call that makes the socket listen and returns. */
function listenAndReturn(name: SockAddr): number {
  const s = streamSocket();
  succeeds(bind(s, name));
  succeeds(listen(s, SOMAXCONN));
  return s;
}

conformance(
  "ReactOS Test_ListenThreadExit: the socket keeps listening after the call that made it returned",
  async () => {
    const l = listenAndReturn(loopback());
    const name = nameOf(l);
    for (const what of ["first after exit", "second after exit"]) {
      const c = await client(name);
      const server = await accept(l);
      is(await send(c, new Uint8Array([0x78])), 1, what);
      const byte = new Uint8Array(1);
      is(await recv(server, byte), 1, what);
      is(byte[0], 0x78, what);
      succeeds(closesocket(server));
      succeeds(closesocket(c));
    }
  },
);

conformance("a backlog that C passes as an int: 0xffffffff is -1, SOMAXCONN_HINT(1), which gives 200", () => {
  const s = streamSocket();
  succeeds(bind(s, loopback()));
  succeeds(listen(s, 0xffffffff));
  is(sharedProvider().stats(s)?.backlog, 200);
});
