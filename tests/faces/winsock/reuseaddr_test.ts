// SO_REUSEADDR / SO_EXCLUSIVEADDRUSE and shared-port cases ported from Wine's
// dlls/ws2_32/tests/sock.c test_reuseaddr (its IPv4 rows; the IPv6 and dual-stack
// rows need IPV6_V6ONLY, which acceptq lacks). Wine binds SERVERPORT + 1; here the
// port is the one a first port 0 bind got. Both transports.
import { strictEqual as is } from "node:assert/strict";
import {
  accept,
  AF_INET,
  bind,
  closesocket,
  connect,
  getsockname,
  listen,
  setsockopt,
  SO_EXCLUSIVEADDRUSE,
  SO_REUSEADDR,
  type SockAddr,
  SOL_SOCKET,
  WSA,
} from "../../../mod.ts";
import { sharedProvider } from "../../../src/provider/runtime.ts";
import { conformance } from "../../_conformance.ts";
import { fails, nameOf, streamSocket, succeeds } from "../../_net.ts";

const LOOPBACK = "127.0.0.1";
const ANY = "0.0.0.0";

/** A free port: bound on loopback and the wildcard by a throwaway socket, then released. */
function freePort(): number {
  const probe = streamSocket();
  succeeds(bind(probe, { family: AF_INET, address: ANY, port: 0 }));
  const port = nameOf(probe).port;
  succeeds(closesocket(probe));
  return port;
}

function at(address: string, port: number): SockAddr {
  return { family: AF_INET, address, port };
}

function socketWith(option?: number): number {
  const s = streamSocket();
  if (option !== undefined) succeeds(setsockopt(s, SOL_SOCKET, option, 1));
  return s;
}

/** Which of `listeners` has a connection queued (the one a connect was delivered to). */
function queuedAt(listeners: number[]): number[] {
  return listeners.filter((s) => (sharedProvider().stats(s)?.queued ?? 0) > 0);
}

async function connectTo(address: SockAddr): Promise<number> {
  const c = streamSocket();
  is(await connect(c, address), 0);
  return c;
}

conformance("test_reuseaddr: SO_REUSEADDR on the second socket only is WSAEACCES", () => {
  const port = freePort();
  const s1 = streamSocket();
  succeeds(bind(s1, at(LOOPBACK, port)));
  const s2 = socketWith(SO_REUSEADDR);
  fails(bind(s2, at(LOOPBACK, port)), WSA.WSAEACCES);
});

conformance(
  "test_reuseaddr: with SO_REUSEADDR on both, both bind and listen; the connection goes to the first",
  async () => {
    const port = freePort();
    const s1 = socketWith(SO_REUSEADDR);
    succeeds(bind(s1, at(LOOPBACK, port)));
    const s2 = streamSocket();
    fails(bind(s2, at(LOOPBACK, port)), WSA.WSAEADDRINUSE);
    succeeds(setsockopt(s2, SOL_SOCKET, SO_REUSEADDR, 1));
    succeeds(bind(s2, at(LOOPBACK, port)));
    succeeds(listen(s1, 1));
    succeeds(listen(s2, 1));
    await connectTo(at(LOOPBACK, port));
    const s4 = await accept(s1);
    is(s4 > 0, true);
  },
);

conformance(
  "test_reuseaddr: INADDR_ANY bound and listening, then loopback binds and listens: loopback's connection goes to the loopback socket",
  async () => {
    const port = freePort();
    const s1 = streamSocket();
    succeeds(bind(s1, at(ANY, port)));
    succeeds(listen(s1, 1));
    const s2 = streamSocket();
    succeeds(bind(s2, at(LOOPBACK, port)));
    succeeds(listen(s2, 1));
    await connectTo(at(LOOPBACK, port));
    is((await accept(s2)) > 0, true);
    is(sharedProvider().stats(s1)?.queued, 0, "nothing reached the wildcard socket");
  },
);

conformance(
  "test_reuseaddr: loopback bound and listening first, then INADDR_ANY: loopback's connection goes to the loopback socket",
  async () => {
    const port = freePort();
    const s1 = streamSocket();
    succeeds(bind(s1, at(LOOPBACK, port)));
    succeeds(listen(s1, 1));
    const s2 = streamSocket();
    succeeds(bind(s2, at(ANY, port)));
    succeeds(listen(s2, 1));
    await connectTo(at(LOOPBACK, port));
    is((await accept(s1)) > 0, true);
    is(sharedProvider().stats(s2)?.queued, 0);
  },
);

