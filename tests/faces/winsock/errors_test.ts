// Every Winsock error the Winsock 2 / 1.1 face can return, each provoked over real
// loopback sockets by a test named after it, and Winsock's check order when several
// things are wrong at once (SPEC 2, 3, 4.1). Synchronous calls are checked on both
// channels (SOCKET_ERROR / INVALID_SOCKET and WSAGetLastError()); awaited calls on
// the `.code` of the WinsockError they reject with.
import { ok, strictEqual as is } from "node:assert/strict";
import {
  accept,
  AF_INET,
  AF_INET6,
  AF_UNIX,
  AF_UNSPEC,
  bind,
  closesocket,
  configure,
  connect,
  FIONBIO,
  getsockname,
  getsockopt,
  INVALID_SOCKET,
  ioctlsocket,
  IPPROTO_TCP,
  IPPROTO_UDP,
  listen,
  MAKEWORD,
  recv,
  send,
  setsockopt,
  SO_ACCEPTCONN,
  SO_EXCLUSIVEADDRUSE,
  SO_TYPE,
  SOCK_DGRAM,
  SOCK_STREAM,
  type SockAddr,
  socket,
  SOL_SOCKET,
  WSA,
  WSACancelBlockingCall,
  WSACleanup,
  WSAGetLastError,
  WSAIsBlocking,
  WSASetLastError,
  WSAStartup,
} from "../../../mod.ts";
import { sharedProvider } from "../../../src/provider/runtime.ts";
import {
  boundSocket,
  client,
  closedPort,
  fails,
  listener,
  loopback,
  nameOf,
  rejectsWith,
  session,
  settle,
  settlesSoon,
  streamSocket,
  succeeds,
  WINSOCK11,
  WINSOCK2,
} from "../../_net.ts";

const SOMAXCONN = 0x7fffffff;

/** Every call of the face on descriptor `s`, each expected to fail with `code`. */
async function everyCallFails(s: number, code: number): Promise<void> {
  const name = loopback();
  fails(bind(s, name), code);
  fails(listen(s, 5), code);
  fails(getsockname(s, {} as SockAddr), code);
  fails(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, { value: 0 }), code);
  fails(setsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, 1), code);
  fails(ioctlsocket(s, FIONBIO, { value: 1 }), code);
  fails(closesocket(s), code);
  await rejectsWith(accept(s), code);
  is(WSAGetLastError(), code, "a rejected accept leaves its code in the slot");
  await rejectsWith(connect(s, name), code);
  await rejectsWith(send(s, new Uint8Array(1)), code);
  await rejectsWith(recv(s, new Uint8Array(1)), code);
}

Deno.test("WSANOTINITIALISED: every call before WSAStartup", async () => {
  await everyCallFails(1, WSA.WSANOTINITIALISED);
  fails(socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), WSA.WSANOTINITIALISED, INVALID_SOCKET);
  fails(WSACancelBlockingCall(), WSA.WSANOTINITIALISED);
  fails(WSACleanup(), WSA.WSANOTINITIALISED);
  is(sharedProvider().openSockets(), 0);
});

Deno.test("WSANOTINITIALISED: every call after the matching WSACleanup, on a socket opened before it", async () => {
  is(WSAStartup(WINSOCK2), 0);
  const l = listener(4).s;
  const s = streamSocket();
  succeeds(WSACleanup());
  is(sharedProvider().openSockets(), 0, "the last WSACleanup closes every socket");
  await settle();
  for (const d of [l, s]) await everyCallFails(d, WSA.WSANOTINITIALISED);
  fails(socket(AF_INET, SOCK_STREAM, 0), WSA.WSANOTINITIALISED, INVALID_SOCKET);
  fails(WSACleanup(), WSA.WSANOTINITIALISED);
  is(sharedProvider().transport.live(), 0);
});

Deno.test("WSANOTINITIALISED: one WSACleanup too many; WSAStartup is counted", async () => {
  is(WSAStartup(WINSOCK2), 0);
  is(WSAStartup(WINSOCK2), 0);
  const s = streamSocket();
  succeeds(WSACleanup());
  succeeds(getsockopt(s, SOL_SOCKET, SO_TYPE, { value: 0 })); // still initialised, still open
  succeeds(closesocket(s));
  succeeds(WSACleanup());
  fails(WSACleanup(), WSA.WSANOTINITIALISED);
  fails(socket(AF_INET, SOCK_STREAM, 0), WSA.WSANOTINITIALISED, INVALID_SOCKET);
  await settle();
});

