// Bad input of every kind through every exported Winsock call (SPEC 5): wrong
// JavaScript types give a TypeError; NaN, Infinity, fractions, negatives, 2**40,
// closed and never-created descriptors, double close and calls after WSACleanup
// give a defined Winsock error. Never a crash or a hang, and nothing stays open.
import { ok, strictEqual as is } from "node:assert/strict";
import {
  accept,
  AF_INET,
  AF_INET6,
  bind,
  closesocket,
  connect,
  FIONBIO,
  getsockname,
  getsockopt,
  INVALID_SOCKET,
  ioctlsocket,
  listen,
  MAKEWORD,
  recv,
  send,
  setsockopt,
  SO_ACCEPTCONN,
  SOCK_DGRAM,
  SOCK_STREAM,
  type SockAddr,
  socket,
  SOL_SOCKET,
  WinsockError,
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
} from "../../_net.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

/** Values of the wrong JavaScript type for a number parameter. */
const NOT_NUMBERS: readonly unknown[] = [
  "1",
  "",
  {},
  [],
  [1],
  undefined,
  null,
  1n,
  Symbol("s"),
  true,
  () => 1,
];
/** Numbers that are no descriptor. */
const BAD_DESCRIPTORS: readonly number[] = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  -1,
  -(2 ** 31),
  1.5,
  2 ** 40,
  -(2 ** 40),
  2 ** 31 - 1,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_VALUE,
];

/** `call()` throws a TypeError, or returns a promise that rejects with one; it never succeeds. */
async function typeError(call: () => unknown, what: string): Promise<void> {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    ok(error instanceof TypeError, `${what}: expected a TypeError, got ${error}`);
    return;
  }
  ok(result instanceof Promise, `${what}: expected a TypeError, got ${String(result)}`);
  ok(await settlesSoon(result), `${what}: still pending`);
  try {
    await result;
  } catch (error) {
    ok(error instanceof TypeError, `${what}: expected a TypeError, got ${error}`);
    return;
  }
  throw new Error(`${what}: expected a TypeError, but it resolved`);
}

/** An awaited call settles at once with a WinsockError of `code`. */
async function rejectsSoon(promise: Promise<unknown>, code: number, what: string): Promise<void> {
  ok(await settlesSoon(promise), `${what}: still pending`);
  await rejectsWith(promise, code);
}

/** Every call on descriptor `s` fails with `code` (sync: SOCKET_ERROR and the slot; async: a rejection). */
async function everyCallFails(s: number, code: number): Promise<void> {
  fails(bind(s, loopback()), code);
  fails(listen(s, 5), code);
  fails(getsockname(s, {} as SockAddr), code);
  fails(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, { value: 0 }), code);
  fails(setsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, 0), code);
  fails(ioctlsocket(s, FIONBIO, { value: 1 }), code);
  fails(closesocket(s), code);
  await rejectsSoon(accept(s), code, `accept(${s})`);
  await rejectsSoon(accept(s, {} as SockAddr), code, `accept(${s}, addr)`);
  await rejectsSoon(connect(s, loopback(AF_INET, 9)), code, `connect(${s})`);
  await rejectsSoon(send(s, new Uint8Array(1)), code, `send(${s})`);
  await rejectsSoon(recv(s, new Uint8Array(1)), code, `recv(${s})`);
}

Deno.test("WSAStartup, WSASetLastError: wrong types are TypeErrors and change nothing", async () => {
  for (const bad of NOT_NUMBERS) {
    await typeError(() => WSAStartup(bad as Any), `WSAStartup(${String(bad)})`);
    await typeError(() => WSASetLastError(bad as Any), `WSASetLastError(${String(bad)})`);
  }
  for (const data of ["data", 5, 1n, true]) {
    await typeError(() => WSAStartup(MAKEWORD(2, 2), data as Any), `WSAStartup(2.2, ${String(data)})`);
  }
  is(WSAStartup(MAKEWORD(2, 2), null), WSA.WSAEFAULT, "null data: C's NULL lpWSAData");
  fails(socket(AF_INET, SOCK_STREAM, 0), WSA.WSANOTINITIALISED, INVALID_SOCKET); // nothing was counted
  fails(WSACleanup(), WSA.WSANOTINITIALISED);
});