conformance(
  "test_reuseaddr (either order): the wildcard socket also gets the port's other addresses, the specific one its own",
  async () => {
    for (const specificFirst of [true, false]) {
      const port = freePort();
      const specific = streamSocket();
      const wildcard = streamSocket();
      for (
        const [s, address] of specificFirst
          ? [[specific, LOOPBACK], [wildcard, ANY]] as const
          : [[wildcard, ANY], [specific, LOOPBACK]] as const
      ) {
        succeeds(bind(s, at(address, port)));
        succeeds(listen(s, 2));
      }
      await connectTo(at("127.0.0.2", port));
      is((await accept(wildcard)) > 0, true, "127.0.0.2 reaches the wildcard socket");
      await connectTo(at(LOOPBACK, port));
      is((await accept(specific)) > 0, true, "127.0.0.1 reaches its own socket");
      succeeds(closesocket(specific));
      await connectTo(at(LOOPBACK, port));
      is(
        (await accept(wildcard)) > 0,
        true,
        "with the specific socket closed, the wildcard gets 127.0.0.1 too",
      );
      succeeds(closesocket(wildcard));
    }
  },
);

conformance("test_reuseaddr: two INADDR_ANY binds on one port are WSAEADDRINUSE", () => {
  const port = freePort();
  succeeds(bind(streamSocket(), at(ANY, port)));
  fails(bind(streamSocket(), at(ANY, port)), WSA.WSAEADDRINUSE);
});

conformance(
  "test_reuseaddr: successive binds with SO_REUSEADDR: each connection goes to the earliest-bound listening socket",
  async () => {
    const port = freePort();
    const [s1, s2, s3, s4] = [0, 1, 2, 3].map(() => socketWith(SO_REUSEADDR));
    const address = at(LOOPBACK, port);
    succeeds(bind(s1, address));
    succeeds(bind(s2, address));
    succeeds(listen(s1, 1));
    succeeds(listen(s2, 1));
    await connectTo(address);
    is(queuedAt([s1, s2])[0], s1, "to the first socket");
    succeeds(closesocket(s1));
    succeeds(bind(s3, address));
    await connectTo(address);
    is((await accept(s2)) > 0, true, "to the second socket");
    succeeds(closesocket(s2));
    succeeds(bind(s4, address));
    succeeds(listen(s3, 1));
    await connectTo(address);
    is((await accept(s3)) > 0, true, "to the third socket");
    succeeds(closesocket(s3));
    succeeds(listen(s4, 1));
    await connectTo(address);
    is((await accept(s4)) > 0, true, "to the fourth socket");
  },
);

// tests_exclusive, IPv4 rows: [first address, first exclusive, second address, second exclusive, error].
const EXCLUSIVE: readonly [string, boolean, string, boolean, number][] = [
  [ANY, true, LOOPBACK, false, WSA.WSAEACCES],
  [ANY, false, LOOPBACK, true, 0],
  [ANY, true, LOOPBACK, true, WSA.WSAEACCES],
  [LOOPBACK, true, ANY, false, 0],
  [LOOPBACK, false, ANY, true, WSA.WSAEADDRINUSE],
  [ANY, false, ANY, true, WSA.WSAEADDRINUSE],
  [ANY, false, ANY, false, WSA.WSAEADDRINUSE],
  [LOOPBACK, true, LOOPBACK, false, WSA.WSAEADDRINUSE],
  [LOOPBACK, false, LOOPBACK, true, WSA.WSAEADDRINUSE],
];

conformance("test_reuseaddr tests_exclusive (IPv4 rows): SO_EXCLUSIVEADDRUSE decides as on Windows", () => {
  EXCLUSIVE.forEach(([a0, x0, a1, x1, error], row) => {
    const port = freePort();
    const s = [
      socketWith(x0 ? SO_EXCLUSIVEADDRUSE : undefined),
      socketWith(x1 ? SO_EXCLUSIVEADDRUSE : undefined),
    ];
    succeeds(bind(s[0], at(a0, port)));
    if (error) fails(bind(s[1], at(a1, port)), error);
    else succeeds(bind(s[1], at(a1, port)));
    const name = {} as SockAddr;
    if (!error) {
      succeeds(getsockname(s[1], name));
      is(name.port, port, `row ${row}`);
    }
    succeeds(closesocket(s[0]));
    succeeds(closesocket(s[1]));
  });
});