Deno.test("WSAVERNOTSUPPORTED: WSAStartup(0) and other versions without a major number", () => {
  WSASetLastError(12345);
  for (const version of [0, MAKEWORD(0, 2), 0x10000, 1.5, NaN, Infinity]) {
    is(WSAStartup(version), WSA.WSAVERNOTSUPPORTED, `WSAStartup(${version})`);
  }
  is(WSAGetLastError(), 12345, "WSAStartup does not set the last error");
  fails(socket(AF_INET, SOCK_STREAM, 0), WSA.WSANOTINITIALISED, INVALID_SOCKET); // nothing was counted
  fails(WSACleanup(), WSA.WSANOTINITIALISED);
});

Deno.test("WSAENOTSOCK: never created, closed, stale, 0, -1, NaN, 1.5 and 2**40 descriptors", async () => {
  await session(async () => {
    const closed = streamSocket();
    succeeds(closesocket(closed));
    const live = streamSocket(); // may reuse the closed one's slot: the old descriptor stays stale
    ok(live !== closed, "a new socket does not reuse a closed descriptor at once");
    for (const bad of [closed, 12345, 0, -1, NaN, 1.5, live + 0.5, 2 ** 40, live + 2 ** 32]) {
      await everyCallFails(bad, WSA.WSAENOTSOCK);
    }
    succeeds(getsockopt(live, SOL_SOCKET, SO_TYPE, { value: 0 })); // the live one is untouched
  });
});

Deno.test("WSAENOTSOCK: double close of a socket, a listener and an accepted connection", async () => {
  await session(async () => {
    const s = streamSocket();
    succeeds(closesocket(s));
    fails(closesocket(s), WSA.WSAENOTSOCK);
    const l = listener(2);
    const c = await client(l.name);
    const a = await accept(l.s);
    for (const d of [a, c, l.s]) {
      succeeds(closesocket(d));
      fails(closesocket(d), WSA.WSAENOTSOCK);
    }
  });
});

Deno.test("WSAEOPNOTSUPP: listen and accept on a SOCK_DGRAM socket, bound or not", async () => {
  await session(async () => {
    const d = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    ok(d !== INVALID_SOCKET);
    fails(listen(d, 5), WSA.WSAEOPNOTSUPP);
    await rejectsWith(accept(d), WSA.WSAEOPNOTSUPP);
    succeeds(bind(d, loopback()));
    fails(listen(d, 5), WSA.WSAEOPNOTSUPP);
    fails(listen(d, SOMAXCONN), WSA.WSAEOPNOTSUPP);
    await rejectsWith(accept(d), WSA.WSAEOPNOTSUPP);
    is(WSAGetLastError(), WSA.WSAEOPNOTSUPP);
  });
});

Deno.test("WSAEISCONN: listen on a connected socket (client and accepted), connect twice", async () => {
  await session(async () => {
    const l = listener(2);
    const c = await client(l.name);
    const a = await accept(l.s);
    fails(listen(c, 5), WSA.WSAEISCONN);
    fails(listen(a, 5), WSA.WSAEISCONN);
    await rejectsWith(connect(c, l.name), WSA.WSAEISCONN);
    const optval = { value: -1 };
    succeeds(getsockopt(c, SOL_SOCKET, SO_ACCEPTCONN, optval));
    is(optval.value, 0, "a failed listen leaves the socket connected, not listening");
  });
});

Deno.test("WSAEINVAL: listen before bind, second bind, accept on a socket that is not listening", async () => {
  await session(async () => {
    const s = streamSocket();
    fails(listen(s, 5), WSA.WSAEINVAL);
    await rejectsWith(accept(s), WSA.WSAEINVAL);
    fails(getsockname(s, {} as SockAddr), WSA.WSAEINVAL); // unbound
    succeeds(bind(s, loopback()));
    const port = nameOf(s).port;
    fails(bind(s, loopback()), WSA.WSAEINVAL);
    fails(bind(s, loopback(AF_INET, port)), WSA.WSAEINVAL);
    await rejectsWith(accept(s), WSA.WSAEINVAL); // bound, not listening
    is(WSAGetLastError(), WSA.WSAEINVAL);
    succeeds(listen(s, 5));
    fails(bind(s, loopback()), WSA.WSAEINVAL); // listening
  });
});

