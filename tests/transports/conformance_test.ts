// Conformance on both transports: every test here runs once on TCP over
// loopback and once on the in-memory transport, through the same Winsock calls,
// and must behave the same (the transport is configuration, not API).
import { deepStrictEqual as eq, rejects, strictEqual as is } from "node:assert/strict";
import {
  accept,
  AF_INET,
  bind,
  closesocket,
  connect,
  FIONBIO,
  getsockname,
  ioctlsocket,
  listen,
  recv,
  send,
  SOCK_STREAM,
  type SockAddr,
  socket,
  SOCKET_ERROR,
  type WinsockError,
  WSAGetLastError,
  WSPListen,
} from "../../mod.ts";
import { sharedProvider } from "../../src/provider/runtime.ts";
import { conformance } from "../_conformance.ts";

const stream = () => socket(AF_INET, SOCK_STREAM, 0);
const code = (p: Promise<unknown>) => p.then(() => 0, (e: WinsockError) => e.code);

function listener(backlog: number): [number, SockAddr] {
  const s = stream();
  is(bind(s, { family: AF_INET, address: "127.0.0.1", port: 0 }), 0);
  is(listen(s, backlog), 0);
  const name = {} as SockAddr;
  getsockname(s, name);
  return [s, name];
}

conformance(
  "bind to port 0 gets a real port that getsockname reports, and a second bind there is WSAEADDRINUSE",
  () => {
    const [, name] = listener(1);
    is(name.port > 0, true);
    is(bind(stream(), name), SOCKET_ERROR);
    is(WSAGetLastError(), 10048);
  },
);

conformance(
  "exactly backlog connections are admitted; the rest are refused with WSAECONNREFUSED and counted",
  async () => {
    const [s, name] = listener(3);
    const results = await Promise.all(Array.from({ length: 8 }, () => code(connect(stream(), name))));
    eq(results.filter((r) => r === 0).length, 3);
    eq(results.filter((r) => r === 10061).length, 5);
    const stats = sharedProvider().stats(s)!;
    eq([stats.admitted, stats.refused, stats.queued, stats.highWater], [3, 5, 3, 3]);
  },
);

conformance("accept returns connections oldest first and fills the peer address", async () => {
  const [s, name] = listener(4);
  const clients = [stream(), stream(), stream()];
  for (const c of clients) await connect(c, name);
  for (const c of clients) {
    const local = {} as SockAddr;
    getsockname(c, local);
    const peer = {} as SockAddr;
    await accept(s, peer);
    eq([peer.address, peer.port], [local.address, local.port]);
  }
});

conformance("data goes both ways, and recv resolves 0 after the peer's closesocket", async () => {
  const [s, name] = listener(1);
  const c = stream();
  await connect(c, name);
  const a = await accept(s);
  is(await send(c, new TextEncoder().encode("ping")), 4);
  const buf = new Uint8Array(8);
  is(new TextDecoder().decode(buf.subarray(0, await recv(a, buf))), "ping");
  await send(a, new TextEncoder().encode("pong"));
  is(new TextDecoder().decode(buf.subarray(0, await recv(c, buf))), "pong");
  closesocket(c);
  is(await recv(a, buf), 0);
});

conformance(
  "a bound socket that is not listening refuses an in-process connect with WSAECONNREFUSED",
  async () => {
    const s = stream();
    bind(s, { family: AF_INET, address: "127.0.0.1", port: 0 });
    const name = {} as SockAddr;
    getsockname(s, name);
    is(await code(connect(stream(), name)), 10061);
  },
);

conformance(
  "closesocket of a listener wakes its pending accept with WSAEINTR and resets its queued clients",
  async () => {
    const [s, name] = listener(2);
    const queued = stream();
    await connect(queued, name);
    const [other] = listener(1);
    const pending = accept(other);
    closesocket(other);
    await rejects(pending, (e: WinsockError) => e.code === 10004);
    closesocket(s);
    const ended = await recv(queued, new Uint8Array(4)).then((n) => n, (e: WinsockError) => e.code);
    is(ended === 0 || ended === 10054, true, `recv gave ${ended}`);
  },
);

conformance(
  "a non-blocking listener with an empty queue rejects accept with WSAEWOULDBLOCK at once",
  async () => {
    const [s] = listener(2);
    ioctlsocket(s, FIONBIO, { value: 1 });
    is(await code(accept(s)), 10035);
  },
);

conformance("an SPI re-listen to a smaller backlog resets the newest queued connections", async () => {
  const [s, name] = listener(4);
  const clients = [stream(), stream(), stream(), stream()];
  for (const c of clients) await connect(c, name);
  const errno = { value: 0 };
  is(WSPListen(s, 1, errno), 0);
  eq(sharedProvider().stats(s)!.dropped, 3);
  const buf = new Uint8Array(1);
  for (const dropped of clients.slice(1)) {
    const ended = await recv(dropped, buf).then((n) => n, (e: WinsockError) => e.code);
    is(ended === 0 || ended === 10054, true);
  }
  const kept = {} as SockAddr;
  getsockname(clients[0], kept);
  const peer = {} as SockAddr;
  await accept(s, peer);
  is(peer.port, kept.port); // the oldest stayed
});

conformance(
  "with the table full accept fails with WSAEMFILE and the connection stays queued until a descriptor is free",
  async () => {
    const [s, name] = listener(2);
    const client = stream();
    await connect(client, name);
    const fillers: number[] = [];
    for (let f = stream(); f !== -1; f = stream()) fillers.push(f);
    is(await code(accept(s)), 10024);
    is(sharedProvider().stats(s)!.queued, 1);
    closesocket(fillers.pop()!);
    const peer = {} as SockAddr;
    await accept(s, peer);
    const local = {} as SockAddr;
    getsockname(client, local);
    is(peer.port, local.port);
  },
);
