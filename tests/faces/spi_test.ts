// The SPI face (ws2spi.h, SPEC L2, L6, 4.2) over real loopback sockets: errors go
// to the caller's lpErrno and nowhere else, there is no WSAStartup and so no
// WSANOTINITIALISED, WSPAccept resolves INVALID_SOCKET instead of rejecting, a
// second WSPListen updates the backlog and drops the newest excess, a full queue
// refuses. Clients are plain Deno.connect sockets (external clients) unless a
// test needs the exact in-process WSAECONNREFUSED.
import { deepStrictEqual as eq, ok, rejects, strictEqual as is } from "node:assert/strict";
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  closesocket,
  connect,
  INVALID_SOCKET,
  IPPROTO_UDP,
  type LPINT,
  SOCK_DGRAM,
  SOCK_STREAM,
  type SockAddr,
  SOCKET_ERROR,
  SOMAXCONN,
  SOMAXCONN_HINT,
  WSA,
  WSAGetLastError,
  WSASetLastError,
  WSPAccept,
  WSPBind,
  WSPCloseSocket,
  WSPListen,
  WSPSocket,
} from "../../mod.ts";
import { configure, sharedProvider } from "../../src/provider/runtime.ts";
import {
  assertIdle,
  loopback,
  rejectsWith,
  session,
  settle,
  settlesSoon,
  sleep,
  streamSocket,
} from "../_net.ts";

/** The local address of SPI socket `s` (the SPI has no getsockname: asked of the provider, no WSAStartup needed). */
function nameOf(s: number): SockAddr {
  const name = {} as SockAddr;
  is(sharedProvider().getsockname(s, name), 0);
  return name;
}

/** Runs `fn` with a fresh lpErrno and a list of SPI sockets and Deno connections that are closed afterwards. */
async function spi(
  fn: (errno: LPINT, sockets: number[], conns: Deno.TcpConn[]) => Promise<void> | void,
): Promise<void> {
  const errno = { value: 0 };
  const sockets: number[] = [];
  const conns: Deno.TcpConn[] = [];
  let failed = true;
  try {
    await fn(errno, sockets, conns);
    failed = false;
  } finally {
    for (const conn of conns) {
      try {
        conn.close();
      } catch {
        // closed by the test
      }
    }
    for (const s of sockets) WSPCloseSocket(s, { value: 0 });
    await settle();
  }
  if (!failed) assertIdle();
}

/** A new SPI stream socket bound to 127.0.0.1:0 (recorded in `sockets`). */
function spiBound(sockets: number[]): { s: number; name: SockAddr } {
  const errno = { value: 0 };
  const s = WSPSocket(AF_INET, SOCK_STREAM, 0, errno);
  ok(s > 0, `WSPSocket failed: ${errno.value}`);
  sockets.push(s);
  is(WSPBind(s, loopback(), errno), 0);
  return { s, name: nameOf(s) };
}

/** An SPI listener on 127.0.0.1:0 with `backlog`. */
function spiListener(sockets: number[], backlog: number): { s: number; name: SockAddr } {
  const bound = spiBound(sockets);
  const errno = { value: 0 };
  is(WSPListen(bound.s, backlog, errno), 0, `WSPListen failed: ${errno.value}`);
  return bound;
}

/** Waits (bounded) until `check()` holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(5);
  ok(check(), `timed out waiting for ${what}`);
}

/** A plain Deno client connected to `name`, admitted or refused by the pump before this returns. */
async function external(s: number, name: SockAddr, conns: Deno.TcpConn[]): Promise<Deno.TcpConn> {
  const conn = await refusable(s, name, conns);
  if (conn instanceof Error) throw conn;
  return conn;
}

/**
 * Connects from outside acceptq and waits for the accept pump's decision: the
 * connection, or the error of a connect that a refusal reset before it returned.
 */
async function refusable(s: number, name: SockAddr, conns: Deno.TcpConn[]): Promise<Deno.TcpConn | Error> {
  const stats = sharedProvider().stats(s)!;
  const seen = stats.admitted + stats.refused;
  const conn = await Deno.connect({ hostname: name.address, port: name.port }).catch((error: Error) => error);
  if (!(conn instanceof Error)) conns.push(conn);
  await until(() => {
    const now = sharedProvider().stats(s)!;
    return now.admitted + now.refused > seen;
  }, "the accept pump");
  return conn;
}

