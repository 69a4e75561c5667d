// The idiomatic listener: an async iterable of connections with an explicit
// backlog, stats, AbortSignal and `await using`, on the same provider as the
// Winsock calls.
import { deepStrictEqual as eq, rejects, strictEqual as is, throws } from "node:assert/strict";
import {
  AF_INET,
  connect,
  listen,
  MAKEWORD,
  SOCK_STREAM,
  socket,
  type WinsockError,
  WSACleanup,
  WSAStartup,
} from "../../mod.ts";
import { providerFor, sharedProvider } from "../../src/provider/runtime.ts";

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

async function rawClient(port: number): Promise<Deno.TcpConn> {
  return await Deno.connect({ hostname: "127.0.0.1", port });
}

Deno.test("listen() reports its address and effective backlog, and closes with await using", async () => {
  {
    await using listener = listen({ hostname: "127.0.0.1", backlog: 0 });
    eq(listener.addr, { transport: "tcp", hostname: "127.0.0.1", port: listener.addr.port });
    is(listener.addr.port > 0, true);
    is(listener.stats().backlog, 1); // 0 is clamped to 1, as in Winsock 2
  }
  await tick();
  is(sharedProvider().openSockets(), 0);
});

Deno.test("iteration yields connections in arrival order and ends when the listener closes", async () => {
  const listener = listen({ hostname: "127.0.0.1", backlog: 8 });
  const clients = [];
  for (let i = 0; i < 3; i++) {
    const client = await rawClient(listener.addr.port);
    await client.write(new Uint8Array([i]));
    clients.push(client);
  }
  const seen: number[] = [];
  for await (const conn of listener) {
    const buf = new Uint8Array(1);
    await conn.read(buf);
    seen.push(buf[0]);
    is(conn.remoteAddr.hostname, "127.0.0.1");
    is(conn.queuedMs >= 0, true);
    conn.close();
    if (seen.length === 3) listener.close();
  }
  eq(seen, [0, 1, 2]);
  eq([listener.stats().accepted, listener.stats().admitted], [3, 3]); // kept after close
  clients.forEach((c) => c.close());
  await tick();
});

Deno.test("a connection beyond the backlog is refused and counted; the admitted ones are accepted later", async () => {
  await using listener = listen({ hostname: "127.0.0.1", backlog: 2 });
  WSAStartup(MAKEWORD(2, 2));
  const name = { family: AF_INET, address: "127.0.0.1", port: listener.addr.port };
  const results = await Promise.all(
    [0, 1, 2, 3, 4].map(() =>
      connect(socket(AF_INET, SOCK_STREAM, 0), name).then(() => 0, (e: WinsockError) => e.code)
    ),
  );
  eq(results.filter((r) => r === 0).length, 2);
  eq(results.filter((r) => r === 10061).length, 3);
  const stats = listener.stats();
  eq([stats.admitted, stats.refused, stats.queued, stats.highWater], [2, 3, 2, 2]);
  (await listener.accept()).close();
  (await listener.accept()).close();
  WSACleanup();
});

Deno.test("an AbortSignal closes the listener and ends a pending accept with WSAEINTR", async () => {
  const controller = new AbortController();
  const listener = listen({ hostname: "127.0.0.1", signal: controller.signal });
  const pending = listener.accept();
  controller.abort();
  await rejects(pending, (e: WinsockError) => e.code === 10004);
  is(listener.closed, true);
  await tick();
  is(sharedProvider().openSockets(), 0);
});

Deno.test("an accept abandoned through its own signal rejects with signal.reason and takes no connection", async () => {
  await using listener = listen({ hostname: "127.0.0.1", backlog: 4 });
  const controller = new AbortController();
  const abandoned = listener.accept({ signal: controller.signal });
  const reason = new Error("no longer needed");
  controller.abort(reason);
  await rejects(abandoned, (e) => e === reason);
  const client = await rawClient(listener.addr.port);
  const conn = await listener.accept(); // the connection is still there for the next accept
  is(conn.remoteAddr.port, (client.localAddr as Deno.NetAddr).port);
  conn.close();
  client.close();
});

