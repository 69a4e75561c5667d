// The provider's I/O lanes: concurrent sends on one socket go out in call order,
// concurrent receives are served in call order, and a call that fails does not
// block the ones after it. On the in-memory transport, so the order is exact.
import { deepStrictEqual as eq, rejects, strictEqual as is } from "node:assert/strict";
import { MemoryTransport, Provider, type WinsockError } from "../../mod.ts";
import { pair } from "./_pair.ts";

Deno.test("concurrent sends on one socket arrive in call order", async () => {
  const provider = new Provider({ transport: new MemoryTransport({ bufferBytes: 1024 }) });
  const [c, a] = await pair(provider);
  const chunks = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => new Uint8Array(700).fill(i)); // each larger than half the buffer
  const sent = Promise.all(chunks.map((chunk) => provider.send(c, chunk)));
  const received: number[] = [];
  const buf = new Uint8Array(4096);
  while (received.length < 8 * 700) {
    const n = await provider.recv(a, buf);
    received.push(...buf.subarray(0, n));
  }
  eq(await sent, chunks.map(() => 700));
  for (let i = 0; i < 8; i++) {
    is(received.slice(i * 700, (i + 1) * 700).every((b) => b === i), true, `chunk ${i}`);
  }
  provider.closeAll();
  is(provider.transport.live(), 0);
});

Deno.test("concurrent receives on one socket are served in call order", async () => {
  const provider = new Provider({ transport: new MemoryTransport() });
  const [c, a] = await pair(provider);
  const buffers = [new Uint8Array(1), new Uint8Array(1), new Uint8Array(1)];
  const reads = buffers.map((buf) => provider.recv(a, buf));
  await provider.send(c, new Uint8Array([10]));
  await provider.send(c, new Uint8Array([20]));
  await provider.send(c, new Uint8Array([30]));
  eq(await Promise.all(reads), [1, 1, 1]);
  eq(buffers.map((b) => b[0]), [10, 20, 30]);
  provider.closeAll();
});

Deno.test("a receive that fails does not block the next one", async () => {
  const provider = new Provider({ transport: new MemoryTransport() });
  const [c, a] = await pair(provider);
  const first = provider.recv(a, new Uint8Array(4));
  provider.closesocket(c); // orderly close: the waiting receive resolves 0
  is(await first, 0);
  is(await provider.recv(a, new Uint8Array(4)), 0); // still served
  provider.closesocket(a);
  await rejects(provider.recv(a, new Uint8Array(4)), (e: WinsockError) => e.code === 10038);
  is(provider.openSockets(), 0);
});

Deno.test("closesocket ends the waiting receives of a socket with WSAEINTR, in order", async () => {
  const provider = new Provider({ transport: new MemoryTransport() });
  const [c, a] = await pair(provider);
  const reads = [provider.recv(a, new Uint8Array(4)), provider.recv(a, new Uint8Array(4))];
  provider.closesocket(a);
  for (const read of reads) await rejects(read, (e: WinsockError) => e.code === 10004);
  provider.closesocket(c);
  is(provider.transport.live(), 0);
});