Deno.test("WSAEINVAL: NaN backlog, unknown ioctl, option level, bad address, connect on a listener", async () => {
  await session(async () => {
    const { s, name } = boundSocket();
    fails(listen(s, NaN), WSA.WSAEINVAL);
    is(sharedProvider().stats(s), undefined, "a NaN backlog does not make the socket listen");
    fails(getsockopt(s, 7, SO_ACCEPTCONN, { value: 0 }), WSA.WSAEINVAL); // 7 is no option level
    fails(setsockopt(s, 7, SO_ACCEPTCONN, 1), WSA.WSAEINVAL);
    const other = streamSocket();
    fails(bind(other, { family: AF_INET, address: "localhost", port: 0 }), WSA.WSAEINVAL); // not an IP literal
    fails(bind(other, { family: AF_INET, address: "127.0.0.1", port: 65536 }), WSA.WSAEINVAL);
    fails(bind(other, { family: AF_INET, address: "127.0.0.1", port: -1 }), WSA.WSAEINVAL);
    fails(bind(other, { family: AF_INET, address: "127.0.0.1", port: 1.5 }), WSA.WSAEINVAL);
    succeeds(listen(s, 5));
    await rejectsWith(connect(s, name), WSA.WSAEINVAL); // a listener is committed to listening
  });
});

Deno.test("WSAEADDRINUSE: bind to a port another listener holds", async () => {
  await session(() => {
    const held = listener(4);
    const s = streamSocket();
    fails(bind(s, held.name), WSA.WSAEADDRINUSE);
    const bound = boundSocket(); // bound, not listening: the port is reserved too
    fails(bind(s, bound.name), WSA.WSAEADDRINUSE);
    const outside = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      fails(bind(s, loopback(AF_INET, outside.addr.port)), WSA.WSAEADDRINUSE);
    } finally {
      outside.close();
    }
    succeeds(bind(s, loopback()), 0); // a failed bind leaves the socket unbound and usable
    succeeds(listen(s, 1));
  });
});

Deno.test("WSAEADDRINUSE: a second 0.0.0.0 bind on a port, and an exclusive wildcard beside 127.0.0.1 (a wildcard beside a specific address shares the port, as on Windows)", async () => {
  await session(() => {
    const wild = streamSocket();
    succeeds(bind(wild, { family: AF_INET, address: "0.0.0.0", port: 0 }));
    const port = nameOf(wild).port;
    fails(bind(streamSocket(), { family: AF_INET, address: "0.0.0.0", port }), WSA.WSAEADDRINUSE);
    succeeds(bind(streamSocket(), { family: AF_INET, address: "127.0.0.1", port }));

    const first = boundSocket();
    const second = streamSocket();
    succeeds(setsockopt(second, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1));
    fails(bind(second, { family: AF_INET, address: "0.0.0.0", port: first.name.port }), WSA.WSAEADDRINUSE);
  });
});

Deno.test("WSAEMFILE: socket() and accept fail when the table is full; the connection stays queued (L7)", async () => {
  configure({ maxSockets: 4 });
  try {
    await session(async () => {
      const l = listener(4);
      const c = await client(l.name);
      const spare = streamSocket();
      const last = streamSocket(); // the table is full now
      fails(socket(AF_INET, SOCK_STREAM, 0), WSA.WSAEMFILE, INVALID_SOCKET);
      await rejectsWith(accept(l.s), WSA.WSAEMFILE);
      is(WSAGetLastError(), WSA.WSAEMFILE);
      await rejectsWith(accept(l.s), WSA.WSAEMFILE); // again: still nothing lost
      is(sharedProvider().stats(l.s)?.queued, 1, "the pending connection stays queued");
      is(sharedProvider().pendingConnections(), 1);
      succeeds(closesocket(spare));
      const peer = {} as SockAddr;
      const a = await accept(l.s, peer);
      ok(a > 0);
      is(peer.port, nameOf(c).port, "the connection that waited is the one accepted");
      is(sharedProvider().stats(l.s)?.queued, 0);
      const data = new TextEncoder().encode("L7");
      is(await send(c, data), 2);
      const buf = new Uint8Array(8);
      is(await recv(a, buf), 2);
      fails(socket(AF_INET, SOCK_STREAM, 0), WSA.WSAEMFILE, INVALID_SOCKET);
      succeeds(closesocket(last));
    });
  } finally {
    configure({});
  }
});