/** What a client whose connection was refused or dropped reads: the end of the stream or a reset. */
async function endsWithResetOrClose(conn: Deno.TcpConn): Promise<void> {
  try {
    is(await conn.read(new Uint8Array(8)), null);
  } catch (error) {
    ok(error instanceof Deno.errors.ConnectionReset, `expected the end or a reset, got ${error}`);
  }
}

Deno.test("SPI: lpErrno receives the code of each failure", async () => {
  await spi((errno, sockets) => {
    is(WSPSocket(AF_UNIX, SOCK_STREAM, 0, errno), INVALID_SOCKET);
    is(errno.value, WSA.WSAEAFNOSUPPORT);
    is(WSPSocket(AF_INET, 3, 0, errno), INVALID_SOCKET);
    is(errno.value, WSA.WSAESOCKTNOSUPPORT);
    is(WSPSocket(AF_INET, SOCK_STREAM, IPPROTO_UDP, errno), INVALID_SOCKET);
    is(errno.value, WSA.WSAEPROTONOSUPPORT); // as Windows reports a protocol of the other type
    is(WSPSocket(AF_INET, SOCK_STREAM, 99, errno), INVALID_SOCKET);
    is(errno.value, WSA.WSAEPROTONOSUPPORT);

    const s = WSPSocket(AF_INET, SOCK_STREAM, 0, errno);
    sockets.push(s);
    is(WSPListen(s, 5, errno), SOCKET_ERROR);
    is(errno.value, WSA.WSAEINVAL, "not bound");
    is(WSPBind(s, loopback(AF_INET6), errno), SOCKET_ERROR);
    is(errno.value, WSA.WSAEAFNOSUPPORT);
    is(WSPBind(s, null as unknown as SockAddr, errno), SOCKET_ERROR);
    is(errno.value, WSA.WSAEFAULT);
    is(WSPBind(s, loopback(), errno), 0);
    is(WSPBind(s, loopback(), errno), SOCKET_ERROR);
    is(errno.value, WSA.WSAEINVAL, "bound twice");
    is(WSPListen(s, NaN, errno), SOCKET_ERROR);
    is(errno.value, WSA.WSAEINVAL);

    const held = spiListener(sockets, 2);
    const other = WSPSocket(AF_INET, SOCK_STREAM, 0, errno);
    sockets.push(other);
    is(WSPBind(other, held.name, errno), SOCKET_ERROR);
    is(errno.value, WSA.WSAEADDRINUSE);

    const d = WSPSocket(AF_INET, SOCK_DGRAM, 0, errno);
    sockets.push(d);
    is(WSPListen(d, 5, errno), SOCKET_ERROR);
    is(errno.value, WSA.WSAEOPNOTSUPP);

    for (const bad of [0, -1, NaN, 1.5, 2 ** 40, 4242]) {
      errno.value = 0;
      is(WSPListen(bad, 5, errno), SOCKET_ERROR);
      is(errno.value, WSA.WSAENOTSOCK);
      errno.value = 0;
      is(WSPBind(bad, loopback(), errno), SOCKET_ERROR);
      is(errno.value, WSA.WSAENOTSOCK);
      errno.value = 0;
      is(WSPCloseSocket(bad, errno), SOCKET_ERROR);
      is(errno.value, WSA.WSAENOTSOCK);
    }
    is(WSPCloseSocket(d, errno), 0);
    is(WSPCloseSocket(d, errno), SOCKET_ERROR);
    is(errno.value, WSA.WSAENOTSOCK, "double close");
  });
});

Deno.test("SPI: lpErrno is untouched on success, and the Winsock last error too", async () => {
  await spi(async (_, sockets, conns) => {
    WSASetLastError(4321);
    const errno = { value: 777 };
    const s = WSPSocket(AF_INET, SOCK_STREAM, 0, errno);
    ok(s > 0);
    sockets.push(s);
    is(errno.value, 777, "WSPSocket");
    is(WSPBind(s, loopback(), errno), 0);
    is(errno.value, 777, "WSPBind");
    is(WSPListen(s, 4, errno), 0);
    is(WSPListen(s, 8, errno), 0);
    is(errno.value, 777, "WSPListen");
    await external(s, nameOf(s), conns);
    const a = await WSPAccept(s, null, errno);
    ok(a > 0);
    sockets.push(a);
    is(errno.value, 777, "WSPAccept");
    is(WSPCloseSocket(a, errno), 0);
    is(errno.value, 777, "WSPCloseSocket");
    is(WSPListen(s, 1, errno), 0);
    is(WSPListen(-1, 1, errno), SOCKET_ERROR);
    is(errno.value, WSA.WSAENOTSOCK);
    is(WSAGetLastError(), 4321, "the SPI never writes the Winsock last error");
  });
});

