// The Winsock, SPI and WSK calls, unchanged, on the in-memory transport
// (configure({ transport: new MemoryTransport() })): I/O both ways, exact
// WSAECONNREFUSED for a full queue known within one macrotask, re-listen drops,
// WSAEMFILE, and that WSACleanup leaves no socket, pending connection or
// transport object behind. No OS socket is opened.
import { deepStrictEqual as eq, ok, strictEqual as is } from "node:assert/strict";
import {
  accept,
  AF_INET,
  AF_INET6,
  bind,
  closesocket,
  connect,
  getsockname,
  INVALID_SOCKET,
  IRP,
  listen,
  MAKEWORD,
  NTSTATUS,
  type ProviderOptions,
  recv,
  send,
  SOCK_STREAM,
  type SockAddr,
  socket,
  STATUS_PENDING,
  STATUS_SUCCESS,
  WinsockError,
  WSA,
  WSACleanup,
  type WSADATA,
  WSAGetLastError,
  wsaName,
  WSAStartup,
  type WSK_SOCKET,
  WskAccept,
  WskBind,
  WskCloseSocket,
  WskConnect,
  WskGetLocalAddress,
  WskListen,
  WskReceive,
  WskSend,
  WskSocket,
  WSPAccept,
  WSPBind,
  WSPCloseSocket,
  WSPListen,
  WSPSocket,
} from "../../../mod.ts";
import {
  MemoryTransport,
  type MemoryTransportOptions,
} from "../../../src/transports/memory/memory_transport.ts";
import { configure, sharedProvider } from "../../../src/provider/runtime.ts";
import { fails, rejectsWith, settlesNow } from "../../_net.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface SessionOptions {
  transport?: MemoryTransportOptions;
  provider?: Omit<ProviderOptions, "transport">;
  version?: number;
}

/**
 * Runs `fn` on a fresh memory transport between WSAStartup and WSACleanup, then
 * checks that nothing is left (sockets of every face, pending connections,
 * transport objects) and restores the default (TCP) provider.
 */
async function memorySession(
  fn: (net: MemoryTransport) => Promise<void> | void,
  options: SessionOptions = {},
): Promise<void> {
  const net = new MemoryTransport(options.transport);
  configure({ ...options.provider, transport: net });
  is(WSAStartup(options.version ?? MAKEWORD(2, 2)), 0);
  let passed = false;
  try {
    await fn(net);
    passed = true;
  } finally {
    const cleanup = WSACleanup();
    const provider = sharedProvider();
    const leftBehind = provider.openSockets(); // SPI and WSK sockets, which WSACleanup does not close
    provider.closeAll();
    await macrotask(); // in-flight calls see their sockets closed
    const pending = provider.pendingConnections();
    const live = net.live();
    configure({});
    if (passed) {
      is(cleanup, 0, "WSACleanup");
      is(leftBehind, 0, "sockets of other faces left open by the test");
      is(provider.openSockets(), 0, "openSockets()");
      is(pending, 0, "pendingConnections()");
      is(live, 0, "transport live()");
    }
  }
}

function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function streamSocket(family = AF_INET): number {
  const s = socket(family, SOCK_STREAM, 0);
  ok(s !== INVALID_SOCKET, `socket() failed with ${wsaName(WSAGetLastError())}`);
  return s;
}

function nameOf(s: number): SockAddr {
  const name = {} as SockAddr;
  is(getsockname(s, name), 0);
  return name;
}

/** A listener on `address` (port 0) with `backlog`, and its address. */
function listener(backlog: number, address = "127.0.0.1"): { s: number; name: SockAddr } {
  const family = address.includes(":") ? AF_INET6 : AF_INET;
  const s = streamSocket(family);
  is(bind(s, { family, address, port: 0 }), 0, "bind");
  is(listen(s, backlog), 0, "listen");
  return { s, name: nameOf(s) };
}

async function client(name: SockAddr): Promise<number> {
  const c = streamSocket(name.family);
  is(await connect(c, name), 0);
  return c;
}