Deno.test("WSAEMFILE: a waiting accept fails when a connection arrives while the table is full", async () => {
  configure({ maxSockets: 3 });
  try {
    await session(async () => {
      const l = listener(4);
      const c = streamSocket();
      const last = streamSocket(); // full
      const waiting = rejectsWith(accept(l.s), WSA.WSAEMFILE); // may fail before connect returns
      is(await connect(c, l.name), 0);
      await waiting;
      is(sharedProvider().stats(l.s)?.queued, 1);
      succeeds(closesocket(last));
      const peer = {} as SockAddr;
      ok(await accept(l.s, peer) > 0);
      is(peer.port, nameOf(c).port);
    });
  } finally {
    configure({});
  }
});

Deno.test("WSAEWOULDBLOCK: accept on a non-blocking listener with an empty queue rejects at once", async () => {
  await session(async () => {
    const l = listener(4);
    succeeds(ioctlsocket(l.s, FIONBIO, { value: 1 }));
    const attempt = accept(l.s);
    is(await settlesSoon(attempt), true, "it does not wait");
    await rejectsWith(attempt, WSA.WSAEWOULDBLOCK);
    is(WSAGetLastError(), WSA.WSAEWOULDBLOCK);
    const c = await client(l.name);
    const peer = {} as SockAddr;
    ok(await accept(l.s, peer) > 0, "a queued connection is accepted without waiting");
    is(peer.port, nameOf(c).port);
    await rejectsWith(accept(l.s), WSA.WSAEWOULDBLOCK);
    succeeds(ioctlsocket(l.s, FIONBIO, { value: 0 }));
    const blocking = accept(l.s);
    is(await settlesSoon(blocking), false, "back in blocking mode, accept waits");
    succeeds(closesocket(l.s));
    await rejectsWith(blocking, WSA.WSAEINTR);
  });
});

Deno.test("WSAEINTR: closesocket of a listener rejects its pending accepts", async () => {
  await session(async () => {
    const l = listener(4);
    const first = accept(l.s);
    const second = accept(l.s);
    is(await settlesSoon(first), false);
    succeeds(closesocket(l.s));
    await rejectsWith(first, WSA.WSAEINTR);
    await rejectsWith(second, WSA.WSAEINTR);
    is(WSAGetLastError(), WSA.WSAEINTR);
  });
});

Deno.test("WSAEINTR: closesocket of a connection rejects its pending recv", async () => {
  await session(async () => {
    const l = listener(4);
    const c = await client(l.name);
    const a = await accept(l.s);
    const reading = recv(a, new Uint8Array(8));
    is(await settlesSoon(reading), false);
    succeeds(closesocket(a));
    await rejectsWith(reading, WSA.WSAEINTR);
    is(await recv(c, new Uint8Array(8)), 0, "the peer sees the close");
  });
});

Deno.test("WSAECONNREFUSED: connect to a full in-process listener", async () => {
  await session(async () => {
    const l = listener(1);
    await client(l.name);
    const refused = streamSocket();
    await rejectsWith(connect(refused, l.name), WSA.WSAECONNREFUSED);
    is(WSAGetLastError(), WSA.WSAECONNREFUSED);
    is(sharedProvider().stats(l.s)?.refused, 1);
    is(sharedProvider().stats(l.s)?.queued, 1);
  });
});

Deno.test("WSAECONNREFUSED: connect to a closed port", async () => {
  await session(async () => {
    const s = streamSocket();
    await rejectsWith(connect(s, loopback(AF_INET, closedPort())), WSA.WSAECONNREFUSED);
    is(WSAGetLastError(), WSA.WSAECONNREFUSED);
  });
});