Deno.test("WSAStartup: numbers that are no C WORD are WSAVERNOTSUPPORTED; the first version decides the semantics", async () => {
  for (const version of [NaN, Infinity, -Infinity, 1.5, 2 ** 40, 0x10000, -0x8001, 0, 0x0200]) {
    is(WSAStartup(version), WSA.WSAVERNOTSUPPORTED, `WSAStartup(${version})`);
  }
  const data = {} as Parameters<typeof WSAStartup>[1] & object;
  is(WSAStartup(-1, data), 0, "-1 is the WORD 0xffff, version 255.255");
  is(data.wVersion, 0x0202);
  succeeds(WSACleanup());
  is(WSAStartup(MAKEWORD(1, 1), data), 0);
  is(data.wVersion, 0x0101);
  is(WSAStartup(MAKEWORD(2, 2), data), 0);
  is(data.wVersion, 0x0202, "each call reports its own version, as on Windows");
  const l = listener(7);
  succeeds(listen(l.s, 2));
  is(sharedProvider().stats(l.s)?.backlog, 2, "but the first WSAStartup (1.1) decides the re-listen rule");
  succeeds(closesocket(l.s));
  succeeds(WSACleanup());
  succeeds(WSACleanup());
  await settle();
});

Deno.test("socket: wrong types are TypeErrors; odd numbers give defined codes", async () => {
  await session(async () => {
    for (const bad of NOT_NUMBERS) {
      await typeError(() => socket(bad as Any, SOCK_STREAM, 0), `socket(af=${String(bad)})`);
      await typeError(() => socket(AF_INET, bad as Any, 0), `socket(type=${String(bad)})`);
      await typeError(() => socket(AF_INET, SOCK_STREAM, bad as Any), `socket(protocol=${String(bad)})`);
    }
    for (const n of [NaN, Infinity, -1, 2.5, 2 ** 40, 2 + 2 ** 32]) {
      fails(socket(n, SOCK_STREAM, 0), WSA.WSAEAFNOSUPPORT, INVALID_SOCKET);
      fails(socket(AF_INET, n, 0), WSA.WSAESOCKTNOSUPPORT, INVALID_SOCKET);
      fails(socket(AF_INET, SOCK_STREAM, n), WSA.WSAEPROTONOSUPPORT, INVALID_SOCKET);
    }
    fails(socket(AF_INET, 1 + 2 ** 32, 0), WSA.WSAESOCKTNOSUPPORT, INVALID_SOCKET);
    is(sharedProvider().openSockets(), 0, "no failed call left a socket behind");
  });
});

Deno.test("every call on NaN, Infinity, fractional, negative, huge, closed and never-created descriptors", async () => {
  await session(async () => {
    const closed = streamSocket();
    succeeds(closesocket(closed));
    const live = streamSocket();
    for (const s of [...BAD_DESCRIPTORS, closed, live + 1, live - 0.25, live * 2 ** 20, 4242]) {
      await everyCallFails(s, WSA.WSAENOTSOCK);
    }
    is(sharedProvider().openSockets(), 1);
    succeeds(closesocket(live));
    fails(closesocket(live), WSA.WSAENOTSOCK);
    fails(closesocket(live), WSA.WSAENOTSOCK);
  });
});

Deno.test("every call with a descriptor of the wrong type is a TypeError", async () => {
  await session(async () => {
    for (const bad of NOT_NUMBERS) {
      const s = bad as Any;
      await typeError(() => bind(s, loopback()), `bind(${String(bad)})`);
      await typeError(() => listen(s, 5), `listen(${String(bad)}, 5)`);
      await typeError(() => accept(s), `accept(${String(bad)})`);
      await typeError(() => connect(s, loopback(AF_INET, 9)), `connect(${String(bad)})`);
      await typeError(() => send(s, new Uint8Array(1)), `send(${String(bad)})`);
      await typeError(() => recv(s, new Uint8Array(1)), `recv(${String(bad)})`);
      await typeError(() => closesocket(s), `closesocket(${String(bad)})`);
      await typeError(() => getsockname(s, {} as SockAddr), `getsockname(${String(bad)})`);
      await typeError(
        () => getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, { value: 0 }),
        `getsockopt(${String(bad)})`,
      );
      await typeError(() => setsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, 0), `setsockopt(${String(bad)})`);
      await typeError(() => ioctlsocket(s, FIONBIO, { value: 1 }), `ioctlsocket(${String(bad)})`);
    }
  });
});

