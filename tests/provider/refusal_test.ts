// The refusal form (src/provider/refusal.ts): how a connection refused because
// the queue is full is ended. Runs on the in-memory transport, where a reset is
// a WSAECONNRESET on the peer; tests/transports/tcp_refusal_test.ts checks the
// same forms on the wire with clients in another process.
import { deepStrictEqual as eq, strictEqual as is, throws } from "node:assert/strict";
import { MemoryTransport, Profile, Provider, type Refusal, type StreamConn, WSA } from "../../mod.ts";
import { listen } from "../../src/faces/listener.ts";
import { rejectsWith } from "../_net.ts";

const HOST = { family: 2, address: "127.0.0.1", port: 0 };

/**
 * A listener with backlog 1 whose slot is taken, and a second raw client that
 * the listener refuses. Returns that client once the refusal is counted.
 */
async function refusedClient(
  provider: Provider,
  s: number,
): Promise<{ held: StreamConn; refused: StreamConn }> {
  const at = provider.describe(s)!.local!;
  const never = new AbortController().signal;
  const held = await provider.transport.connect(at, never);
  const refused = await provider.transport.connect(at, never);
  for (let i = 0; i < 20 && provider.stats(s)!.refused < 1; i++) await new Promise((r) => setTimeout(r, 0));
  is(provider.stats(s)!.refused, 1);
  return { held, refused };
}

function listener(provider: Provider, refusal?: Refusal): number {
  const s = provider.socket(2, 1, 0, "test");
  is(provider.bind(s, HOST), 0);
  if (refusal !== undefined) is(provider.setRefusal(s, refusal), 0);
  is(provider.listen(s, 1, Profile.Winsock2), 0);
  return s;
}

async function readAll(conn: StreamConn): Promise<string> {
  const chunks: number[] = [];
  const buf = new Uint8Array(64);
  for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) chunks.push(...buf.subarray(0, n));
  return new TextDecoder().decode(new Uint8Array(chunks));
}

async function closeAll(provider: Provider, s: number, ...conns: StreamConn[]): Promise<void> {
  for (const conn of conns) conn.close();
  provider.closesocket(s);
  for (let i = 0; i < 20 && provider.transport.live() > 0; i++) await new Promise((r) => setTimeout(r, 0));
  is(provider.transport.live(), 0);
}

Deno.test("by default a refused connection is reset: the client's read rejects with WSAECONNRESET", async () => {
  const provider = new Provider({ transport: new MemoryTransport() });
  const s = listener(provider);
  const { held, refused } = await refusedClient(provider, s);
  await rejectsWith(refused.read(new Uint8Array(8)), WSA.WSAECONNRESET);
  await closeAll(provider, s, held, refused);
});

Deno.test('refusal "close" ends a refused connection in order: the client reads the end of the stream', async () => {
  const provider = new Provider({ transport: new MemoryTransport(), refusal: "close" });
  const s = listener(provider);
  const { held, refused } = await refusedClient(provider, s);
  is(await refused.read(new Uint8Array(8)), null);
  await closeAll(provider, s, held, refused);
});

Deno.test("a listener's own refusal form takes precedence over the provider's, and undefined restores it", async () => {
  const provider = new Provider({ transport: new MemoryTransport(), refusal: "close" });
  const s = listener(provider, "reset");
  const first = await refusedClient(provider, s);
  await rejectsWith(first.refused.read(new Uint8Array(8)), WSA.WSAECONNRESET);
  is(provider.setRefusal(s, undefined), 0);
  const at = provider.describe(s)!.local!;
  const second = await provider.transport.connect(at, new AbortController().signal);
  is(await second.read(new Uint8Array(8)), null);
  is(provider.stats(s)!.refused, 2);
  await closeAll(provider, s, first.held, first.refused, second);
});

Deno.test("a refusal handler answers in the protocol, sees the client's address, and the connection then ends in order", async () => {
  const provider = new Provider({ transport: new MemoryTransport() });
  const seen: string[] = [];
  const s = listener(provider, async (conn) => {
    const buf = new Uint8Array(64);
    const n = await conn.read(buf);
    seen.push(`${conn.remote.address} ${new TextDecoder().decode(buf.subarray(0, n ?? 0))}`);
    await conn.write(new TextEncoder().encode("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n\r\n"));
  });
  const at = provider.describe(s)!.local!;
  const never = new AbortController().signal;
  const held = await provider.transport.connect(at, never);
  const refused = await provider.transport.connect(at, never);
  await refused.write(new TextEncoder().encode("GET /"));
  eq(await readAll(refused), "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n\r\n");
  eq(seen, ["127.0.0.1 GET /"]);
  is(provider.stats(s)!.refused, 1);
  is(provider.stats(s)!.admitted, 1);
  await closeAll(provider, s, held, refused);
});

Deno.test("a refusal handler that throws (at once or later) resets its connection", async () => {
  for (
    const handler of [
      () => {
        throw new Error("synchronous");
      },
      () => Promise.reject(new Error("asynchronous")),
    ]
  ) {
    const provider = new Provider({ transport: new MemoryTransport(), refusal: handler });
    const s = listener(provider);
    const { held, refused } = await refusedClient(provider, s);
    await rejectsWith(refused.read(new Uint8Array(8)), WSA.WSAECONNRESET);
    await closeAll(provider, s, held, refused);
  }
});

Deno.test("a refusal form that is not one is a TypeError, from the provider, setRefusal and listen()", () => {
  for (const bad of ["rst", "", 0, null, {}, "RESET"]) {
    throws(() => new Provider({ transport: new MemoryTransport(), refusal: bad as Refusal }), TypeError);
    const provider = new Provider({ transport: new MemoryTransport() });
    const s = provider.socket(2, 1, 0, "test");
    throws(() => provider.setRefusal(s, bad as Refusal), TypeError);
    provider.closesocket(s);
    throws(() => listen({ hostname: "127.0.0.1", provider, refusal: bad as Refusal }), TypeError);
    is(provider.openSockets(), 0);
  }
  const provider = new Provider({ transport: new MemoryTransport() });
  is(provider.setRefusal(12345, "close"), -WSA.WSAENOTSOCK);
});

Deno.test("listen({ refusal }) sets the listener's form", async () => {
  const provider = new Provider({ transport: new MemoryTransport() });
  await using server = listen({ hostname: "127.0.0.1", backlog: 1, provider, refusal: "close" });
  const { held, refused } = await refusedClient(provider, server.socket);
  is(await refused.read(new Uint8Array(8)), null);
  held.close();
  refused.close();
});