Deno.test("SPI: works without WSAStartup (no WSANOTINITIALISED), with an external client", async () => {
  await spi(async (errno, sockets, conns) => {
    const l = spiListener(sockets, SOMAXCONN);
    is(sharedProvider().stats(l.s)?.backlog, 512);
    is(WSPListen(l.s, SOMAXCONN_HINT(300), errno), 0);
    is(sharedProvider().stats(l.s)?.backlog, 300, "SPI honours SOMAXCONN_HINT");
    const conn = await external(l.s, l.name, conns);
    const peer = {} as SockAddr;
    const a = await WSPAccept(l.s, peer, errno);
    ok(a > 0);
    sockets.push(a);
    eq(peer, { family: AF_INET, address: "127.0.0.1", port: (conn.localAddr as Deno.NetAddr).port });
    is(errno.value, 0);
  });
});

Deno.test("SPI: WSPAccept resolves INVALID_SOCKET with the code in lpErrno, never rejects", async () => {
  await spi(async (errno, sockets) => {
    const s = WSPSocket(AF_INET, SOCK_STREAM, 0, errno);
    sockets.push(s);
    is(await WSPAccept(s, null, errno), INVALID_SOCKET);
    is(errno.value, WSA.WSAEINVAL, "not listening");
    errno.value = 0;
    is(await WSPAccept(4242, null, errno), INVALID_SOCKET);
    is(errno.value, WSA.WSAENOTSOCK);
    const d = WSPSocket(AF_INET, SOCK_DGRAM, 0, errno);
    sockets.push(d);
    is(await WSPAccept(d, null, errno), INVALID_SOCKET);
    is(errno.value, WSA.WSAEOPNOTSUPP);

    const l = spiListener(sockets, 4);
    is(sharedProvider().setNonBlocking(l.s, true), 0);
    is(await WSPAccept(l.s, null, errno), INVALID_SOCKET);
    is(errno.value, WSA.WSAEWOULDBLOCK);
    is(sharedProvider().setNonBlocking(l.s, false), 0);

    errno.value = 0;
    const waiting = WSPAccept(l.s, {} as SockAddr, errno);
    is(await settlesSoon(waiting), false, "a blocking WSPAccept waits");
    is(WSPCloseSocket(l.s, { value: 0 }), 0);
    is(await waiting, INVALID_SOCKET);
    is(errno.value, WSA.WSAEINTR, "closing the listener ends the wait");
  });
});

Deno.test("SPI: WSPAccept gives WSAEMFILE while the table is full and the connection waits (L7)", async () => {
  configure({ maxSockets: 3 });
  try {
    await spi(async (errno, sockets, conns) => {
      const l = spiListener(sockets, 4);
      const spare = WSPSocket(AF_INET, SOCK_STREAM, 0, errno);
      sockets.push(spare);
      const last = WSPSocket(AF_INET, SOCK_STREAM, 0, errno);
      sockets.push(last);
      is(WSPSocket(AF_INET, SOCK_STREAM, 0, errno), INVALID_SOCKET);
      is(errno.value, WSA.WSAEMFILE);
      const conn = await external(l.s, l.name, conns);
      errno.value = 0;
      is(await WSPAccept(l.s, null, errno), INVALID_SOCKET);
      is(errno.value, WSA.WSAEMFILE);
      is(sharedProvider().stats(l.s)?.queued, 1);
      is(WSPCloseSocket(spare, errno), 0);
      const peer = {} as SockAddr;
      const a = await WSPAccept(l.s, peer, errno);
      ok(a > 0);
      sockets.push(a);
      is(peer.port, (conn.localAddr as Deno.NetAddr).port);
    });
  } finally {
    configure({});
  }
});