Deno.test("bind: a name of the wrong type is a TypeError, a bad address or port is WSAEINVAL", async () => {
  await session(() => {
    const s = streamSocket();
    for (const name of ["127.0.0.1:0", 5, 1n, true, [], {}, { family: AF_INET }]) {
      // deno-lint-ignore no-explicit-any
      let threw: any;
      try {
        bind(s, name as Any);
      } catch (error) {
        threw = error;
      }
      ok(threw instanceof TypeError, `bind(s, ${JSON.stringify(String(name))}) gave ${threw}`);
    }
    for (
      const name of [
        { family: "2", address: "127.0.0.1", port: 0 },
        { family: AF_INET, address: 127001, port: 0 },
        { family: AF_INET, address: "127.0.0.1", port: "0" },
        { family: AF_INET, address: "127.0.0.1", port: 0n },
      ]
    ) {
      let threw: unknown;
      try {
        bind(s, name as Any);
      } catch (error) {
        threw = error;
      }
      ok(threw instanceof TypeError, `bind(s, ${JSON.stringify(name, (_, v) => String(v))}) gave ${threw}`);
    }
    for (const port of [NaN, Infinity, -Infinity, -1, 65536, 1.5, 2 ** 40]) {
      fails(bind(s, { family: AF_INET, address: "127.0.0.1", port }), WSA.WSAEINVAL);
    }
    for (const address of ["", "localhost", "::1", "127.0.0.1 ", "256.0.0.1", "1.2.3", "[::1]"]) {
      fails(bind(s, { family: AF_INET, address, port: 0 }), WSA.WSAEINVAL);
    }
    for (const family of [NaN, 0, -1, 2.5, 2 + 2 ** 32, AF_INET6]) {
      fails(bind(s, { family, address: "127.0.0.1", port: 0 }), WSA.WSAEAFNOSUPPORT);
    }
    succeeds(bind(s, loopback()), 0); // none of them bound it
    is(sharedProvider().transport.live(), 1);
  });
});

Deno.test("listen: a backlog of the wrong type is a TypeError; any number is clamped, NaN is WSAEINVAL", async () => {
  await session(async () => {
    const { s } = boundSocket();
    for (const bad of NOT_NUMBERS) {
      if (bad === undefined) continue; // listen(s, undefined) is tested below
      await typeError(() => listen(s, bad as Any), `listen(s, ${String(bad)})`);
    }
    await typeError(() => (listen as Any)(s), "listen(s) without a backlog");
    await typeError(() => listen(s, undefined as Any), "listen(s, undefined)");
    is(sharedProvider().stats(s), undefined, "none of them made it listen");
    fails(listen(s, NaN), WSA.WSAEINVAL);
    for (const backlog of [Infinity, -Infinity, -0.5, 1e-9, -(2 ** 40), 2 ** 40, 2 ** 53]) {
      const b = boundSocket();
      succeeds(listen(b.s, backlog));
      const effective = sharedProvider().stats(b.s)?.backlog ?? -1;
      ok(effective >= 1 && effective <= 65535, `listen(s, ${backlog}) gave backlog ${effective}`);
      succeeds(closesocket(b.s));
    }
  });
});

