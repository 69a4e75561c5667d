// The backlog rules end to end (SPEC L3, L5, L6, L11): what listen() is given, the
// effective backlog the provider reports in its stats, what a re-listen does under
// each profile, and exact admission over real loopback TCP.
import { deepStrictEqual as eq, ok, strictEqual as is } from "node:assert/strict";
import {
  accept,
  AF_INET,
  closesocket,
  connect,
  listen,
  recv,
  SOCK_STREAM,
  type SockAddr,
  SOMAXCONN,
  SOMAXCONN_HINT,
  WinsockError,
  WSA,
  WSPBind,
  WSPCloseSocket,
  WSPListen,
  WSPSocket,
} from "../../../mod.ts";
import { configure, sharedProvider } from "../../../src/provider/runtime.ts";
import {
  boundSocket,
  client,
  fails,
  listener,
  loopback,
  nameOf,
  rejectsWith,
  session,
  streamSocket,
  succeeds,
  WINSOCK11,
} from "../../_net.ts";

/** The effective backlog of a fresh loopback listener given `backlog` (the listener is closed again). */
function effective(backlog: number): number | undefined {
  const { s } = boundSocket();
  succeeds(listen(s, backlog));
  const result = sharedProvider().stats(s)?.backlog;
  succeeds(closesocket(s));
  return result;
}

/** `n` in-process clients connected one after another to `name`; returns them oldest first. */
async function queueClients(name: SockAddr, n: number): Promise<number[]> {
  const clients: number[] = [];
  for (let i = 0; i < n; i++) clients.push(await client(name));
  return clients;
}

/** How a dropped client's connection ends: recv resolves 0 or rejects with WSAECONNRESET. */
async function endsWithResetOrClose(s: number): Promise<void> {
  try {
    is(await recv(s, new Uint8Array(8)), 0, "recv resolves 0 on a dropped connection");
  } catch (error) {
    ok(error instanceof WinsockError, `expected a WinsockError, got ${error}`);
    is(error.wsaName, "WSAECONNRESET");
  }
}

/** Accepts `n` connections from `l`; returns the peer port of each, in accept order, and the descriptors. */
async function acceptPorts(l: number, n: number, accepted: number[] = []): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const peer = {} as SockAddr;
    const a = await accept(l, peer);
    ok(a > 0);
    accepted.push(a);
    ports.push(peer.port);
  }
  return ports;
}

Deno.test("Winsock 2: SOMAXCONN gives the provider maximum, 512 by default", async () => {
  await session(() => {
    is(SOMAXCONN, 0x7fffffff);
    is(effective(SOMAXCONN), 512);
  });
});

Deno.test("Winsock 2: SOMAXCONN_HINT(N) is adjusted into [200, 65535]", async () => {
  await session(() => {
    is(effective(SOMAXCONN_HINT(1)), 200);
    is(effective(SOMAXCONN_HINT(199)), 200);
    is(effective(SOMAXCONN_HINT(1000)), 1000);
    is(effective(SOMAXCONN_HINT(65535)), 65535);
    is(effective(SOMAXCONN_HINT(100000)), 65535);
  });
});

Deno.test("Winsock 2: 0 becomes 1, values in range are kept, too large becomes the maximum", async () => {
  await session(() => {
    is(effective(0), 1);
    is(effective(-0), 1);
    eq([1, 2, 100, 512].map(effective), [1, 2, 100, 512]);
    is(effective(513), 512);
  });
});

Deno.test("Winsock 2: numbers beyond 32 bits and fractions are clamped, NaN is WSAEINVAL", async () => {
  await session(() => {
    is(effective(2 ** 40), 512);
    is(effective(Infinity), 512);
    is(effective(-(2 ** 40)), 65535, "a huge negative value is the largest SOMAXCONN_HINT");
    is(effective(-Infinity), 65535);
    is(effective(2.9), 2, "fractions truncate as C's conversion to int does");
    is(effective(0.5), 1);
    is(effective(-2.9), 200, "-2.9 is SOMAXCONN_HINT(2)");
    const { s } = boundSocket();
    fails(listen(s, NaN), WSA.WSAEINVAL);
    is(sharedProvider().stats(s), undefined);
  });
});

Deno.test("Winsock 2: the provider maximum is configuration (backlogRange)", async () => {
  configure({ backlogRange: { 0: [1, 64] } });
  try {
    await session(() => {
      is(effective(SOMAXCONN), 64);
      is(effective(100), 64);
      is(effective(10), 10);
      is(effective(SOMAXCONN_HINT(1)), 200, "a hint is not limited by the provider maximum");
    });
  } finally {
    configure({});
  }
  await session(() => is(effective(SOMAXCONN), 512, "configure({}) restores the defaults"));
});

