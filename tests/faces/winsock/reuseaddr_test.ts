// SO_REUSEADDR / SO_EXCLUSIVEADDRUSE and shared-port cases ported from Wine's
// dlls/ws2_32/tests/sock.c test_reuseaddr: its per-family loop on IPv4 and IPv6, and
// the IPv4 rows of tests_exclusive (the rows that mix families need IPV6_V6ONLY, which
// acceptq lacks). Wine binds SERVERPORT + 1; here the port is one a port 0 bind got.
// Both transports.
import { strictEqual as is } from "node:assert/strict";
import {
  accept,
  AF_INET,
  AF_INET6,
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

/** The families of test_reuseaddr's `tests[]`: the wildcard and the loopback address of each. */
const FAMILIES = [
  { name: "IPv4", family: AF_INET, any: "0.0.0.0", loopback: "127.0.0.1" },
  { name: "IPv6", family: AF_INET6, any: "::", loopback: "::1" },
] as const;
type Family = (typeof FAMILIES)[number];
const V4 = FAMILIES[0];

/** A free port of `f`: bound on the wildcard by a throwaway socket, then released. */
function freePort(f: Family): number {
  const probe = streamSocket(f.family);
  succeeds(bind(probe, { family: f.family, address: f.any, port: 0 }));
  const port = nameOf(probe).port;
  succeeds(closesocket(probe));
  return port;
}

function at(f: Family, address: string, port: number): SockAddr {
  return { family: f.family, address, port };
}

function socketWith(f: Family, option?: number): number {
  const s = streamSocket(f.family);
  if (option !== undefined) succeeds(setsockopt(s, SOL_SOCKET, option, 1));
  return s;
}

/** Which of `listeners` has a connection queued (the one a connect was delivered to). */
function queuedAt(listeners: number[]): number[] {
  return listeners.filter((s) => (sharedProvider().stats(s)?.queued ?? 0) > 0);
}

async function connectTo(address: SockAddr): Promise<number> {
  const c = streamSocket(address.family);
  is(await connect(c, address), 0);
  return c;
}

for (const f of FAMILIES) {
  conformance(`test_reuseaddr (${f.name}): SO_REUSEADDR on the second socket only is WSAEACCES`, () => {
    const port = freePort(f);
    succeeds(bind(streamSocket(f.family), at(f, f.loopback, port)));
    fails(bind(socketWith(f, SO_REUSEADDR), at(f, f.loopback, port)), WSA.WSAEACCES);
  });

  conformance(
    `test_reuseaddr (${f.name}): with SO_REUSEADDR on both, both bind and listen; the connection goes to the first`,
    async () => {
      const port = freePort(f);
      const s1 = socketWith(f, SO_REUSEADDR);
      succeeds(bind(s1, at(f, f.loopback, port)));
      const s2 = streamSocket(f.family);
      fails(bind(s2, at(f, f.loopback, port)), WSA.WSAEADDRINUSE);
      succeeds(setsockopt(s2, SOL_SOCKET, SO_REUSEADDR, 1));
      succeeds(bind(s2, at(f, f.loopback, port)));
      succeeds(listen(s1, 1));
      succeeds(listen(s2, 1));
      await connectTo(at(f, f.loopback, port));
      is((await accept(s1)) > 0, true);
    },
  );

  for (const wildcardFirst of [true, false]) {
    const order = wildcardFirst ? "the wildcard, then loopback" : "loopback, then the wildcard";
    conformance(
      `test_reuseaddr (${f.name}): ${order}, each bound and listening: loopback's connection goes to the loopback socket`,
      async () => {
        const port = freePort(f);
        const wildcard = streamSocket(f.family);
        const specific = streamSocket(f.family);
        const binds: [number, string][] = [[wildcard, f.any], [specific, f.loopback]];
        for (const [s, address] of wildcardFirst ? binds : binds.reverse()) {
          succeeds(bind(s, at(f, address, port)));
          succeeds(listen(s, 1));
        }
        await connectTo(at(f, f.loopback, port));
        is((await accept(specific)) > 0, true);
        is(sharedProvider().stats(wildcard)?.queued, 0, "nothing reached the wildcard socket");
      },
    );
  }

  conformance(`test_reuseaddr (${f.name}): two wildcard binds on one port are WSAEADDRINUSE`, () => {
    const port = freePort(f);
    succeeds(bind(streamSocket(f.family), at(f, f.any, port)));
    fails(bind(streamSocket(f.family), at(f, f.any, port)), WSA.WSAEADDRINUSE);
  });

  conformance(
    `test_reuseaddr (${f.name}): successive binds with SO_REUSEADDR: each connection goes to the earliest-bound listening socket`,
    async () => {
      const port = freePort(f);
      const [s1, s2, s3, s4] = [0, 1, 2, 3].map(() => socketWith(f, SO_REUSEADDR));
      const address = at(f, f.loopback, port);
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
}

conformance(
  "test_reuseaddr (either order): the wildcard socket also gets the port's other addresses, the specific one its own",
  async () => {
    for (const specificFirst of [true, false]) {
      const port = freePort(V4);
      const specific = streamSocket();
      const wildcard = streamSocket();
      const order: [number, string][] = [[specific, V4.loopback], [wildcard, V4.any]];
      for (const [s, address] of specificFirst ? order : order.reverse()) {
        succeeds(bind(s, at(V4, address, port)));
        succeeds(listen(s, 2));
      }
      await connectTo(at(V4, "127.0.0.2", port));
      is((await accept(wildcard)) > 0, true, "127.0.0.2 reaches the wildcard socket");
      await connectTo(at(V4, V4.loopback, port));
      is((await accept(specific)) > 0, true, "127.0.0.1 reaches its own socket");
      succeeds(closesocket(specific));
      await connectTo(at(V4, V4.loopback, port));
      is(
        (await accept(wildcard)) > 0,
        true,
        "with the specific socket closed, the wildcard gets 127.0.0.1 too",
      );
      succeeds(closesocket(wildcard));
    }
  },
);

// tests_exclusive, IPv4 rows: [first address, first exclusive, second address, second exclusive, error].
const ANY = V4.any;
const LOOPBACK = V4.loopback;
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
    const port = freePort(V4);
    const s = [
      socketWith(V4, x0 ? SO_EXCLUSIVEADDRUSE : undefined),
      socketWith(V4, x1 ? SO_EXCLUSIVEADDRUSE : undefined),
    ];
    succeeds(bind(s[0], at(V4, a0, port)));
    if (error) fails(bind(s[1], at(V4, a1, port)), error);
    else {
      succeeds(bind(s[1], at(V4, a1, port)));
      const name = {} as SockAddr;
      succeeds(getsockname(s[1], name));
      is(name.port, port, `row ${row}`);
    }
    succeeds(closesocket(s[0]));
    succeeds(closesocket(s[1]));
  });
});

conformance(
  "test_reuseaddr: SO_REUSEADDR beside a port held outside acceptq's sockets is WSAEACCES, as beside a holder without it",
  (transport) => {
    const outside = transport.bind({ family: AF_INET, address: V4.loopback, port: 0 });
    try {
      const port = outside.local.port;
      fails(bind(socketWith(V4, SO_REUSEADDR), at(V4, V4.loopback, port)), WSA.WSAEACCES);
      fails(bind(streamSocket(), at(V4, V4.loopback, port)), WSA.WSAEADDRINUSE);
    } finally {
      outside.close();
    }
  },
);