Deno.test("WSAENOPROTOOPT: setsockopt SO_ACCEPTCONN, getsockopt of an unknown option", async () => {
  await session(() => {
    const { s } = listener(2);
    fails(setsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, 1), WSA.WSAENOPROTOOPT);
    fails(setsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, 0), WSA.WSAENOPROTOOPT);
    const optval = { value: 7 };
    fails(getsockopt(s, SOL_SOCKET, 0x1234, optval), WSA.WSAENOPROTOOPT);
    is(optval.value, 7, "a failed getsockopt leaves optval alone");
    succeeds(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, optval));
    is(optval.value, 1, "setsockopt changed nothing");
  });
});

Deno.test("WSAEAFNOSUPPORT: socket of an unknown family, bind and connect with the wrong family", async () => {
  await session(async () => {
    for (const af of [AF_UNIX, 10, 99, -1]) {
      fails(socket(af, SOCK_STREAM, 0), WSA.WSAEAFNOSUPPORT, INVALID_SOCKET);
    }
    fails(socket(AF_UNSPEC, SOCK_STREAM, 0), WSA.WSAEINVAL, INVALID_SOCKET); // Wine's test_WSASocket
    const s = streamSocket(AF_INET);
    fails(bind(s, loopback(AF_INET6)), WSA.WSAEAFNOSUPPORT);
    await rejectsWith(connect(s, loopback(AF_INET6, 1)), WSA.WSAEAFNOSUPPORT);
    const s6 = streamSocket(AF_INET6);
    fails(bind(s6, loopback(AF_INET)), WSA.WSAEAFNOSUPPORT);
  });
});

Deno.test("WSAESOCKTNOSUPPORT: socket of an unknown type", async () => {
  await session(() => {
    for (const type of [3, 4, 5, -1, 99]) {
      fails(socket(AF_INET, type, 0), WSA.WSAESOCKTNOSUPPORT, INVALID_SOCKET);
    }
  });
});

Deno.test("WSAEPROTONOSUPPORT, not the documented WSAEPROTOTYPE: socket with a protocol of the other type (Wine's test_WSASocket)", async () => {
  await session(() => {
    fails(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), WSA.WSAEPROTONOSUPPORT, INVALID_SOCKET);
    fails(socket(AF_INET6, SOCK_DGRAM, IPPROTO_TCP), WSA.WSAEPROTONOSUPPORT, INVALID_SOCKET);
  });
});

Deno.test("WSAEPROTONOSUPPORT: socket with an unknown protocol", async () => {
  await session(() => {
    for (const protocol of [1, 99, -1, 256]) {
      fails(socket(AF_INET, SOCK_STREAM, protocol), WSA.WSAEPROTONOSUPPORT, INVALID_SOCKET);
    }
  });
});

Deno.test("WSAEFAULT: null name, optval, argp and buffers", async () => {
  await session(async () => {
    const s = streamSocket();
    // deno-lint-ignore no-explicit-any
    const nil = null as any;
    fails(bind(s, nil), WSA.WSAEFAULT);
    fails(bind(s, undefined as unknown as SockAddr), WSA.WSAEFAULT);
    fails(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, nil), WSA.WSAEFAULT);
    fails(ioctlsocket(s, FIONBIO, nil), WSA.WSAEFAULT);
    succeeds(bind(s, loopback()));
    fails(getsockname(s, nil), WSA.WSAEFAULT);
    await rejectsWith(connect(streamSocket(), nil), WSA.WSAEFAULT);
    const l = listener(2);
    const c = await client(l.name);
    await rejectsWith(send(c, nil), WSA.WSAEFAULT);
    await rejectsWith(recv(c, nil), WSA.WSAEFAULT);
  });
});

Deno.test("WSAENOTCONN: send and recv on an unconnected, a bound and a listening socket", async () => {
  await session(async () => {
    const fresh = streamSocket();
    const bound = boundSocket().s;
    const listening = listener(2).s;
    for (const s of [fresh, bound, listening]) {
      await rejectsWith(send(s, new Uint8Array(4)), WSA.WSAENOTCONN);
      await rejectsWith(recv(s, new Uint8Array(4)), WSA.WSAENOTCONN);
      is(WSAGetLastError(), WSA.WSAENOTCONN);
    }
  });
});

