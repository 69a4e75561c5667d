// A client that disconnects while it waits in the accept queue (SPEC L4, 5):
// accept still returns it, its first recv reports the end (0) or WSAECONNRESET,
// and nothing leaks (open files, provider sockets, pending connections).
import { deepStrictEqual as eq, ok, strictEqual as is } from "node:assert/strict";
import net from "node:net";
import {
  accept,
  AF_INET,
  closesocket,
  connect,
  IPPROTO_TCP,
  MAKEWORD,
  recv,
  SOCK_STREAM,
  type SockAddr,
  socket,
  WinsockError,
  WSACleanup,
  WSAECONNRESET,
  WSAStartup,
} from "../../mod.ts";
import { sharedProvider } from "../../src/provider/runtime.ts";
import { Child, macrotask, openFds, waitUntil, within } from "../fixtures/_process.ts";
import { committedListener, warmUp } from "../fixtures/_winsock.ts";

/** What the first recv on an accepted socket reports: a byte count or a Winsock error name. */
async function firstRecv(d: number, size = 64): Promise<{ n: number; text: string } | string> {
  const buf = new Uint8Array(size);
  try {
    const n = await within(recv(d, buf), 5000, "first recv");
    return { n, text: new TextDecoder().decode(buf.subarray(0, n)) };
  } catch (error) {
    ok(error instanceof WinsockError, `recv failed with ${error}`);
    return error.wsaName;
  }
}

/**
 * Runs `scenario` between a warm-up and a leak check: the provider has no
 * sockets and no pending connections left, the transport holds nothing, and the
 * process has as many open files as before.
 */
async function withoutLeaks(scenario: () => Promise<void>): Promise<void> {
  await warmUp();
  const baseline = openFds();
  is(WSAStartup(MAKEWORD(2, 2)), 0);
  try {
    await scenario();
  } finally {
    while (WSACleanup() === 0) { /* until WSANOTINITIALISED */ }
  }
  await macrotask();
  await macrotask();
  eq(
    {
      openSockets: sharedProvider().openSockets(),
      pending: sharedProvider().pendingConnections(),
      live: sharedProvider().transport.live(),
      fds: openFds(),
    },
    { openSockets: 0, pending: 0, live: 0, fds: baseline },
  );
}

/** Waits until the listener has admitted `n` connections in all. */
async function admitted(s: number, n: number): Promise<void> {
  const done = await waitUntil(() => sharedProvider().stats(s)!.admitted >= n, 5000);
  ok(done, `admitted ${sharedProvider().stats(s)!.admitted} of ${n} within 5 s`);
}

Deno.test("a raw Deno.connect client that closes while queued is still accepted, and its first recv is 0", async () => {
  await withoutLeaks(async () => {
    const { s, name } = await committedListener(4);
    const conn = await within(Deno.connect({ hostname: name.address, port: name.port }), 5000, "connect");
    const clientPort = (conn.localAddr as Deno.NetAddr).port;
    await admitted(s, 1);
    conn.close(); // FIN while queued
    await macrotask(20);
    const peer = {} as SockAddr;
    const d = await within(accept(s, peer), 5000, "accept");
    eq([peer.address, peer.port], ["127.0.0.1", clientPort]);
    eq(await firstRecv(d), { n: 0, text: "" });
    eq(await firstRecv(d), { n: 0, text: "" }); // and again: the end stays the end
    const st = sharedProvider().stats(s)!;
    eq([st.admitted, st.accepted, st.queued, st.refused], [1, 1, 0, 0]);
    is(closesocket(d), 0);
    is(closesocket(s), 0);
  });
});

Deno.test("a client process that writes, then exits while queued, is accepted with its data, then 0", async () => {
  await withoutLeaks(async () => {
    const { s, name } = await committedListener(4);
    const code = `const c = await Deno.connect({ hostname: "${name.address}", port: ${name.port} });
      await c.write(new TextEncoder().encode("bye\\n")); console.log("sent"); c.close();`;
    const child = new Child(Deno.execPath(), ["eval", code]);
    try {
      is(await child.line(10_000), "sent");
      is((await child.close()).code, 0);
    } finally {
      await child.close(1000);
    }
    await admitted(s, 1);
    await macrotask(20);
    const d = await within(accept(s), 5000, "accept");
    eq(await firstRecv(d), { n: 4, text: "bye\n" });
    eq(await firstRecv(d), { n: 0, text: "" });
    is(closesocket(s), 0);
  });
});

Deno.test("a client that resets while queued is still accepted, and its first recv fails with WSAECONNRESET", async () => {
  await withoutLeaks(async () => {
    const { s, name } = await committedListener(4);
    // node:net in Deno can abort a connection with RST (Deno.TcpConn cannot).
    const client = net.connect({ host: name.address, port: name.port });
    await within(
      new Promise((resolve, reject) => client.once("connect", resolve).once("error", reject)),
      5000,
      "connect",
    );
    await admitted(s, 1);
    const closed = new Promise((resolve) => client.once("close", resolve));
    client.resetAndDestroy();
    await within(closed, 5000, "client close");
    await macrotask(20);
    const d = await within(accept(s), 5000, "accept");
    is(await firstRecv(d), "WSAECONNRESET");
    is(closesocket(d), 0);
    is(closesocket(s), 0);
  });
  is(WSAECONNRESET, 10054);
});

Deno.test("an in-process Winsock client that closesocket()s while queued is still accepted, and its first recv is 0", async () => {
  await withoutLeaks(async () => {
    const { s, name } = await committedListener(2);
    const client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    is(await within(connect(client, name), 5000, "connect"), 0);
    await admitted(s, 1);
    is(closesocket(client), 0);
    await macrotask(20);
    const d = await within(accept(s), 5000, "accept");
    eq(await firstRecv(d), { n: 0, text: "" });
    const st = sharedProvider().stats(s)!;
    eq([st.admitted, st.accepted, st.queued, st.refused], [1, 1, 0, 0]);
    is(closesocket(d), 0);
    is(closesocket(s), 0);
  });
});

Deno.test("a queued client that disconnected frees its slot only when accepted: the queue stays full until then", async () => {
  await withoutLeaks(async () => {
    const { s, name } = await committedListener(1);
    const first = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    is(await within(connect(first, name), 5000, "connect"), 0);
    is(closesocket(first), 0); // gone, but still queued
    await macrotask(20);
    const second = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const refused = await within(connect(second, name), 5000, "second connect").then(
      () => 0,
      (e) => e.wsaName,
    );
    is(refused, "WSAECONNREFUSED");
    const d = await within(accept(s), 5000, "accept");
    eq(await firstRecv(d), { n: 0, text: "" });
    const third = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    is(await within(connect(third, name), 5000, "third connect"), 0);
    const st = sharedProvider().stats(s)!;
    eq([st.admitted, st.accepted, st.queued, st.refused], [2, 1, 1, 1]);
  });
});

Deno.test("closesocket of a listener whose queued clients have all disconnected leaves nothing open", async () => {
  await withoutLeaks(async () => {
    const { s, name } = await committedListener(4);
    const conns = await Promise.all(
      Array.from(
        { length: 3 },
        () => within(Deno.connect({ hostname: name.address, port: name.port }), 5000, "connect"),
      ),
    );
    await admitted(s, 3);
    for (const c of conns) c.close();
    const client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    is(await within(connect(client, name), 5000, "connect"), 0);
    is(closesocket(client), 0);
    await macrotask(20);
    eq(sharedProvider().stats(s)!.queued, 4);
    is(closesocket(s), 0);
  });
});
