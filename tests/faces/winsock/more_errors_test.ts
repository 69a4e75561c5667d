// The Winsock codes of the provider's own limits and of the network, each
// provoked through the Winsock calls on TCP (loopback only): WSAETIMEDOUT,
// WSAEADDRNOTAVAIL, WSAEALREADY, WSAENOBUFS and WSAENETDOWN.
import { rejects, strictEqual as is } from "node:assert/strict";
import {
  AF_INET,
  bind,
  closesocket,
  configure,
  connect,
  listen,
  MAKEWORD,
  SOCK_STREAM,
  socket,
  SOCKET_ERROR,
  SOMAXCONN_HINT,
  type WinsockError,
  WSACleanup,
  WSAGetLastError,
  WSAStartup,
} from "../../../mod.ts";
import { sharedProvider } from "../../../src/provider/runtime.ts";

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

async function session(fn: () => Promise<void> | void, options = {}): Promise<void> {
  configure(options);
  WSAStartup(MAKEWORD(2, 2));
  try {
    await fn();
  } finally {
    WSACleanup();
    await tick();
    is(sharedProvider().openSockets(), 0);
    configure({});
  }
}

Deno.test("WSAETIMEDOUT: connect to a listener whose OS queue is full and that never accepts", async () => {
  // A raw Deno listener with an OS queue of 1, filled: Linux drops further SYNs, so the connect waits.
  const full = Deno.listen({ hostname: "127.0.0.1", port: 0, tcpBacklog: 1 });
  const fillers = [];
  for (let i = 0; i < 2; i++) {
    fillers.push(await Deno.connect({ hostname: "127.0.0.1", port: full.addr.port }));
  }
  try {
    await session(async () => {
      const s = socket(AF_INET, SOCK_STREAM, 0);
      const started = performance.now();
      await rejects(
        connect(s, { family: AF_INET, address: "127.0.0.1", port: full.addr.port }),
        (e: WinsockError) => e.code === 10060,
      );
      is(performance.now() - started < 5000, true);
      is(WSAGetLastError(), 10060);
    }, { connectTimeoutMs: 300 });
  } finally {
    fillers.forEach((c) => c.close());
    full.close();
  }
});

Deno.test("WSAEADDRNOTAVAIL: bind to an address this machine does not have (no packet is sent)", () =>
  session(() => {
    const s = socket(AF_INET, SOCK_STREAM, 0);
    is(bind(s, { family: AF_INET, address: "192.0.2.1", port: 0 }), SOCKET_ERROR); // TEST-NET-1
    is(WSAGetLastError(), 10049);
    closesocket(s);
  }));

Deno.test("WSAEALREADY: a second connect while the first is in progress", async () => {
  const full = Deno.listen({ hostname: "127.0.0.1", port: 0, tcpBacklog: 1 });
  const fillers = [];
  for (let i = 0; i < 2; i++) {
    fillers.push(await Deno.connect({ hostname: "127.0.0.1", port: full.addr.port }));
  }
  try {
    await session(async () => {
      const s = socket(AF_INET, SOCK_STREAM, 0);
      const name = { family: AF_INET, address: "127.0.0.1", port: full.addr.port };
      const first = connect(s, name); // waits: the OS queue is full
      await rejects(connect(s, name), (e: WinsockError) => e.code === 10037);
      closesocket(s); // ends the first with WSAEINTR
      await rejects(first, (e: WinsockError) => e.code === 10004);
    });
  } finally {
    fillers.forEach((c) => c.close());
    full.close();
  }
});

Deno.test("WSAENOBUFS: listen whose queue does not fit in the provider's queue slots", () =>
  session(() => {
    const s = socket(AF_INET, SOCK_STREAM, 0);
    bind(s, { family: AF_INET, address: "127.0.0.1", port: 0 });
    is(listen(s, SOMAXCONN_HINT(1000)), SOCKET_ERROR); // a ring of 1024 in 256 slots
    is(WSAGetLastError(), 10055);
    is(listen(s, 100), 0); // nothing changed: a smaller queue still fits
  }, { queueSlots: 256 }));

Deno.test("WSAENETDOWN: calls on a socket after the provider was shut down", () =>
  session(() => {
    const s = socket(AF_INET, SOCK_STREAM, 0);
    bind(s, { family: AF_INET, address: "127.0.0.1", port: 0 });
    sharedProvider().shutdown();
    is(listen(s, 5), SOCKET_ERROR);
    is(WSAGetLastError(), 10050);
    is(closesocket(s), 0); // closing is still possible, and needed
  }));
