// connect cases ported from Wine's dlls/ws2_32/tests/sock.c (test_errors,
// test_connect, test_connecting_socket, test_select). Both transports.
import { strictEqual as is } from "node:assert/strict";
import {
  accept,
  AF_INET,
  bind,
  connect,
  getsockopt,
  listen,
  SO_ERROR,
  SOL_SOCKET,
  WSA,
} from "../../../mod.ts";
import { conformance } from "../../_conformance.ts";
import {
  client,
  closedPort,
  listener,
  loopback,
  nameOf,
  rejectsWith,
  streamSocket,
  succeeds,
} from "../../_net.ts";

conformance("test_errors: connect to a port nothing listens on is WSAECONNREFUSED", async () => {
  await rejectsWith(connect(streamSocket(), loopback(AF_INET, closedPort())), WSA.WSAECONNREFUSED);
});

conformance("test_connect: connect on a listening socket is WSAEINVAL", async () => {
  const l = listener(1);
  await rejectsWith(connect(l.s, l.name), WSA.WSAEINVAL);
});

conformance("test_connect: connect on an accepted and on a connected socket is WSAEISCONN", async () => {
  const l = listener(2);
  const connector = await client(l.name);
  const acceptor = await accept(l.s);
  await rejectsWith(connect(acceptor, l.name), WSA.WSAEISCONN);
  await rejectsWith(connect(connector, l.name), WSA.WSAEISCONN);
});

conformance("test_connect: a socket whose connect was refused connects later", async () => {
  const l = listener(1);
  const connector = streamSocket();
  await rejectsWith(connect(connector, loopback(AF_INET, closedPort())), WSA.WSAECONNREFUSED);
  is(await connect(connector, l.name), 0);
  is((await accept(l.s)) > 0, true);
});

conformance(
  "test_connecting_socket: a second connect while the first is in progress is WSAEALREADY",
  async () => {
    const l = listener(1);
    const c = streamSocket();
    const first = connect(c, l.name);
    await rejectsWith(connect(c, l.name), WSA.WSAEALREADY);
    is(await first, 0);
  },
);

conformance(
  "test_select (interactive): SO_ERROR stays 0 after a blocking connect failed synchronously",
  async () => {
    const c = streamSocket();
    await rejectsWith(connect(c, loopback(AF_INET, closedPort())), WSA.WSAECONNREFUSED);
    const id = { value: 0xdeadbeef };
    succeeds(getsockopt(c, SOL_SOCKET, SO_ERROR, id));
    is(id.value, 0);
  },
);

conformance(
  "connect to 0.0.0.0 or to port 0 is WSAEADDRNOTAVAIL (Windows; Linux would connect to this host)",
  async () => {
    const l = listener(1);
    const c = streamSocket();
    await rejectsWith(
      connect(c, { family: AF_INET, address: "0.0.0.0", port: l.name.port }),
      WSA.WSAEADDRNOTAVAIL,
    );
    await rejectsWith(connect(c, { family: AF_INET, address: "127.0.0.1", port: 0 }), WSA.WSAEADDRNOTAVAIL);
    is(await connect(c, l.name), 0, "the socket is still usable");
  },
);

conformance("listen after a refused connect listens and accepts, as Windows lets it", async () => {
  const unbound = streamSocket();
  await rejectsWith(connect(unbound, loopback(AF_INET, closedPort())), WSA.WSAECONNREFUSED);
  succeeds(listen(unbound, 1));
  const bound = streamSocket();
  succeeds(bind(bound, loopback()));
  const name = nameOf(bound);
  await rejectsWith(connect(bound, loopback(AF_INET, closedPort())), WSA.WSAECONNREFUSED);
  is(nameOf(bound).port, name.port); // still bound where it was
  succeeds(listen(bound, 1));
  for (const s of [unbound, bound]) {
    const c = await client(loopback(AF_INET, nameOf(s).port)); // the unbound one took the wildcard
    const a = await accept(s);
    is(a > 0 && c > 0, true);
  }
});
