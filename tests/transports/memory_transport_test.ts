// The in-memory transport alone (src/transports/memory/memory_transport.ts), without the provider:
// the namespace (bind, port 0, WSAEADDRINUSE rules), connect and accept, data both
// ways with back-pressure, orderly close and reset, resource limits, bad input, and
// that live() returns to 0. No OS socket is opened.
import { deepStrictEqual as eq, ok, strictEqual as is, throws } from "node:assert/strict";
import { WinsockError, WSA, wsaName } from "../../src/shared/errors.ts";
import {
  type Endpoint,
  MemoryTransport,
  type SockAddr,
  type StreamConn,
} from "../../src/transports/memory/memory_transport.ts";
import { rejectsWith, settlesNow } from "../_net.ts";

const V4 = 2;
const V6 = 23;
const never = new AbortController().signal;

function v4(address: string, port = 0): SockAddr {
  return { family: V4, address, port };
}

function v6(address: string, port = 0): SockAddr {
  return { family: V6, address, port };
}

/** Asserts `fn` throws a WinsockError of `code`. */
function throwsCode(fn: () => unknown, code: number): void {
  throws(fn, (error) => {
    ok(error instanceof WinsockError, `expected a WinsockError, got ${error}`);
    is(wsaName(error.code), wsaName(code));
    return true;
  });
}

/** An endpoint bound to `addr` and listening. */
function listening(net: MemoryTransport, addr: SockAddr): Endpoint {
  const endpoint = net.bind(addr);
  is(endpoint.listen(16), undefined);
  return endpoint;
}

/** A listening endpoint, a connected client side and the accepted server side. */
async function pair(net: MemoryTransport, addr: SockAddr = v4("127.0.0.1")) {
  const endpoint = listening(net, addr);
  const client = await net.connect(endpoint.local, never);
  const server = await endpoint.accept();
  return { endpoint, client, server };
}

/** Reads from `conn` until the end of the stream; returns every byte. */
async function readAll(conn: StreamConn, chunk = 4096): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  const buf = new Uint8Array(chunk);
  for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
    parts.push(buf.slice(0, n));
    total += n;
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

/** Reads exactly `n` bytes from `conn`, at most `chunk` per read. */
async function readExactly(conn: StreamConn, n: number, chunk: number): Promise<Uint8Array> {
  const all = new Uint8Array(n);
  for (let at = 0; at < n;) {
    const got = await conn.read(all.subarray(at, Math.min(n, at + chunk)));
    ok(got !== null && got > 0, "the stream ended early");
    at += got;
  }
  return all;
}