Deno.test("readable and writable streams move bytes both ways", async () => {
  await using listener = listen({ hostname: "127.0.0.1" });
  const client = await rawClient(listener.addr.port);
  await using conn = await listener.accept();
  await client.write(new TextEncoder().encode("stream"));
  const reader = conn.readable.getReader();
  const { value } = await reader.read();
  is(new TextDecoder().decode(value), "stream");
  reader.releaseLock();
  const writer = conn.writable.getWriter();
  await writer.write(new TextEncoder().encode("back"));
  writer.releaseLock();
  const buf = new Uint8Array(8);
  const n = await client.read(buf);
  is(new TextDecoder().decode(buf.subarray(0, n ?? 0)), "back");
  client.close();
});

Deno.test("listen() rejects bad options: TypeError for wrong types, WinsockError for bad values", () => {
  throws(() => listen({ hostname: 7 as unknown as string }), TypeError);
  throws(() => listen({ port: "80" as unknown as number }), TypeError);
  throws(() => listen("x" as unknown as undefined), TypeError);
  throws(() => listen({ hostname: "example.com" }), (e: WinsockError) => e.code === 10022);
  throws(() => listen({ hostname: "127.0.0.1", port: 70000 }), (e: WinsockError) => e.code === 10022);
  is(sharedProvider().openSockets(), 0);
});

Deno.test("listen() on a port in use throws WSAEADDRINUSE and leaks nothing", async () => {
  await using first = listen({ hostname: "127.0.0.1" });
  throws(
    () => listen({ hostname: "127.0.0.1", port: first.addr.port }),
    (e: WinsockError) => e.code === 10048,
  );
  is(sharedProvider().openSockets(), 1);
});

Deno.test("listen({ transport: 'memory' }) listens on the in-process network, with the same semantics", async () => {
  await using listener = listen({ hostname: "127.0.0.1", backlog: 1, transport: "memory" });
  const provider = providerFor("memory");
  const a = provider.socket(2, 1, 0, "test");
  const b = provider.socket(2, 1, 0, "test");
  const name = { family: AF_INET, address: "127.0.0.1", port: listener.addr.port };
  await provider.connect(a, name);
  await rejects(provider.connect(b, name), (e: WinsockError) => e.code === 10061);
  const conn = await listener.accept();
  is(conn.remoteAddr.hostname, "127.0.0.1");
  conn.close();
  provider.closesocket(a);
  provider.closesocket(b);
  is(provider.transport.name, "memory");
  is(sharedProvider().openSockets(), 0); // the TCP provider was not touched
});

Deno.test("a connection's addresses are right, and still there after it is closed", async () => {
  await using listener = listen({ hostname: "127.0.0.1", backlog: 4 });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const conn = await listener.accept();
  conn.close();
  eq(conn.localAddr, { transport: "tcp", hostname: "127.0.0.1", port: listener.addr.port });
  eq(conn.remoteAddr, { ...client.localAddr, transport: "tcp" });
  client.close();
});

Deno.test("onRefused is called with each refused client's address, before the refusal in its form", async () => {
  const refused: Deno.NetAddr[] = [];
  await using listener = listen({
    hostname: "127.0.0.1",
    backlog: 1,
    refusal: "close",
    onRefused: (info) => refused.push(info.remoteAddr),
  });
  const clients = [];
  for (let i = 0; i < 3; i++) clients.push(await rawClient(listener.addr.port));
  for (const client of clients.slice(1)) is(await client.read(new Uint8Array(1)), null, "closed in order");
  eq(
    refused.map((a) => a.port).sort(),
    clients.slice(1).map((c) => (c.localAddr as Deno.NetAddr).port).sort(),
  );
  is(listener.stats().refused, 2);
  (await listener.accept()).close();
  clients.forEach((c) => c.close());
  throws(() => listen({ onRefused: 1 as unknown as () => void }), TypeError);
});