Deno.test("accept: an addr of the wrong type is a TypeError and loses no connection", async () => {
  await session(async () => {
    const l = listener(4);
    const c = await client(l.name);
    for (const addr of ["addr", 5, 1n, true]) {
      await typeError(() => accept(l.s, addr as Any), `accept(l, ${String(addr)})`);
    }
    is(sharedProvider().stats(l.s)?.queued, 1, "the connection is still queued");
    const peer = {} as SockAddr;
    ok(await accept(l.s, peer) > 0);
    is(peer.port, nameOf(c).port);
    const second = await client(l.name);
    ok(await accept(l.s, null as Any) > 0, "a null addr is allowed (C's NULL)");
    void second;
  });
});

Deno.test("accept: a read-only addr is a TypeError and loses no queued connection", async () => {
  await session(async () => {
    const l = listener(4);
    const c = await client(l.name);
    const before = sharedProvider().openSockets();
    await typeError(
      () => accept(l.s, Object.freeze({ family: 0, address: "", port: 0 })),
      "accept(l, frozen)",
    );
    is(sharedProvider().openSockets(), before, "no descriptor was allocated for the caller that failed");
    is(sharedProvider().stats(l.s)?.queued, 1, "the connection is still queued");
    const peer = {} as SockAddr;
    ok(await accept(l.s, peer) > 0);
    is(peer.port, nameOf(c).port);
  });
});

Deno.test("accept: an addr whose setter throws fails with its error and leaves no descriptor behind", async () => {
  await session(async () => {
    const l = listener(4);
    const c = await client(l.name);
    const before = sharedProvider().openSockets();
    const thrown = new Error("the caller's setter");
    const throwing = {
      family: 0,
      address: "",
      set port(_: number) {
        throw thrown;
      },
    } as SockAddr;
    let failure: unknown;
    try {
      await accept(l.s, throwing);
    } catch (error) {
      failure = error;
    }
    is(failure, thrown, "the accept fails with the setter's error");
    is(sharedProvider().openSockets(), before, "the descriptor made for the failed accept is closed");
    is(sharedProvider().stats(l.s)?.queued, 0, "its connection was closed, not left queued");
    const buf = new Uint8Array(1);
    is(await recv(c, buf), 0, "the client of that connection sees it end");
    const next = await client(l.name);
    const peer = {} as SockAddr;
    ok(await accept(l.s, peer) > 0, "the listener still accepts");
    is(peer.port, nameOf(next).port);
  });
});

