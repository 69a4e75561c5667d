// Real I/O through the Winsock face on loopback (SPEC L4, L5, 4.1): peer and local
// addresses, SO_ACCEPTCONN, echo both ways, orderly close, refusal while bound,
// non-blocking inheritance, accept order, what closing a listener does to its queue
// and its port, and that WSACleanup leaves nothing open.
import { deepStrictEqual as eq, ok, strictEqual as is } from "node:assert/strict";
import {
  accept,
  AF_INET,
  AF_INET6,
  bind,
  closesocket,
  connect,
  FIONBIO,
  getsockopt,
  ioctlsocket,
  listen,
  recv,
  send,
  SO_ACCEPTCONN,
  SO_TYPE,
  SOCK_STREAM,
  type SockAddr,
  SOL_SOCKET,
  WinsockError,
  WSA,
  WSACleanup,
  WSAGetLastError,
  wsaName,
  WSAStartup,
} from "../../../mod.ts";
import { sharedProvider } from "../../../src/provider/runtime.ts";
import {
  assertIdle,
  boundSocket,
  client,
  listener,
  nameOf,
  rejectsWith,
  session,
  settle,
  settlesSoon,
  streamSocket,
  succeeds,
  WINSOCK2,
} from "../../_net.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads exactly `n` bytes from `s` as text. */
async function readText(s: number, n: number): Promise<string> {
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const read = await recv(s, buf.subarray(got));
    ok(read > 0, "the stream ended early");
    got += read;
  }
  return decoder.decode(buf);
}

/** recv resolves 0 (orderly close) or rejects with WSAECONNRESET (reset). */
async function endsWithResetOrClose(s: number): Promise<void> {
  try {
    is(await recv(s, new Uint8Array(8)), 0);
  } catch (error) {
    ok(error instanceof WinsockError, `expected a WinsockError, got ${error}`);
    is(error.wsaName, "WSAECONNRESET");
  }
}

function openFds(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

for (const family of [AF_INET, AF_INET6]) {
  const label = family === AF_INET ? "IPv4 127.0.0.1" : "IPv6 ::1";
  const address = family === AF_INET ? "127.0.0.1" : "::1";

  Deno.test(`accept fills the peer address (${label})`, async () => {
    await session(async () => {
      const l = listener(4, family);
      const c = await client(l.name);
      const peer = { family: -1, address: "", port: -1 };
      const a = await accept(l.s, peer);
      ok(a > 0);
      eq(peer, { family, address, port: nameOf(c).port });
      eq(nameOf(a), { family, address, port: l.name.port }, "the accepted socket's local address");
      ok(nameOf(c).port > 0 && nameOf(c).port !== l.name.port);
    });
  });

  Deno.test(`getsockname reports the real port after bind to port 0 (${label})`, async () => {
    await session(() => {
      const { s, name } = boundSocket(family);
      is(name.family, family);
      is(name.address, address);
      ok(name.port > 0 && name.port <= 65535);
      let taken = false;
      try {
        Deno.listen({ hostname: address, port: name.port }).close();
      } catch (error) {
        taken = error instanceof Deno.errors.AddrInUse;
      }
      ok(taken, "the reported port is really reserved");
      succeeds(listen(s, 2));
      eq(nameOf(s), name, "listen keeps the same address");
    });
  });

  Deno.test(`send and recv echo both ways (${label})`, async () => {
    await session(async () => {
      const l = listener(4, family);
      const c = await client(l.name);
      const a = await accept(l.s);
      is(await send(c, encoder.encode("ping from the client")), 20);
      is(await readText(a, 20), "ping from the client");
      is(await send(a, encoder.encode("pong")), 4);
      is(await readText(c, 4), "pong");
      const big = new Uint8Array(256 * 1024).map((_, i) => i & 0xff);
      const [sent, echoed] = await Promise.all([
        send(c, big),
        (async () => {
          const into = new Uint8Array(big.length);
          let got = 0;
          while (got < big.length) got += await recv(a, into.subarray(got));
          return into;
        })(),
      ]);
      is(sent, big.length);
      eq(echoed, big);
      is(await recv(a, new Uint8Array(0)), 0, "an empty buffer reads nothing");
    });
  });
}

Deno.test("getsockopt SO_ACCEPTCONN is 0 before listen and 1 after; SO_TYPE is SOCK_STREAM", async () => {
  await session(async () => {
    const { s, name } = boundSocket();
    const optval = { value: -1 };
    succeeds(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, optval));
    is(optval.value, 0);
    succeeds(listen(s, 2));
    succeeds(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, optval));
    is(optval.value, 1);
    succeeds(getsockopt(s, SOL_SOCKET, SO_TYPE, optval));
    is(optval.value, SOCK_STREAM);
    const c = await client(name);
    const a = await accept(s);
    for (const d of [c, a]) {
      succeeds(getsockopt(d, SOL_SOCKET, SO_ACCEPTCONN, optval));
      is(optval.value, 0, "a connection is not listening");
    }
  });
});