Deno.test("WSAEINPROGRESS: Winsock 1.1 refuses calls while a blocking accept is in progress", async () => {
  await session(async () => {
    const l = listener(5);
    const other = streamSocket();
    const blocked = accept(l.s);
    is(WSAIsBlocking(), true);
    fails(listen(l.s, 3), WSA.WSAEINPROGRESS);
    fails(closesocket(l.s), WSA.WSAEINPROGRESS);
    fails(closesocket(other), WSA.WSAEINPROGRESS);
    fails(socket(AF_INET, SOCK_STREAM, 0), WSA.WSAEINPROGRESS, INVALID_SOCKET);
    fails(getsockopt(l.s, SOL_SOCKET, SO_ACCEPTCONN, { value: 0 }), WSA.WSAEINPROGRESS);
    fails(WSACleanup(), WSA.WSAEINPROGRESS);
    await rejectsWith(accept(l.s), WSA.WSAEINPROGRESS);
    await rejectsWith(connect(other, l.name), WSA.WSAEINPROGRESS);
    is(WSAIsBlocking(), true, "the refused calls did not end the blocking one");
    succeeds(WSACancelBlockingCall());
    await rejectsWith(blocked, WSA.WSAEINTR);
    is(WSAGetLastError(), WSA.WSAEINTR);
    is(WSAIsBlocking(), false);
    succeeds(listen(l.s, 3)); // calls work again
    succeeds(closesocket(other));
  }, WINSOCK11);
});

Deno.test("WSAEINPROGRESS: Winsock 2 allows other calls while an accept waits", async () => {
  await session(async () => {
    const l = listener(5);
    const peer = {} as SockAddr;
    const blocked = accept(l.s, peer);
    is(WSAIsBlocking(), false);
    succeeds(listen(l.s, 3));
    succeeds(getsockopt(l.s, SOL_SOCKET, SO_ACCEPTCONN, { value: 0 }));
    const c = await client(l.name);
    ok(await blocked > 0);
    is(peer.port, nameOf(c).port);
    fails(WSACancelBlockingCall(), WSA.WSAEOPNOTSUPP); // a Winsock 1.1 call
  });
});

Deno.test("check order: WSANOTINITIALISED before everything else", async () => {
  fails(listen(-1, NaN), WSA.WSANOTINITIALISED);
  fails(listen(0, 5), WSA.WSANOTINITIALISED);
  await rejectsWith(accept(NaN), WSA.WSANOTINITIALISED);
  fails(bind(1, null as unknown as SockAddr), WSA.WSANOTINITIALISED);
});

Deno.test("check order: WSAENOTSOCK before WSAEOPNOTSUPP (a closed datagram socket)", async () => {
  await session(async () => {
    const d = socket(AF_INET, SOCK_DGRAM, 0);
    succeeds(closesocket(d));
    fails(listen(d, 5), WSA.WSAENOTSOCK);
    fails(listen(d, NaN), WSA.WSAENOTSOCK);
    await rejectsWith(accept(d), WSA.WSAENOTSOCK);
  });
});

Deno.test("check order: WSAEOPNOTSUPP before WSAEINVAL (an unbound datagram socket)", async () => {
  await session(async () => {
    const d = socket(AF_INET, SOCK_DGRAM, 0);
    fails(listen(d, 5), WSA.WSAEOPNOTSUPP);
    fails(listen(d, NaN), WSA.WSAEOPNOTSUPP);
    await rejectsWith(accept(d), WSA.WSAEOPNOTSUPP);
    succeeds(ioctlsocket(d, FIONBIO, { value: 1 }));
    await rejectsWith(accept(d), WSA.WSAEOPNOTSUPP);
  });
});

Deno.test("check order: WSAEISCONN before WSAEINVAL (a connected socket that was never bound)", async () => {
  await session(async () => {
    const l = listener(2);
    const c = await client(l.name);
    fails(listen(c, 5), WSA.WSAEISCONN);
    fails(listen(c, NaN), WSA.WSAEISCONN);
  });
});

Deno.test("check order: WSAEINVAL last; accept on a non-blocking socket that is not listening", async () => {
  await session(async () => {
    const s = streamSocket();
    fails(listen(s, 5), WSA.WSAEINVAL);
    fails(listen(s, NaN), WSA.WSAEINVAL);
    succeeds(ioctlsocket(s, FIONBIO, { value: 1 }));
    await rejectsWith(accept(s), WSA.WSAEINVAL);
  });
});