Deno.test("accept: a waiting accept with a read-only addr does not crash the accept pump", async () => {
  const uncaught: unknown[] = [];
  const onUnhandled = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    uncaught.push(event.reason);
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  try {
    await session(async () => {
      const l = listener(4);
      const waiting = accept(l.s, Object.freeze({ family: 0, address: "", port: 0 })).then(
        (d) => d,
        (error) => error,
      );
      const c = await client(l.name);
      const result = await Promise.race([waiting, settle(5).then(() => "pending")]);
      is(
        uncaught.length,
        0,
        `unhandled rejections (the accept pump died): ${uncaught.map(String).join("; ")}`,
      );
      ok(result instanceof TypeError, `the waiting accept settles with a TypeError, got ${result}`);
      const next = await client(l.name);
      const peer = {} as SockAddr;
      const a = await Promise.race([accept(l.s, peer), settle(20).then(() => -2)]);
      ok(a > 0, "the listener still accepts");
      ok(peer.port === nameOf(c).port || peer.port === nameOf(next).port);
    });
    await settle();
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
  is(uncaught.length, 0, `unhandled rejections: ${uncaught.map(String).join("; ")}`);
});

Deno.test("connect: a name of the wrong type is a TypeError; bad addresses give defined codes", async () => {
  await session(async () => {
    const s = streamSocket();
    for (const name of ["127.0.0.1:80", 5, 1n, true, {}, { family: AF_INET, address: "127.0.0.1" }]) {
      await typeError(() => connect(s, name as Any), `connect(s, ${String(name)})`);
    }
    await rejectsSoon(connect(s, null as Any), WSA.WSAEFAULT, "connect(s, null)");
    for (const port of [NaN, Infinity, -1, 65536, 1.5, 2 ** 40]) {
      await rejectsSoon(
        connect(s, { family: AF_INET, address: "127.0.0.1", port }),
        WSA.WSAEINVAL,
        `connect port ${port}`,
      );
    }
    await rejectsSoon(
      connect(s, { family: AF_INET, address: "example.com", port: 80 }),
      WSA.WSAEINVAL,
      "a host name",
    );
    await rejectsSoon(connect(s, loopback(AF_INET6, 80)), WSA.WSAEAFNOSUPPORT, "connect IPv6 on IPv4");
    const d = socket(AF_INET, SOCK_DGRAM, 0);
    is(await connect(d, loopback(AF_INET, 9)), 0, "a datagram socket only records its peer");
  });
});

Deno.test("send and recv: buffers of the wrong type are TypeErrors; null is WSAEFAULT", async () => {
  await session(async () => {
    const l = listener(2);
    const c = await client(l.name);
    const a = await accept(l.s);
    for (
      const buf of [
        "text",
        5,
        1n,
        [1, 2],
        {},
        new ArrayBuffer(4),
        new Uint16Array(2),
        new DataView(new ArrayBuffer(2)),
      ]
    ) {
      await typeError(() => send(c, buf as Any), `send(c, ${Object.prototype.toString.call(buf)})`);
      await typeError(() => recv(a, buf as Any), `recv(a, ${Object.prototype.toString.call(buf)})`);
    }
    for (const buf of [null, undefined]) {
      await rejectsSoon(send(c, buf as Any), WSA.WSAEFAULT, `send(c, ${buf})`);
      await rejectsSoon(recv(a, buf as Any), WSA.WSAEFAULT, `recv(a, ${buf})`);
    }
    is(await send(c, new Uint8Array(0)), 0, "an empty send moves nothing");
    is(await send(c, new Uint8Array([7])), 1, "the connection still works");
    const one = new Uint8Array(1);
    is(await recv(a, one), 1);
    is(one[0], 7);
  });
});

Deno.test("getsockopt, setsockopt, getsockname, ioctlsocket: wrong types are TypeErrors; odd numbers are defined", async () => {
  await session(async () => {
    const { s } = boundSocket();
    for (const bad of NOT_NUMBERS) {
      await typeError(
        () => getsockopt(s, bad as Any, SO_ACCEPTCONN, { value: 0 }),
        `getsockopt level ${String(bad)}`,
      );
      await typeError(
        () => getsockopt(s, SOL_SOCKET, bad as Any, { value: 0 }),
        `getsockopt name ${String(bad)}`,
      );
      await typeError(() => setsockopt(s, bad as Any, SO_ACCEPTCONN, 0), `setsockopt level ${String(bad)}`);
      await typeError(() => setsockopt(s, SOL_SOCKET, bad as Any, 0), `setsockopt name ${String(bad)}`);
      if (bad === null || bad === undefined) {
        fails(setsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, bad as Any), WSA.WSAEFAULT); // C's NULL optval
      } else {
        await typeError(
          () => setsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, bad as Any),
          `setsockopt value ${String(bad)}`,
        );
      }
      await typeError(() => ioctlsocket(s, bad as Any, { value: 1 }), `ioctlsocket cmd ${String(bad)}`);
    }
    for (const out of ["x", 5, 1n, true]) {
      await typeError(
        () => getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, out as Any),
        `getsockopt optval ${String(out)}`,
      );
      await typeError(() => getsockname(s, out as Any), `getsockname name ${String(out)}`);
    }
    for (const out of ["x", 1n, true]) {
      await typeError(() => ioctlsocket(s, FIONBIO, out as Any), `ioctlsocket argp ${String(out)}`);
    }
    fails(ioctlsocket(s, FIONBIO, 5 as Any), WSA.WSAEFAULT); // a value where the pointer goes (Wine's test_fionbio)
    for (const n of [NaN, Infinity, -1, 1.5, 2 ** 40, SOL_SOCKET + 2 ** 32]) {
      fails(getsockopt(s, n, SO_ACCEPTCONN, { value: 0 }), WSA.WSAEINVAL);
      fails(getsockopt(s, SOL_SOCKET, n, { value: 0 }), WSA.WSAENOPROTOOPT);
      fails(setsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, n), WSA.WSAENOPROTOOPT);
      fails(ioctlsocket(s, n, { value: 1 }), WSA.WSAEOPNOTSUPP);
    }
    fails(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN + 2 ** 32, { value: 0 }), WSA.WSAENOPROTOOPT);
    fails(ioctlsocket(s, FIONBIO + 2 ** 32, { value: 1 }), WSA.WSAEOPNOTSUPP); // no 32-bit pattern
    const mode = { value: -1 };
    is(sharedProvider().nonBlocking(s, mode), 0);
    is(mode.value, 0, "no failed ioctlsocket changed the mode");
  });
});