/** Receives exactly `n` bytes. */
async function recvExactly(s: number, n: number, chunk = 65536): Promise<Uint8Array> {
  const all = new Uint8Array(n);
  for (let at = 0; at < n;) {
    const got = await recv(s, all.subarray(at, Math.min(n, at + chunk)));
    ok(got > 0, "the stream ended early");
    at += got;
  }
  return all;
}

function pattern(n: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

Deno.test("the Winsock calls run unchanged on the memory transport: socket, bind, listen, accept, connect, send, recv, closesocket", async () => {
  await memorySession(async () => {
    const data = {} as WSADATA;
    is(WSAStartup(MAKEWORD(2, 2), data), 0);
    is(data.szSystemStatus, "Running"); // as Windows says it
    is(sharedProvider().transport.name, "memory");
    is(WSACleanup(), 0);
    const l = listener(4);
    ok(l.name.port >= 49152, "port 0 took an ephemeral port");
    const c = streamSocket();
    is(await connect(c, l.name), 0);
    const peer = {} as SockAddr;
    const a = await accept(l.s, peer);
    eq(peer, nameOf(c), "accept reports the client's address");
    eq(nameOf(a), l.name);
    is(await send(c, encoder.encode("ping")), 4);
    is(decoder.decode(await recvExactly(a, 4)), "ping");
    is(await send(a, encoder.encode("pong!")), 5);
    is(decoder.decode(await recvExactly(c, 5)), "pong!");
    is(closesocket(c), 0);
    is(await recv(a, new Uint8Array(8)), 0, "recv resolves 0 at the peer's orderly close");
    await rejectsWith(send(a, new Uint8Array(1)), WSA.WSAECONNRESET, "send after the peer closed");
    is(closesocket(a), 0);
    is(closesocket(l.s), 0);
    fails(closesocket(l.s), WSA.WSAENOTSOCK);
  });
});

Deno.test("IPv6 and wildcard listeners work the same way in memory", async () => {
  await memorySession(async () => {
    const v6 = listener(2, "::1");
    const any = listener(2, "0.0.0.0");
    const c6 = await client(v6.name);
    const c4 = await client({ family: AF_INET, address: "127.0.0.1", port: any.name.port });
    const peer6 = {} as SockAddr;
    const peer4 = {} as SockAddr;
    const a6 = await accept(v6.s, peer6);
    const a4 = await accept(any.s, peer4);
    eq(peer6, nameOf(c6));
    is(peer6.address, "::1");
    eq(peer4, nameOf(c4));
    await send(c4, encoder.encode("x"));
    is(decoder.decode(await recvExactly(a4, 1)), "x");
    await send(a6, encoder.encode("y"));
    is(decoder.decode(await recvExactly(c6, 1)), "y");
  });
});

Deno.test("bind fails with WSAEADDRINUSE on a taken address; connect to a free one fails with WSAECONNREFUSED", async () => {
  await memorySession(async () => {
    const l = listener(1);
    const other = streamSocket();
    fails(bind(other, l.name), WSA.WSAEADDRINUSE);
    is(bind(other, { family: AF_INET, address: "127.0.0.2", port: l.name.port }), 0, "another address");
    const c = streamSocket();
    let refused: Promise<unknown> = Promise.resolve();
    ok(
      await settlesNow(() => refused = connect(c, { family: AF_INET, address: "127.0.0.1", port: 1 })),
      "refused within the same macrotask",
    );
    await rejectsWith(refused, WSA.WSAECONNREFUSED);
    is(WSAGetLastError(), WSA.WSAECONNREFUSED);
  });
});

Deno.test("backlog 3 and 10 in-process connects: exactly 3 resolve, 7 reject with WSAECONNREFUSED (10061), and the stats agree", async () => {
  await memorySession(async (net) => {
    const l = listener(3);
    const clients = Array.from({ length: 10 }, () => streamSocket());
    let all: Promise<PromiseSettledResult<0>[]> = Promise.resolve([]);
    ok(
      await settlesNow(() => all = Promise.allSettled(clients.map((c) => connect(c, l.name)))),
      "all ten were decided within the same macrotask",
    );
    const results = await all;
    const admitted = results.flatMap((r, i) => r.status === "fulfilled" ? [i] : []);
    const refused = results.flatMap((r) => r.status === "rejected" ? [r.reason] : []);
    eq(admitted, [0, 1, 2], "the first three in call order (arrival order in memory)");
    is(refused.length, 7);
    for (const error of refused) {
      ok(error instanceof WinsockError, `expected a WinsockError, got ${error}`);
      is(error.code, 10061);
      is(error.wsaName, "WSAECONNREFUSED");
    }
    eq(sharedProvider().stats(l.s), {
      backlog: 3,
      queued: 3,
      admitted: 3,
      accepted: 0,
      refused: 7,
      dropped: 0,
      highWater: 3,
    });
    is(net.live(), 1 + 3 * 2, "the endpoint and the three queued pairs: nothing of the refused seven");
    const ports = [];
    for (let i = 0; i < 3; i++) {
      const peer = {} as SockAddr;
      await accept(l.s, peer);
      ports.push(peer.port);
    }
    eq(ports, admitted.map((i) => nameOf(clients[i]).port), "accepted in arrival order");
    is(sharedProvider().stats(l.s)?.accepted, 3);
  });
});

Deno.test("a refused connect is known within the same macrotask: no timer has to run", async () => {
  await memorySession(async () => {
    const l = listener(1);
    await client(l.name); // fills the queue
    let timerRan = false;
    const timer = setTimeout(() => timerRan = true, 0);
    await rejectsWith(connect(streamSocket(), l.name), WSA.WSAECONNREFUSED);
    is(timerRan, false, "the rejection came before any timer");
    clearTimeout(timer);
    const admitted = listener(1);
    let started: Promise<unknown> = Promise.resolve();
    ok(
      await settlesNow(() => started = connect(streamSocket(), admitted.name)),
      "an admitted connect also completes within the macrotask",
    );
    is(await started, 0);
  });
});

Deno.test("a socket bound but not listening refuses in-process connects with WSAECONNREFUSED", async () => {
  await memorySession(async () => {
    const s = streamSocket();
    is(bind(s, { family: AF_INET, address: "127.0.0.1", port: 0 }), 0);
    let refused: Promise<unknown> = Promise.resolve();
    ok(
      await settlesNow(() => refused = connect(streamSocket(), nameOf(s))),
      "refused within the same macrotask",
    );
    await rejectsWith(refused, WSA.WSAECONNREFUSED);
    is(listen(s, 1), 0);
    is(await connect(streamSocket(), nameOf(s)), 0, "admitted once listening");
  });
});

Deno.test("SPI: a WSPListen re-listen drops the newest excess; their clients' recv fails with WSAECONNRESET", async () => {
  await memorySession(async () => {
    const errno = { value: 0 };
    const l = WSPSocket(AF_INET, SOCK_STREAM, 0, errno);
    ok(l !== INVALID_SOCKET);
    const accepted: number[] = [];
    try {
      is(WSPBind(l, { family: AF_INET, address: "127.0.0.1", port: 0 }, errno), 0);
      is(WSPListen(l, 5, errno), 0);
      const name = nameOf(l);
      const clients = [];
      for (let i = 0; i < 5; i++) clients.push(await client(name));
      is(sharedProvider().stats(l)?.queued, 5);
      is(WSPListen(l, 2, errno), 0);
      const stats = sharedProvider().stats(l);
      is(stats?.backlog, 2);
      is(stats?.queued, 2);
      is(stats?.dropped, 3);
      for (const dropped of clients.slice(2)) {
        await rejectsWith(recv(dropped, new Uint8Array(4)), WSA.WSAECONNRESET, "a dropped client");
      }
      const ports = [];
      for (let i = 0; i < 2; i++) {
        const peer = {} as SockAddr;
        accepted.push(await WSPAccept(l, peer, errno));
        ports.push(peer.port);
      }
      eq(ports, clients.slice(0, 2).map((c) => nameOf(c).port), "the oldest two were kept");
      await send(clients[0], encoder.encode("kept"));
      is(decoder.decode(await recvExactly(accepted[0], 4)), "kept");
      is(errno.value, 0);
    } finally {
      for (const s of [...accepted, l]) WSPCloseSocket(s, errno);
    }
  });
});

Deno.test("WSAEMFILE with maxSockets 4: socket and accept fail, the connection stays queued, a close makes room", async () => {
  await memorySession(async () => {
    const l = listener(5);
    const clients = [await client(l.name), await client(l.name), await client(l.name)];
    is(sharedProvider().stats(l.s)?.queued, 3);
    fails(socket(AF_INET, SOCK_STREAM, 0), WSA.WSAEMFILE, INVALID_SOCKET);
    await rejectsWith(accept(l.s), WSA.WSAEMFILE);
    is(sharedProvider().stats(l.s)?.queued, 3, "the connection was not lost");
    is(closesocket(clients[2]), 0);
    const peer = {} as SockAddr;
    const a = await accept(l.s, peer);
    is(peer.port, nameOf(clients[0]).port, "the oldest connection, still there");
    await send(clients[0], encoder.encode("ok"));
    is(decoder.decode(await recvExactly(a, 2)), "ok");
    is(sharedProvider().stats(l.s)?.queued, 2);
  }, { provider: { maxSockets: 4 } });
});

Deno.test("closesocket of a listener resets its queued connections (recv fails with WSAECONNRESET) and interrupts accept", async () => {
  await memorySession(async (net) => {
    const l = listener(4);
    const queued = [await client(l.name), await client(l.name)];
    const busy = listener(1);
    const pendingAccept = accept(busy.s);
    is(closesocket(l.s), 0);
    is(closesocket(busy.s), 0);
    await rejectsWith(pendingAccept, WSA.WSAEINTR);
    for (const c of queued) await rejectsWith(recv(c, new Uint8Array(4)), WSA.WSAECONNRESET);
    is(sharedProvider().pendingConnections(), 0);
    is(net.live(), 2, "only the two client sides, until they are closed");
    await rejectsWith(connect(streamSocket(), l.name), WSA.WSAECONNREFUSED, "the address is free");
  });
});

Deno.test("send and recv carry 1 MiB each way through 64 KiB buffers, send waiting for the reader", async () => {
  await memorySession(async () => {
    const l = listener(1);
    const c = await client(l.name);
    const a = await accept(l.s);
    const up = pattern(1 << 20, 1);
    const down = pattern(1 << 20, 2);
    const sending = send(c, up);
    ok(!(await settlesNow(() => sending)), "send waits while nobody receives");
    const [gotUp, gotDown, sentUp, sentDown] = await Promise.all([
      recvExactly(a, up.length, 10_000),
      recvExactly(c, down.length, 30_000),
      sending,
      send(a, down),
    ]);
    is(sentUp, up.length);
    is(sentDown, down.length);
    eq(gotUp, up);
    eq(gotDown, down);
  });
});

Deno.test("a client that closes while queued is still accepted; the server reads its data, then 0", async () => {
  await memorySession(async () => {
    const l = listener(2);
    const c = await client(l.name);
    await send(c, encoder.encode("bye"));
    is(closesocket(c), 0);
    const a = await accept(l.s);
    is(decoder.decode(await recvExactly(a, 3)), "bye");
    is(await recv(a, new Uint8Array(4)), 0);
  });
});

Deno.test("the WSK calls run unchanged: WskListen completes at once, WskConnect is refused with STATUS_CONNECTION_REFUSED when full", async () => {
  await memorySession(async () => {
    const open = (): WSK_SOCKET => {
      const irp = new IRP();
      is(WskSocket(AF_INET, SOCK_STREAM, 0, irp), STATUS_SUCCESS);
      return irp.information as WSK_SOCKET;
    };
    const sockets: WSK_SOCKET[] = [];
    try {
      const l = open();
      sockets.push(l);
      is(WskBind(l, { family: AF_INET, address: "127.0.0.1", port: 0 }), STATUS_SUCCESS);
      is(WskListen(l), STATUS_SUCCESS, "nothing to commit in memory: no STATUS_PENDING");
      const name = {} as SockAddr;
      is(WskGetLocalAddress(l, name), STATUS_SUCCESS);
      const acceptIrp = new IRP();
      is(WskAccept(l, acceptIrp), STATUS_PENDING);
      const c = open();
      sockets.push(c);
      const connectIrp = new IRP();
      WskConnect(c, name, connectIrp);
      is(await connectIrp.completion, STATUS_SUCCESS);
      is(await acceptIrp.completion, STATUS_SUCCESS);
      const a = acceptIrp.information as WSK_SOCKET;
      sockets.push(a);
      const sendIrp = new IRP();
      WskSend(c, encoder.encode("wsk"), sendIrp);
      is(await sendIrp.completion, STATUS_SUCCESS);
      const buf = new Uint8Array(8);
      const receiveIrp = new IRP();
      WskReceive(a, buf, receiveIrp);
      is(await receiveIrp.completion, STATUS_SUCCESS);
      is(decoder.decode(buf.subarray(0, receiveIrp.information as number)), "wsk");
      // SOMAXCONN (512 by default) queued, then one more is refused.
      const queued = [];
      for (let i = 0; i < 512; i++) {
        const q = open();
        sockets.push(q);
        queued.push(q);
        const irp = new IRP();
        WskConnect(q, name, irp);
        is(await irp.completion, STATUS_SUCCESS);
      }
      const extra = open();
      sockets.push(extra);
      const refusedIrp = new IRP();
      WskConnect(extra, name, refusedIrp);
      is(await refusedIrp.completion, NTSTATUS.STATUS_CONNECTION_REFUSED);
    } finally {
      for (const s of sockets) WskCloseSocket(s);
    }
  });
});

Deno.test("WSACleanup closes everything in every state: no socket, pending connection or transport object is left", async () => {
  const net = new MemoryTransport();
  configure({ transport: net });
  try {
    is(WSAStartup(MAKEWORD(2, 2)), 0);
    const l = listener(8);
    const pair = [await client(l.name)];
    pair.push(await accept(l.s));
    for (let i = 0; i < 4; i++) await client(l.name); // queued, never accepted
    const idle = listener(1);
    const waitingAccept = accept(idle.s);
    const waitingRecv = recv(pair[0], new Uint8Array(4)); // the server side sends nothing
    const sending = send(pair[0], new Uint8Array(1 << 20)); // more than the buffer, nobody reads: waits
    const full = listener(1);
    await client(full.name);
    const connecting = connect(streamSocket(), full.name); // refused, in flight
    streamSocket(); // never bound
    ok(net.live() > 0);
    is(WSACleanup(), 0);
    await Promise.allSettled([waitingAccept, waitingRecv, sending, connecting]);
    await rejectsWith(waitingAccept, WSA.WSAEINTR, "pending accept");
    await rejectsWith(waitingRecv, WSA.WSAEINTR, "pending recv");
    await rejectsWith(sending, WSA.WSAEINTR, "pending send");
    is(sharedProvider().openSockets(), 0, "openSockets()");
    is(sharedProvider().pendingConnections(), 0, "pendingConnections()");
    is(net.live(), 0, "transport live()");
  } finally {
    configure({});
  }
});

// An in-process connect finds its listener by family, port and canonical address.

Deno.test({
  name:
    "an IPv4 connect reaches a listening 0.0.0.0 listener although an IPv6 socket is bound to [::] on that port",
  fn: async () => {
    await memorySession(async () => {
      const v6 = streamSocket(AF_INET6);
      is(bind(v6, { family: AF_INET6, address: "::", port: 50001 }), 0);
      const v4 = streamSocket();
      is(bind(v4, { family: AF_INET, address: "0.0.0.0", port: 50001 }), 0);
      is(listen(v4, 5), 0);
      is(await connect(streamSocket(), { family: AF_INET, address: "127.0.0.1", port: 50001 }), 0);
    });
  },
});

Deno.test({
  name: "a full listener refuses with WSAECONNREFUSED whichever spelling of its IPv6 address the client uses",
  fn: async () => {
    await memorySession(async () => {
      const l = listener(1, "::1");
      await client(l.name);
      await rejectsWith(
        connect(streamSocket(AF_INET6), { family: AF_INET6, address: "0:0:0:0:0:0:0:1", port: l.name.port }),
        WSA.WSAECONNREFUSED,
      );
    });
  },
});
