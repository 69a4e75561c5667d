// What the provider does with a transport's streams (src/transports/transport.ts): it writes the
// rest of a short write, and turns any error of a read or write into a WinsockError. Also
// acceptWith, the promise-free accept the idiomatic listener uses.
import { deepStrictEqual as eq, strictEqual as is } from "node:assert/strict";
import { MemoryTransport, Provider, type SockAddr, WinsockError, WSA } from "../../mod.ts";
import type { Endpoint, StreamConn, Transport } from "../../src/transports/transport.ts";
import { listening, pair } from "./_pair.ts";

/** A connection that writes at most `most` bytes per call and can be made to fail with a plain Error. */
class ChoppyConn implements StreamConn {
  failWith: Error | undefined;
  writes = 0;
  constructor(readonly inner: StreamConn, readonly most: number) {}
  get local(): SockAddr {
    return this.inner.local;
  }
  get remote(): SockAddr {
    return this.inner.remote;
  }
  read(buf: Uint8Array): Promise<number | null> {
    return this.failWith ? Promise.reject(this.failWith) : this.inner.read(buf);
  }
  async write(data: Uint8Array): Promise<number> {
    if (this.failWith) throw this.failWith;
    this.writes++;
    const n = Math.min(this.most, data.length);
    await this.inner.write(data.subarray(0, n));
    return n;
  }
  close(): void {
    this.inner.close();
  }
  reset(): void {
    this.inner.reset();
  }
}

/** MemoryTransport whose outgoing connections are ChoppyConns. */
class ChoppyTransport implements Transport {
  readonly name = "choppy";
  readonly inner = new MemoryTransport();
  last: ChoppyConn | undefined;
  bind(addr: SockAddr): Endpoint {
    return this.inner.bind(addr);
  }
  async connect(to: SockAddr, signal: AbortSignal): Promise<StreamConn> {
    this.last = new ChoppyConn(await this.inner.connect(to, signal), 3);
    return this.last;
  }
  live(): number {
    return this.inner.live();
  }
}

Deno.test("send writes the rest of a short write: all bytes arrive, in order", async () => {
  const transport = new ChoppyTransport();
  const provider = new Provider({ transport });
  const [c, a] = await pair(provider);
  const data = Uint8Array.from({ length: 10 }, (_, i) => i + 1);
  is(await provider.send(c, data), 10);
  is(transport.last!.writes, 4); // 3 + 3 + 3 + 1
  const got: number[] = [];
  const buf = new Uint8Array(16);
  while (got.length < 10) {
    const n = await provider.recv(a, buf);
    got.push(...buf.subarray(0, n));
  }
  eq(got, [...data]);
  provider.closeAll();
  is(transport.live(), 0);
});

Deno.test("a transport's plain Error on read or write becomes a WinsockError (WSAECONNRESET)", async () => {
  const transport = new ChoppyTransport();
  const provider = new Provider({ transport });
  const [c] = await pair(provider);
  transport.last!.failWith = new Error("connection reset underneath");
  for (const call of [provider.recv(c, new Uint8Array(4)), provider.send(c, new Uint8Array(4))]) {
    const error = await call.then(() => undefined, (e) => e);
    is(error instanceof WinsockError, true);
    is(error.code, WSA.WSAECONNRESET);
  }
  provider.closeAll();
});

Deno.test("read resolves null at the peer's orderly close, recv 0; both 0 for an empty buffer", async () => {
  const provider = new Provider({ transport: new MemoryTransport() });
  const [c, a] = await pair(provider);
  is(await provider.read(a, new Uint8Array(0)), 0);
  provider.closesocket(c);
  is(await provider.read(a, new Uint8Array(4)), null);
  is(await provider.recv(a, new Uint8Array(4)), 0);
  provider.closeAll();
});

Deno.test("acceptWith hands over a queued connection at once, and a later one from the pump", async () => {
  const provider = new Provider({ transport: new MemoryTransport() });
  const l = listening(provider);
  const name = provider.describe(l)!.local!;
  await provider.connect(provider.socket(2, 1, 0, "test"), name);
  let now: number | undefined;
  provider.acceptWith(l, (d) => now = d, (e) => {
    throw e;
  });
  is(typeof now, "number"); // synchronously: it was queued
  const later = new Promise<number>((resolve, reject) => provider.acceptWith(l, resolve, reject));
  await provider.connect(provider.socket(2, 1, 0, "test"), name);
  is(provider.stateOf(await later), "connected");
  provider.closeAll();
});

Deno.test("acceptWith: a handler that throws gets its descriptor closed and the error", async () => {
  const provider = new Provider({ transport: new MemoryTransport() });
  const l = listening(provider);
  const name = provider.describe(l)!.local!;
  const boom = new Error("boom");
  for (const queued of [true, false]) {
    const open = provider.openSockets();
    let given = -1;
    const failed = new Promise<unknown>((resolve) => {
      const start = () =>
        provider.acceptWith(l, (d) => {
          given = d;
          throw boom;
        }, resolve);
      if (queued) provider.connect(provider.socket(2, 1, 0, "test"), name).then(start);
      else {
        start();
        provider.connect(provider.socket(2, 1, 0, "test"), name);
      }
    });
    is(await failed, boom);
    is(provider.stateOf(given), undefined, "the descriptor was closed");
    is(provider.openSockets(), open + 1, "only the client socket is new");
  }
  const closed = new Promise<unknown>((resolve) => provider.acceptWith(l, () => {}, resolve));
  provider.closesocket(l);
  is(((await closed) as WinsockError).code, WSA.WSAEINTR);
  provider.closeAll();
});

Deno.test("queuedMs: 0 for a connection a waiting accept took on arrival, the time queued otherwise", async () => {
  const provider = new Provider({ transport: new MemoryTransport() });
  const l = listening(provider);
  const name = provider.describe(l)!.local!;
  const waiting = provider.accept(l);
  await provider.connect(provider.socket(2, 1, 0, "test"), name);
  is(provider.describe(await waiting)!.queuedMs, 0);
  await provider.connect(provider.socket(2, 1, 0, "test"), name);
  await new Promise((resolve) => setTimeout(resolve, 30));
  const queued = provider.describe(await provider.accept(l))!.queuedMs!;
  is(queued >= 25, true, `queued ${queued} ms`);
  provider.closeAll();
});