/** `n` bytes of a repeatable pattern that is not periodic in any small power of two. */
function pattern(n: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

function closeAll(...things: { close(): void }[]): void {
  for (const thing of things) thing.close();
}

// ─── The namespace ──────────────────────────────────────────────────────────

Deno.test("bind() with port 0 takes free ports of the ephemeral range 49152-65535", () => {
  const net = new MemoryTransport();
  const a = net.bind(v4("127.0.0.1"));
  const b = net.bind(v4("127.0.0.1"));
  const c = net.bind(v6("::1"));
  for (const e of [a, b, c]) ok(e.local.port >= 49152 && e.local.port <= 65535, `port ${e.local.port}`);
  ok(a.local.port !== b.local.port);
  eq(a.local, { family: V4, address: "127.0.0.1", port: a.local.port });
  const fixed = net.bind(v4("127.0.0.1", 8080));
  is(fixed.local.port, 8080);
  closeAll(a, b, c, fixed);
  is(net.live(), 0);
});

Deno.test("bind() fails with WSAEADDRINUSE on an address and port already bound", () => {
  const net = new MemoryTransport();
  const a = net.bind(v4("127.0.0.1", 5000));
  throwsCode(() => net.bind(v4("127.0.0.1", 5000)), WSA.WSAEADDRINUSE);
  const b = net.bind(v4("127.0.0.2", 5000)); // another address, same port
  const c = net.bind(v4("127.0.0.1", 5001)); // same address, another port
  a.close();
  const again = net.bind(v4("127.0.0.1", 5000)); // a closed endpoint frees its address at once
  closeAll(b, c, again);
  is(net.live(), 0);
});

Deno.test("bind() of a wildcard conflicts with every address of its family on that port, and back", () => {
  const net = new MemoryTransport();
  const specific = net.bind(v4("127.0.0.1", 6000));
  throwsCode(() => net.bind(v4("0.0.0.0", 6000)), WSA.WSAEADDRINUSE);
  const otherFamily = net.bind(v6("::", 6000)); // IPv6 wildcard: another family, no conflict
  throwsCode(() => net.bind(v6("::1", 6000)), WSA.WSAEADDRINUSE);
  const wildcard = net.bind(v4("0.0.0.0", 6001));
  throwsCode(() => net.bind(v4("127.0.0.1", 6001)), WSA.WSAEADDRINUSE);
  throwsCode(() => net.bind(v4("0.0.0.0", 6001)), WSA.WSAEADDRINUSE);
  closeAll(specific, otherFamily, wildcard);
  is(net.live(), 0);
});

Deno.test("bind() treats IPv6 spellings of one address as the same address", () => {
  const net = new MemoryTransport();
  const a = net.bind(v6("0:0:0:0:0:0:0:1", 7000));
  is(a.local.address, "::1", "the endpoint reports the canonical form");
  throwsCode(() => net.bind(v6("::1", 7000)), WSA.WSAEADDRINUSE);
  throwsCode(() => net.bind(v6("0::0", 7000)), WSA.WSAEADDRINUSE);
  a.close();
  is(net.live(), 0);
});

Deno.test("bind() with port 0 fails with WSAEADDRINUSE once the ephemeral range is exhausted", () => {
  const net = new MemoryTransport({ maxEndpoints: 20000 });
  const endpoints = [];
  for (let i = 0; i < 16384; i++) endpoints.push(net.bind(v4("127.0.0.1")));
  is(new Set(endpoints.map((e) => e.local.port)).size, 16384, "every port of the range, once");
  throwsCode(() => net.bind(v4("127.0.0.1")), WSA.WSAEADDRINUSE);
  const other = net.bind(v4("127.0.0.2")); // another address still has the whole range
  const freed = endpoints[100].local.port;
  endpoints[100].close();
  is(net.bind(v4("127.0.0.1")).local.port, freed, "the one port freed is found by the wrapping search");
  is(net.live(), 16385);
  closeAll(...endpoints, other);
  is(net.live(), 1);
});

Deno.test("bind() fails with WSAENOBUFS at maxEndpoints and works again after a close", () => {
  const net = new MemoryTransport({ maxEndpoints: 2 });
  const a = net.bind(v4("127.0.0.1"));
  const b = net.bind(v4("127.0.0.1"));
  throwsCode(() => net.bind(v4("127.0.0.1")), WSA.WSAENOBUFS);
  a.close();
  const c = net.bind(v4("127.0.0.1"));
  closeAll(b, c);
  is(net.live(), 0);
});

Deno.test("bind() rejects bad addresses with a defined code and wrong types with TypeError", () => {
  const net = new MemoryTransport();
  throwsCode(() => net.bind(null as unknown as SockAddr), WSA.WSAEFAULT);
  throwsCode(() => net.bind(undefined as unknown as SockAddr), WSA.WSAEFAULT);
  throwsCode(() => net.bind({ family: 99, address: "127.0.0.1", port: 0 }), WSA.WSAEAFNOSUPPORT);
  throwsCode(() => net.bind({ family: V6, address: "127.0.0.1", port: 0 }), WSA.WSAEINVAL);
  throwsCode(() => net.bind({ family: V4, address: "::1", port: 0 }), WSA.WSAEINVAL);
  for (const address of ["localhost", "", "127.0.0.256", "127.0.0.01", "1.2.3", "[::1]", "::1%lo", " ::1"]) {
    const family = address.includes(":") ? V6 : V4;
    throwsCode(() => net.bind({ family, address, port: 0 }), WSA.WSAEINVAL);
  }
  for (const port of [NaN, -1, 65536, 1.5, Infinity, -Infinity, 2 ** 53]) {
    throwsCode(() => net.bind(v4("127.0.0.1", port)), WSA.WSAEINVAL);
  }
  for (const address of ["224.0.0.1", "239.255.255.255", "255.255.255.255"]) {
    throwsCode(() => net.bind(v4(address)), WSA.WSAEADDRNOTAVAIL);
  }
  throwsCode(() => net.bind(v6("ff02::1")), WSA.WSAEADDRNOTAVAIL);
  throws(() => net.bind("127.0.0.1:80" as unknown as SockAddr), TypeError);
  throws(() => net.bind({ family: V4, address: "127.0.0.1", port: "80" } as unknown as SockAddr), TypeError);
  throws(() => net.bind({ family: "2", address: "127.0.0.1", port: 0 } as unknown as SockAddr), TypeError);
  throws(() => net.bind({ family: V4, address: 0x7f000001, port: 0 } as unknown as SockAddr), TypeError);
  is(net.live(), 0, "nothing was reserved by a failed bind");
});

Deno.test("the constructor rejects options outside their ranges with RangeError", () => {
  for (const bad of [0, -1, 1.5, NaN, Infinity, 2 ** 30 + 1]) {
    throws(() => new MemoryTransport({ bufferBytes: bad }), RangeError);
    throws(() => new MemoryTransport({ maxEndpoints: bad === 2 ** 30 + 1 ? 2 ** 31 : bad }), RangeError);
    throws(() => new MemoryTransport({ maxConnections: bad === 2 ** 30 + 1 ? 2 ** 31 : bad }), RangeError);
  }
  throws(() => new MemoryTransport(null as unknown as undefined), TypeError);
  is(new MemoryTransport().bufferBytes, 65536);
  is(new MemoryTransport({ bufferBytes: 1 }).name, "memory");
});

// ─── connect and accept ─────────────────────────────────────────────────────

Deno.test("connect() rejects with WSAECONNREFUSED when nothing listens there, before any timer runs", async () => {
  const net = new MemoryTransport();
  let refused: Promise<unknown> = Promise.resolve();
  ok(
    await settlesNow(() => refused = net.connect(v4("127.0.0.1", 80), never)),
    "settled within the same macrotask",
  );
  await rejectsWith(refused, WSA.WSAECONNREFUSED);
  const e = net.bind(v4("127.0.0.1", 81));
  await rejectsWith(net.connect(v4("127.0.0.1", 81), never), WSA.WSAECONNREFUSED, "bound, not listening");
  is(net.live(), 1, "a refused connect creates nothing");
  is(e.listen(1), undefined);
  const c = await net.connect(v4("127.0.0.1", 81), never);
  const accepted = await e.accept();
  await rejectsWith(net.connect(v4("127.0.0.2", 81), never), WSA.WSAECONNREFUSED, "another address");
  await rejectsWith(net.connect(v6("::1", 81), never), WSA.WSAECONNREFUSED, "another family");
  closeAll(c, accepted, e);
  await rejectsWith(net.connect(v4("127.0.0.1", 81), never), WSA.WSAECONNREFUSED, "a closed endpoint");
  is(net.live(), 0);
});

Deno.test("connect() delivers the server side before it resolves: the endpoint can take it at once", async () => {
  const net = new MemoryTransport();
  const endpoint = listening(net, v4("127.0.0.1"));
  let accepted: StreamConn | undefined;
  const accepting = endpoint.accept().then((conn) => accepted = conn);
  const client = await net.connect(endpoint.local, never);
  await accepting;
  ok(accepted);
  eq(accepted.local, endpoint.local);
  eq(accepted.remote, client.local);
  eq(client.remote, endpoint.local);
  is(client.local.address, "127.0.0.1");
  ok(client.local.port >= 49152 && client.local.port !== endpoint.local.port);
  closeAll(client, accepted, endpoint);
  is(net.live(), 0);
});

Deno.test("connect() reaches a wildcard endpoint, from the family's loopback; an exact address wins", async () => {
  const net = new MemoryTransport();
  const any4 = listening(net, v4("0.0.0.0", 9000));
  const any6 = listening(net, v6("::", 9000));
  const c4 = await net.connect(v4("10.1.2.3", 9000), never);
  const s4 = await any4.accept();
  is(c4.local.address, "127.0.0.1");
  eq(s4.local, v4("10.1.2.3", 9000), "the server side's address is the one connected to");
  const c6 = await net.connect(v6("::1", 9000), never);
  const s6 = await any6.accept();
  is(c6.local.address, "::1");
  eq(s6.remote, c6.local);
  const exact = listening(net, v4("127.0.0.5", 9001));
  const any = listening(net, v4("0.0.0.0", 9002));
  const c = await net.connect(v4("127.0.0.5", 9001), never);
  const s = await exact.accept();
  is(c.local.address, "127.0.0.5", "the client side takes a specific endpoint's address");
  closeAll(c4, s4, c6, s6, c, s, any4, any6, exact, any);
  is(net.live(), 0);
});

Deno.test("connect() to a wildcard address or port 0 fails with WSAEADDRNOTAVAIL; bad input is defined", async () => {
  const net = new MemoryTransport();
  const any = listening(net, v4("0.0.0.0", 9100));
  await rejectsWith(net.connect(v4("0.0.0.0", 9100), never), WSA.WSAEADDRNOTAVAIL);
  await rejectsWith(net.connect(v6("::", 9100), never), WSA.WSAEADDRNOTAVAIL);
  await rejectsWith(net.connect(v4("127.0.0.1", 0), never), WSA.WSAEADDRNOTAVAIL);
  await rejectsWith(net.connect(v4("224.0.0.1", 9100), never), WSA.WSAEADDRNOTAVAIL);
  await rejectsWith(net.connect(null as unknown as SockAddr, never), WSA.WSAEFAULT);
  await rejectsWith(net.connect(v4("127.0.0.1", NaN), never), WSA.WSAEINVAL);
  await rejectsWith(net.connect(v4("127.0.0.1", 70000), never), WSA.WSAEINVAL);
  await rejectsWith(net.connect(v4("example.com", 80), never), WSA.WSAEINVAL);
  await rejectsWith(net.connect({ family: 1, address: "/tmp/x", port: 1 }, never), WSA.WSAEAFNOSUPPORT);
  let typeError: unknown;
  await net.connect(42 as unknown as SockAddr, never).catch((e) => typeError = e);
  ok(typeError instanceof TypeError, "a number is not a SockAddr: TypeError, as a rejection");
  any.close();
  is(net.live(), 0);
});

Deno.test("connect() with an aborted signal rejects with WSAETIMEDOUT and delivers nothing", async () => {
  const net = new MemoryTransport();
  const endpoint = listening(net, v4("127.0.0.1"));
  const abort = new AbortController();
  abort.abort();
  await rejectsWith(net.connect(endpoint.local, abort.signal), WSA.WSAETIMEDOUT);
  is(net.live(), 1, "only the endpoint");
  endpoint.close();
  is(net.live(), 0);
});

Deno.test("connect() fails with WSAENOBUFS at maxConnections; a connection counts until both sides close", async () => {
  const net = new MemoryTransport({ maxConnections: 2 });
  const endpoint = listening(net, v4("127.0.0.1"));
  const c1 = await net.connect(endpoint.local, never);
  const c2 = await net.connect(endpoint.local, never);
  await rejectsWith(net.connect(endpoint.local, never), WSA.WSAENOBUFS);
  const s1 = await endpoint.accept();
  c1.close();
  await rejectsWith(net.connect(endpoint.local, never), WSA.WSAENOBUFS, "the server side is still open");
  s1.close();
  const c3 = await net.connect(endpoint.local, never);
  closeAll(c2, c3, endpoint); // the two queued server sides are reset by the endpoint
  is(net.live(), 0);
});

Deno.test("accept() takes the arrived connections in arrival order (FIFO)", async () => {
  const net = new MemoryTransport();
  const endpoint = listening(net, v4("127.0.0.1"));
  const clients = [];
  for (let i = 0; i < 5; i++) clients.push(await net.connect(endpoint.local, never));
  const servers = [];
  for (let i = 0; i < 5; i++) servers.push(await endpoint.accept());
  eq(servers.map((s) => s.remote.port), clients.map((c) => c.local.port));
  is(new Set(clients.map((c) => c.local.port)).size, 5, "every client side has its own port");
  closeAll(...clients, ...servers, endpoint);
  is(net.live(), 0);
});

Deno.test("accept() allows one call in flight: a second concurrent call fails with WSAEINPROGRESS", async () => {
  const net = new MemoryTransport();
  const endpoint = listening(net, v4("127.0.0.1"));
  const first = endpoint.accept();
  await rejectsWith(endpoint.accept(), WSA.WSAEINPROGRESS);
  const client = await net.connect(endpoint.local, never);
  const server = await first; // the first call was not disturbed
  eq(server.remote, client.local);
  const next = endpoint.accept(); // once it resolved, another may wait
  endpoint.close();
  await rejectsWith(next, WSA.WSAEINTR);
  closeAll(client, server);
  is(net.live(), 0);
});

Deno.test("close() of an endpoint rejects its pending accept and every later one with WSAEINTR", async () => {
  const net = new MemoryTransport();
  const endpoint = listening(net, v4("127.0.0.1"));
  const pending = endpoint.accept();
  endpoint.close();
  endpoint.close(); // idempotent
  await rejectsWith(pending, WSA.WSAEINTR);
  await rejectsWith(endpoint.accept(), WSA.WSAEINTR);
  await rejectsWith(Promise.resolve(endpoint.listen(5)), WSA.WSAEINTR);
  is(net.live(), 0);
});

Deno.test("close() of an endpoint resets the arrived connections nobody accepted: their clients see WSAECONNRESET", async () => {
  const net = new MemoryTransport();
  const endpoint = listening(net, v4("127.0.0.1"));
  const accepted = await net.connect(endpoint.local, never);
  const server = await endpoint.accept();
  const queued = [await net.connect(endpoint.local, never), await net.connect(endpoint.local, never)];
  await queued[0].write(new Uint8Array([1, 2, 3]));
  const waiting = queued[1].read(new Uint8Array(4));
  is(net.live(), 1 + 2 + 4, "the endpoint, the accepted pair, the two queued pairs");
  endpoint.close();
  await rejectsWith(waiting, WSA.WSAECONNRESET);
  await rejectsWith(queued[0].read(new Uint8Array(4)), WSA.WSAECONNRESET);
  await rejectsWith(queued[0].write(new Uint8Array(1)), WSA.WSAECONNRESET);
  await accepted.write(new Uint8Array([9]));
  eq(await server.read(new Uint8Array(4)), 1, "the accepted connection is not affected");
  is(net.live(), 4, "the accepted pair and the two reset clients, until they close");
  closeAll(accepted, server, ...queued);
  is(net.live(), 0);
});

Deno.test("listen() is done at once for a backlog in [1, 65535] and rejects anything else with WSAEINVAL", async () => {
  const net = new MemoryTransport();
  const endpoint = listening(net, v4("127.0.0.1"));
  for (const backlog of [1, 5, 511, 65535]) is(endpoint.listen(backlog), undefined, "done at once");
  for (const backlog of [0, -1, 65536, 1.5, NaN, Infinity, "5" as unknown as number]) {
    const listening = endpoint.listen(backlog);
    ok(listening instanceof Promise, `listen(${backlog}) reports through a promise`);
    await rejectsWith(listening, WSA.WSAEINVAL, `listen(${backlog})`);
  }
  endpoint.close();
  is(net.live(), 0);
});

// ─── Data ───────────────────────────────────────────────────────────────────

Deno.test("data flows both ways at once, in order, across writes of every size", async () => {
  const net = new MemoryTransport({ bufferBytes: 1000 });
  const { endpoint, client, server } = await pair(net);
  const up = pattern(200_000, 1);
  const down = pattern(150_000, 2);
  const writeChunks = async (conn: StreamConn, data: Uint8Array) => {
    for (let at = 0, size = 1; at < data.length; at += size, size = (size * 7 + 3) % 3001 + 1) {
      const part = data.subarray(at, at + size);
      is(await conn.write(part), part.length);
    }
  };
  const [gotUp, gotDown] = await Promise.all([
    readExactly(server, up.length, 777),
    readExactly(client, down.length, 1500),
    writeChunks(client, up),
    writeChunks(server, down),
  ]);
  eq(gotUp, up);
  eq(gotDown, down);
  closeAll(client, server, endpoint);
  is(net.live(), 0);
});

Deno.test("a 1-byte buffer still moves every byte in order through the ring", async () => {
  const net = new MemoryTransport({ bufferBytes: 1 });
  const { endpoint, client, server } = await pair(net);
  const data = pattern(3000, 3);
  const [got] = await Promise.all([readAll(server, 7), client.write(data).then(() => client.close())]);
  eq(got, data);
  closeAll(server, endpoint);
  is(net.live(), 0);
});

Deno.test("read() resolves with what is buffered, up to the buffer's length, and waits when nothing is", async () => {
  const net = new MemoryTransport();
  const { endpoint, client, server } = await pair(net);
  await client.write(new Uint8Array([1, 2, 3, 4, 5]));
  const buf = new Uint8Array(3);
  is(await server.read(buf), 3);
  eq([...buf], [1, 2, 3]);
  is(await server.read(buf), 2);
  eq([...buf.subarray(0, 2)], [4, 5]);
  const waiting = server.read(buf);
  ok(!(await settlesNow(() => waiting)), "read waits for data");
  await client.write(new Uint8Array([6]));
  is(await waiting, 1);
  is(await server.read(new Uint8Array(0)), 0, "a zero-length read resolves 0");
  is(await client.write(new Uint8Array(0)), 0, "a zero-length write resolves 0");
  closeAll(client, server, endpoint);
  is(net.live(), 0);
});

Deno.test("write() of 1 MiB into a 64 KiB buffer waits (back-pressure) until the reader has read all but 64 KiB", async () => {
  const net = new MemoryTransport(); // bufferBytes 64 KiB
  const { endpoint, client, server } = await pair(net);
  const data = pattern(1 << 20, 4);
  let read = 0;
  let written = false;
  const writing = client.write(data).then((n) => {
    written = true;
    return n;
  });
  ok(!(await settlesNow(() => writing)), "the write waits while nobody reads");
  const got = new Uint8Array(data.length);
  let readWhenWritten = -1;
  while (read < data.length) {
    const n = await server.read(got.subarray(read, read + 16 * 1024));
    ok(n !== null && n > 0);
    read += n;
    if (written && readWhenWritten < 0) readWhenWritten = read;
  }
  is(await writing, data.length);
  is(readWhenWritten, data.length - 64 * 1024, "the write resolved as the last 64 KiB fitted in the buffer");
  eq(got, data);
  closeAll(client, server, endpoint);
  is(net.live(), 0);
});

Deno.test("writes on one side are served in call order, each resolving its full length", async () => {
  const net = new MemoryTransport({ bufferBytes: 16 });
  const { endpoint, client, server } = await pair(net);
  const writes = [pattern(50, 5), pattern(3, 6), pattern(100, 7)].map((d) => client.write(d));
  const reading = readAll(server, 5);
  eq(await Promise.all(writes), [50, 3, 100]);
  client.close();
  const got = await reading;
  eq(got, new Uint8Array([...pattern(50, 5), ...pattern(3, 6), ...pattern(100, 7)]));
  closeAll(server, endpoint);
  is(net.live(), 0);
});

// ─── Close and reset ────────────────────────────────────────────────────────

Deno.test("close() is an orderly end: the peer reads what was buffered, then null; its writes fail with WSAECONNRESET", async () => {
  const net = new MemoryTransport();
  const { endpoint, client, server } = await pair(net);
  const waiting = client.read(new Uint8Array(4));
  await server.write(new Uint8Array([7, 8, 9]));
  is(await waiting, 3);
  await server.write(new Uint8Array([10, 11]));
  server.close();
  const buf = new Uint8Array(8);
  is(await client.read(buf), 2, "the buffered bytes first");
  is(await client.read(buf), null, "then the end of the stream");
  is(await client.read(buf), null, "and again");
  await rejectsWith(client.write(new Uint8Array(1)), WSA.WSAECONNRESET);
  const pendingEnd = await pair(net); // a reader waiting when the peer closes reads null
  const endRead = pendingEnd.client.read(buf);
  pendingEnd.server.close();
  is(await endRead, null);
  closeAll(client, endpoint, pendingEnd.client, pendingEnd.endpoint);
  is(net.live(), 0);
});

Deno.test("close() of the reader fails the peer's write that waits on a full buffer with WSAECONNRESET", async () => {
  const net = new MemoryTransport({ bufferBytes: 8 });
  const { endpoint, client, server } = await pair(net);
  const writing = client.write(new Uint8Array(100));
  ok(!(await settlesNow(() => writing)));
  server.close();
  await rejectsWith(writing, WSA.WSAECONNRESET);
  closeAll(client, endpoint);
  is(net.live(), 0);
});

Deno.test("reset() fails the peer's pending and later reads and writes with WSAECONNRESET and discards its data", async () => {
  const net = new MemoryTransport({ bufferBytes: 8 });
  const { endpoint, client, server } = await pair(net);
  await server.write(new Uint8Array([1, 2, 3])); // buffered toward the client: discarded by the reset
  const clientWrite = client.write(new Uint8Array(100)); // waits on the full buffer
  ok(!(await settlesNow(() => clientWrite)), "the write waits on the full buffer");
  const second = await pair(net);
  const clientRead = second.client.read(new Uint8Array(4)); // waits for data
  server.reset();
  second.server.reset();
  await rejectsWith(clientWrite, WSA.WSAECONNRESET);
  await rejectsWith(clientRead, WSA.WSAECONNRESET);
  await rejectsWith(client.read(new Uint8Array(4)), WSA.WSAECONNRESET, "the buffered bytes are gone");
  await rejectsWith(client.write(new Uint8Array(1)), WSA.WSAECONNRESET);
  await rejectsWith(second.client.write(new Uint8Array(1)), WSA.WSAECONNRESET);
  closeAll(client, endpoint, second.client, second.endpoint);
  is(net.live(), 0);
});

Deno.test("close() and reset() fail this side's own pending read and write with WSAEINTR, later calls with WSAENOTSOCK", async () => {
  const net = new MemoryTransport({ bufferBytes: 4 });
  for (const how of ["close", "reset"] as const) {
    const { endpoint, client, server } = await pair(net);
    const reading = client.read(new Uint8Array(4));
    const writing = client.write(new Uint8Array(10));
    client[how]();
    client[how](); // idempotent
    client.close();
    client.reset();
    await rejectsWith(reading, WSA.WSAEINTR);
    await rejectsWith(writing, WSA.WSAEINTR);
    await rejectsWith(client.read(new Uint8Array(4)), WSA.WSAENOTSOCK);
    await rejectsWith(client.write(new Uint8Array(1)), WSA.WSAENOTSOCK);
    const buf = new Uint8Array(8);
    if (how === "close") {
      is(await server.read(buf), 4, "what was buffered before an orderly close is delivered");
      is(await server.read(buf), null);
    } else {
      await rejectsWith(server.read(buf), WSA.WSAECONNRESET);
    }
    closeAll(server, endpoint);
  }
  is(net.live(), 0);
});

Deno.test("read() and write() reject buffers that are not Uint8Array with TypeError", async () => {
  const net = new MemoryTransport();
  const { endpoint, client, server } = await pair(net);
  for (const bad of [null, undefined, "text", 5, [1, 2], new ArrayBuffer(4)]) {
    let readError: unknown;
    let writeError: unknown;
    await client.read(bad as unknown as Uint8Array).catch((e) => readError = e);
    await client.write(bad as unknown as Uint8Array).catch((e) => writeError = e);
    ok(readError instanceof TypeError, `read(${String(bad)})`);
    ok(writeError instanceof TypeError, `write(${String(bad)})`);
  }
  closeAll(client, server, endpoint);
  is(net.live(), 0);
});

// ─── Nothing leaked ─────────────────────────────────────────────────────────

Deno.test("live() counts open endpoints and unreleased connection sides, and returns to 0", async () => {
  const net = new MemoryTransport();
  is(net.live(), 0);
  const endpoint = listening(net, v4("127.0.0.1"));
  is(net.live(), 1);
  const client = await net.connect(endpoint.local, never);
  is(net.live(), 3, "the client side and the queued server side");
  const server = await endpoint.accept();
  is(net.live(), 3);
  server.reset();
  is(net.live(), 2, "the peer's reset does not release the client side");
  client.close();
  is(net.live(), 1);
  await rejectsWith(net.connect(v4("127.0.0.1", 1), never), WSA.WSAECONNREFUSED);
  is(net.live(), 1, "a refused connect creates nothing");
  const many = [];
  for (let i = 0; i < 100; i++) many.push(await net.connect(endpoint.local, never));
  is(net.live(), 201);
  endpoint.close();
  is(net.live(), 100, "the queued server sides were reset by the endpoint");
  closeAll(...many);
  is(net.live(), 0);
  const again = net.bind(v4("127.0.0.1", endpoint.local.port));
  is(again.local.port, endpoint.local.port, "and the address is free again");
  again.close();
  is(net.live(), 0);
});

Deno.test("a client side's port is taken while it is open and free again once it closes", async () => {
  const net = new MemoryTransport();
  const endpoint = listening(net, v4("127.0.0.1", 50000));
  const client = await net.connect(endpoint.local, never);
  throwsCode(() => net.bind(client.local), WSA.WSAEADDRINUSE);
  throwsCode(() => net.bind(v4("0.0.0.0", client.local.port)), WSA.WSAEADDRINUSE);
  client.close();
  net.bind(client.local).close();
  endpoint.close();
  is(net.live(), 0);
});