Deno.test("SPI: a WSPListen re-listen updates the backlog and drops the newest excess", async () => {
  await spi(async (errno, sockets, conns) => {
    const l = spiListener(sockets, 5);
    const clients: Deno.TcpConn[] = [];
    for (let i = 0; i < 5; i++) clients.push(await external(l.s, l.name, conns));
    is(sharedProvider().stats(l.s)?.queued, 5);
    is(WSPListen(l.s, 2, errno), 0);
    const stats = sharedProvider().stats(l.s);
    is(stats?.backlog, 2);
    is(stats?.queued, 2);
    is(stats?.dropped, 3);
    for (const dropped of clients.slice(2)) await endsWithResetOrClose(dropped);
    for (const kept of clients.slice(0, 2)) {
      const peer = {} as SockAddr;
      const a = await WSPAccept(l.s, peer, errno);
      ok(a > 0);
      sockets.push(a);
      is(peer.port, (kept.localAddr as Deno.NetAddr).port, "the oldest are accepted, in order");
    }
    is(WSPListen(l.s, 3, errno), 0);
    is(sharedProvider().stats(l.s)?.backlog, 3, "a larger backlog is taken too");
    is(errno.value, 0);
  });
});

Deno.test("SPI: a full queue refuses: the external client is reset (Deno.listen listener, ffi granted)", async () => {
  await spi(async (_, sockets, conns) => {
    const l = spiListener(sockets, 2);
    await external(l.s, l.name, conns);
    await external(l.s, l.name, conns);
    const refused = await refusable(l.s, l.name, conns);
    const stats = sharedProvider().stats(l.s);
    is(stats?.refused, 1);
    is(stats?.admitted, 2);
    is(stats?.queued, 2);
    if (refused instanceof Error) {
      ok(refused instanceof Deno.errors.ConnectionReset, `connect failed otherwise: ${refused}`);
    } else {
      await rejects(refused.read(new Uint8Array(8)), Deno.errors.ConnectionReset);
    }
  });
});

Deno.test("SPI: a full queue refuses an in-process client with exactly WSAECONNREFUSED", async () => {
  await session(async () => {
    await spi(async (_, sockets) => {
      const l = spiListener(sockets, 1);
      const first = streamSocket();
      is(await connect(first, l.name), 0);
      const second = streamSocket();
      await rejectsWith(connect(second, l.name), WSA.WSAECONNREFUSED);
      is(sharedProvider().stats(l.s)?.refused, 1);
      is(closesocket(first), 0);
      is(closesocket(second), 0);
    });
  });
});

Deno.test("SPI: arguments of the wrong type are TypeErrors", async () => {
  await spi(async (errno, sockets) => {
    const { s } = spiBound(sockets);
    // deno-lint-ignore no-explicit-any
    const bad = (v: unknown) => v as any;
    for (const lpErrno of [null, undefined, 5, "e"]) {
      for (
        const call of [
          () => WSPSocket(AF_INET, SOCK_STREAM, 0, bad(lpErrno)),
          () => WSPBind(s, loopback(), bad(lpErrno)),
          () => WSPListen(s, 5, bad(lpErrno)),
          () => WSPCloseSocket(s, bad(lpErrno)),
        ]
      ) {
        let threw: unknown;
        try {
          call();
        } catch (error) {
          threw = error;
        }
        ok(threw instanceof TypeError, `lpErrno ${String(lpErrno)}: ${threw}`);
      }
      let rejected: unknown;
      await WSPAccept(s, null, bad(lpErrno)).catch((error) => rejected = error);
      ok(rejected instanceof TypeError, `WSPAccept lpErrno ${String(lpErrno)}`);
    }
    for (const v of ["1", 1n, undefined, {}]) {
      for (
        const call of [
          () => WSPSocket(bad(v), SOCK_STREAM, 0, errno),
          () => WSPBind(bad(v), loopback(), errno),
          () => WSPListen(s, bad(v), errno),
          () => WSPCloseSocket(bad(v), errno),
        ]
      ) {
        let threw: unknown;
        try {
          call();
        } catch (error) {
          threw = error;
        }
        ok(threw instanceof TypeError, `${String(v)}: ${threw}`);
      }
    }
    is(WSPListen(s, 2, errno), 0);
    let rejected: unknown;
    await WSPAccept(s, bad("addr"), errno).catch((error) => rejected = error);
    ok(rejected instanceof TypeError, "WSPAccept with an addr of the wrong type");
    is(sharedProvider().openSockets(), 1, "no failed call opened a socket");
  });
});