Deno.test("recv resolves 0 after the peer's closesocket, both directions", async () => {
  await session(async () => {
    const l = listener(4);
    const c1 = await client(l.name);
    const a1 = await accept(l.s);
    is(await send(c1, encoder.encode("last")), 4);
    succeeds(closesocket(c1));
    is(await readText(a1, 4), "last", "data sent before the close arrives");
    is(await recv(a1, new Uint8Array(8)), 0);
    is(await recv(a1, new Uint8Array(8)), 0, "and again");
    const c2 = await client(l.name);
    const a2 = await accept(l.s);
    succeeds(closesocket(a2));
    is(await recv(c2, new Uint8Array(8)), 0);
  });
});

Deno.test("a bound socket that is not listening refuses in-process connects with WSAECONNREFUSED", async () => {
  await session(async () => {
    const { s, name } = boundSocket();
    const c = streamSocket();
    await rejectsWith(connect(c, name), WSA.WSAECONNREFUSED);
    is(WSAGetLastError(), WSA.WSAECONNREFUSED);
    await rejectsWith(connect(c, name), WSA.WSAECONNREFUSED);
    succeeds(listen(s, 2));
    is(await connect(c, name), 0, "the same client is admitted once the socket listens");
    is(sharedProvider().stats(s)?.queued, 1);
  });
});

Deno.test("accepted sockets inherit the listener's non-blocking mode", async () => {
  await session(async () => {
    const l = listener(4);
    const mode = { value: -1 };
    const c1 = await client(l.name);
    const blocking = await accept(l.s);
    is(sharedProvider().nonBlocking(blocking, mode), 0);
    is(mode.value, 0);
    succeeds(ioctlsocket(l.s, FIONBIO, { value: 1 }));
    const c2 = await client(l.name);
    const nonBlocking = await accept(l.s);
    is(sharedProvider().nonBlocking(nonBlocking, mode), 0);
    is(mode.value, 1);
    is(sharedProvider().nonBlocking(c2, mode), 0);
    is(mode.value, 0, "the client side keeps its own mode");
    void c1;
  });
});

Deno.test("concurrent accepts are served in call order", async () => {
  await session(async () => {
    const l = listener(8);
    const peers = [0, 1, 2].map(() => ({} as SockAddr));
    const order: number[] = [];
    const accepts = peers.map((peer, i) => accept(l.s, peer).then((a) => (order.push(i), a)));
    is(await settlesSoon(accepts[0]), false);
    const clients: number[] = [];
    for (let i = 0; i < 3; i++) clients.push(await client(l.name));
    const accepted = await Promise.all(accepts);
    eq(order, [0, 1, 2]);
    eq(peers.map((p) => p.port), clients.map((c) => nameOf(c).port));
    is(new Set(accepted).size, 3);
  });
});

Deno.test("closesocket of a listener resets its queued connections and releases the port", async () => {
  await session(async () => {
    const l = listener(4);
    const queued = [await client(l.name), await client(l.name)];
    is(sharedProvider().stats(l.s)?.queued, 2);
    is(sharedProvider().pendingConnections(), 2);
    succeeds(closesocket(l.s));
    is(sharedProvider().pendingConnections(), 0, "nothing is left pending");
    for (const c of queued) await endsWithResetOrClose(c);
    const again = streamSocket();
    succeeds(bind(again, l.name), 0);
    succeeds(listen(again, 2));
    const c = await client(l.name);
    const peer = {} as SockAddr;
    ok(await accept(again, peer) > 0, "the new listener on the same port works");
    is(peer.port, nameOf(c).port);
  });
});

Deno.test("the port is free for a new bind right after closesocket of a listener with a waiting accept", async () => {
  await session(async () => {
    const l = listener(4);
    const waiting = rejectsWith(accept(l.s), WSA.WSAEINTR);
    succeeds(closesocket(l.s));
    const again = streamSocket();
    const bound = bind(again, l.name); // in the same turn: no await since the close
    const code = WSAGetLastError();
    await waiting;
    is(bound, 0, `bind in the same turn as the listener's closesocket failed with ${wsaName(code)}`);
    succeeds(listen(again, 1));
    const c = await client(l.name);
    const peer = {} as SockAddr;
    ok(await accept(again, peer) > 0);
    is(peer.port, nameOf(c).port);
  });
});

Deno.test("WSACleanup closes everything: the provider and the transport hold nothing", async () => {
  const fds = openFds();
  is(WSAStartup(WINSOCK2), 0);
  const l = listener(4);
  const c1 = await client(l.name);
  const c2 = await client(l.name); // stays queued
  const a1 = await accept(l.s);
  const other = listener(8);
  const waitingAccept = accept(other.s);
  const waitingRecv = recv(a1, new Uint8Array(8));
  is(sharedProvider().pendingConnections(), 1);
  ok(sharedProvider().openSockets() >= 5);
  succeeds(WSACleanup());
  await rejectsWith(waitingAccept, WSA.WSAEINTR);
  await rejectsWith(waitingRecv, WSA.WSAEINTR);
  is(sharedProvider().openSockets(), 0);
  is(sharedProvider().pendingConnections(), 0);
  is(sharedProvider().transport.live(), 0);
  await settle();
  assertIdle();
  is(openFds(), fds, "no file descriptor is left open");
  void c1;
  void c2;
});