Deno.test("Winsock 1.1: the backlog is clamped to [1, 5]", async () => {
  await session(() => {
    is(effective(SOMAXCONN), 5);
    is(effective(100), 5);
    is(effective(5), 5);
    is(effective(3), 3);
    is(effective(0), 1);
    is(effective(2 ** 40), 5);
    is(effective(SOMAXCONN_HINT(100)), 1, "no SOMAXCONN_HINT in Winsock 1.1: a negative is below the range");
  }, WINSOCK11);
});

Deno.test("Winsock 2: a re-listen keeps the backlog and the queued connections", async () => {
  await session(async () => {
    const l = listener(10);
    const clients = await queueClients(l.name, 3);
    succeeds(listen(l.s, 0));
    succeeds(listen(l.s, SOMAXCONN));
    succeeds(listen(l.s, 2));
    const stats = sharedProvider().stats(l.s);
    is(stats?.backlog, 10);
    is(stats?.queued, 3);
    is(stats?.dropped, 0);
    eq(await acceptPorts(l.s, 3), clients.map((c) => nameOf(c).port));
  });
});

Deno.test("Winsock 1.1: a re-listen with a smaller backlog resets the newest and keeps the oldest", async () => {
  await session(async () => {
    const l = listener(5);
    is(sharedProvider().stats(l.s)?.backlog, 5);
    const clients = await queueClients(l.name, 5);
    is(sharedProvider().stats(l.s)?.queued, 5);
    succeeds(listen(l.s, 2));
    const stats = sharedProvider().stats(l.s);
    is(stats?.backlog, 2);
    is(stats?.queued, 2);
    is(stats?.dropped, 3);
    for (const dropped of clients.slice(2)) await endsWithResetOrClose(dropped);
    eq(await acceptPorts(l.s, 2), clients.slice(0, 2).map((c) => nameOf(c).port));
    is(sharedProvider().pendingConnections(), 0);
    succeeds(listen(l.s, 4));
    is(sharedProvider().stats(l.s)?.backlog, 4, "a larger backlog is taken too");
  }, WINSOCK11);
});

Deno.test("SPI: a WSPListen re-listen with a smaller backlog resets the newest and keeps the oldest", async () => {
  await session(async () => {
    const errno = { value: 0 };
    const l = WSPSocket(AF_INET, SOCK_STREAM, 0, errno);
    ok(l > 0);
    const accepted: number[] = []; // SPI sockets, which WSACleanup does not close
    try {
      is(WSPBind(l, loopback(), errno), 0);
      is(WSPListen(l, 5, errno), 0);
      const name = nameOf(l);
      const clients = await queueClients(name, 5);
      is(sharedProvider().stats(l)?.queued, 5);
      is(WSPListen(l, 2, errno), 0);
      const stats = sharedProvider().stats(l);
      is(stats?.backlog, 2);
      is(stats?.queued, 2);
      is(stats?.dropped, 3);
      for (const dropped of clients.slice(2)) await endsWithResetOrClose(dropped);
      eq(await acceptPorts(l, 2, accepted), clients.slice(0, 2).map((c) => nameOf(c).port));
      is(WSPListen(l, 100, errno), 0);
      is(sharedProvider().stats(l)?.backlog, 100);
      is(errno.value, 0, "lpErrno untouched by the successful calls");
    } finally {
      for (const s of [l, ...accepted]) WSPCloseSocket(s, errno);
    }
  });
});

Deno.test("admission is exact over real TCP: backlog 3, six connects, three refused", async () => {
  await session(async () => {
    const l = listener(3);
    const clients = Array.from({ length: 6 }, () => streamSocket());
    const results = await Promise.allSettled(clients.map((c) => connect(c, l.name)));
    const admitted = clients.filter((_, i) => results[i].status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    is(admitted.length, 3);
    is(refused.length, 3);
    for (const r of refused) {
      await rejectsWith(Promise.reject((r as PromiseRejectedResult).reason), WSA.WSAECONNREFUSED);
    }
    const stats = sharedProvider().stats(l.s);
    is(stats?.refused, 3);
    is(stats?.admitted, 3);
    is(stats?.queued, 3);
    is(stats?.highWater, 3);
    const ports = await acceptPorts(l.s, 3);
    eq(ports.sort(), admitted.map((c) => nameOf(c).port).sort());
    is(sharedProvider().stats(l.s)?.accepted, 3);
  });
});

Deno.test("a refused client can connect again once the queue has room", async () => {
  await session(async () => {
    const l = listener(1);
    const first = await client(l.name);
    const second = streamSocket();
    await rejectsWith(connect(second, l.name), WSA.WSAECONNREFUSED);
    const peer = {} as SockAddr;
    ok(await accept(l.s, peer) > 0);
    is(peer.port, nameOf(first).port);
    is(await connect(second, l.name), 0);
    is(sharedProvider().stats(l.s)?.queued, 1);
    is(sharedProvider().stats(l.s)?.refused, 1);
  });
});