Deno.test("ioctlsocket FIONBIO: an argp.value that is not a number is a TypeError and changes nothing", async () => {
  await session(async () => {
    const { s } = boundSocket();
    for (const value of ["0", "1", undefined, null, 1n, {}]) {
      await typeError(
        () => ioctlsocket(s, FIONBIO, { value } as Any),
        `ioctlsocket(FIONBIO, { value: ${typeof value} ${String(value)} })`,
      );
      const mode = { value: -1 };
      is(sharedProvider().nonBlocking(s, mode), 0);
      is(mode.value, 0, `{ value: ${JSON.stringify(String(value))} } left the socket blocking`);
    }
  });
});

Deno.test("Winsock 1.1: a TypeError in a blocking call does not leave a blocking call behind", async () => {
  await session(async () => {
    const l = listener(5);
    await typeError(() => accept(l.s, "addr" as Any), "accept(l, 'addr')");
    await typeError(() => connect(streamSocket(), "name" as Any), "connect(s, 'name')");
    is(WSAIsBlocking(), false);
    fails(WSACancelBlockingCall(), WSA.WSAEINVAL);
    succeeds(listen(l.s, 3));
  }, WINSOCK11);
});

Deno.test("every call after WSACleanup is WSANOTINITIALISED or a TypeError, and nothing stays open", async () => {
  is(WSAStartup(MAKEWORD(2, 2)), 0);
  const l = listener(4);
  const c = await client(l.name);
  const a = await accept(l.s);
  succeeds(WSACleanup());
  for (const s of [l.s, c, a, 0, NaN, 2 ** 40]) {
    fails(bind(s, loopback()), WSA.WSANOTINITIALISED);
    fails(listen(s, 5), WSA.WSANOTINITIALISED);
    fails(closesocket(s), WSA.WSANOTINITIALISED);
    fails(getsockname(s, {} as SockAddr), WSA.WSANOTINITIALISED);
    fails(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, { value: 0 }), WSA.WSANOTINITIALISED);
    fails(setsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, 0), WSA.WSANOTINITIALISED);
    fails(ioctlsocket(s, FIONBIO, { value: 0 }), WSA.WSANOTINITIALISED);
    await rejectsSoon(accept(s), WSA.WSANOTINITIALISED, "accept");
    await rejectsSoon(connect(s, l.name), WSA.WSANOTINITIALISED, "connect");
    await rejectsSoon(send(s, new Uint8Array(1)), WSA.WSANOTINITIALISED, "send");
    await rejectsSoon(recv(s, new Uint8Array(1)), WSA.WSANOTINITIALISED, "recv");
  }
  await typeError(() => closesocket("1" as Any), "closesocket('1') after WSACleanup");
  fails(WSACleanup(), WSA.WSANOTINITIALISED);
  fails(WSACancelBlockingCall(), WSA.WSANOTINITIALISED);
  is(WSAIsBlocking(), false);
  WSASetLastError(0);
  is(WSAGetLastError(), 0);
  await settle();
  is(sharedProvider().openSockets(), 0);
  is(sharedProvider().pendingConnections(), 0);
  is(sharedProvider().transport.live(), 0);
});

Deno.test("a WinsockError carries its code and name", () => {
  const error = new WinsockError(WSA.WSAECONNREFUSED);
  ok(error instanceof Error);
  is(error.code, 10061);
  is(error.wsaName, "WSAECONNREFUSED");
  is(new WinsockError(99999).wsaName, "WSA99999");
});
