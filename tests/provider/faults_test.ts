// Every error path of the provider driven by injected transport faults, on TCP and on the memory
// transport: each path ends in a defined Winsock error, leaves no unhandled rejection and no
// live object behind, and the accept pump goes on deciding connections.
import { strictEqual as is } from "node:assert/strict";
import { Provider, type SockAddr, WinsockError, WSA } from "../../mod.ts";
import { MemoryTransport } from "../../src/transports/memory/memory_transport.ts";
import { TcpTransport } from "../../src/transports/tcp_transport.ts";
import type { Transport } from "../../src/transports/transport.ts";
import { type Fault, FaultyTransport } from "../_faulty_transport.ts";
import { listening } from "./_pair.ts";

/** A 4-byte recv (op "read") or send (op "write") on the socket `s`. */
function io(provider: Provider, s: number, op: "read" | "write"): Promise<number> {
  return op === "read" ? provider.recv(s, new Uint8Array(4)) : provider.send(s, new Uint8Array(4));
}

const TRANSPORTS: Record<string, () => Transport> = {
  tcp: () => new TcpTransport(),
  memory: () => new MemoryTransport(),
};

/** Rejections nobody handled during `body` (recorded and prevented, so that the test can say which). */
async function withFaults(
  make: () => Transport,
  body: (provider: Provider, faulty: FaultyTransport) => Promise<void>,
): Promise<void> {
  const unhandled: unknown[] = [];
  const onUnhandled = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    unhandled.push(event.reason);
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  const faulty = new FaultyTransport(make());
  const provider = new Provider({ transport: faulty, connectTimeoutMs: 2000 });
  try {
    await body(provider, faulty);
  } finally {
    provider.shutdown();
    // Let closes reach the transport and rejections be reported.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 2));
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
  is(unhandled.length, 0, `unhandled rejections: ${unhandled.map(String).join("; ")}`);
  is(provider.openSockets(), 0, "sockets left open");
  is(provider.pendingConnections(), 0, "pending connections left");
  is(faulty.hanging(), 0, "hung calls not released");
  is(faulty.live(), 0, "transport objects left live");
}

async function rejectsWith(promise: Promise<unknown>, code: number): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof WinsockError)) throw error;
    is(error.code, code, `WinsockError ${error.code} (${error.message}), expected ${code}`);
    return;
  }
  throw new Error(`resolved; expected WinsockError ${code}`);
}

function addressOf(provider: Provider, s: number): SockAddr {
  return provider.describe(s)!.local!;
}

/** A client connects to `l` and the listener accepts it: the pump still decides connections. */
async function stillAccepts(provider: Provider, l: number): Promise<void> {
  const c = provider.socket(2, 1, 0, "test");
  await provider.connect(c, addressOf(provider, l));
  const a = await provider.accept(l);
  is(provider.stateOf(a), "connected");
  provider.closesocket(a);
  provider.closesocket(c);
}

/** A connected pair [client, accepted] through a listener that is closed again. */
async function pair(provider: Provider): Promise<[number, number]> {
  const l = listening(provider);
  const c = provider.socket(2, 1, 0, "test");
  await provider.connect(c, addressOf(provider, l));
  const a = await provider.accept(l);
  provider.closesocket(l);
  return [c, a];
}

for (const [name, make] of Object.entries(TRANSPORTS)) {
  // Passing accept failures: the pump retries, and the next client is still accepted.
  for (const fault of ["EMFILE", "ENFILE", "ECONNRESET", "EADDRINUSE"] satisfies Fault[]) {
    Deno.test({
      name: `${name}: accept failing with ${fault} three times: the pump retries and accepts the next client`,
      fn: () =>
        withFaults(make, async (provider, faulty) => {
          faulty.failNext("accept", fault, 3);
          const l = listening(provider);
          await stillAccepts(provider, l);
          is(faulty.injected("accept"), 3);
          provider.closesocket(l);
        }),
    });
  }

  Deno.test(`${name}: a hung accept is released by closing the listener`, () =>
    withFaults(make, async (provider, faulty) => {
      faulty.failNext("accept", "hang");
      const l = listening(provider);
      const waiting = provider.accept(l);
      await new Promise((resolve) => setTimeout(resolve, 5));
      is(faulty.hanging(), 1);
      provider.closesocket(l);
      await rejectsWith(waiting, WSA.WSAEINTR);
    }));

  const connectCodes: [Fault, number][] = [
    ["ECONNRESET", WSA.WSAECONNRESET],
    ["EADDRINUSE", WSA.WSAEADDRINUSE],
    ["EMFILE", WSA.WSAEMFILE],
  ];
  for (const [fault, code] of connectCodes) {
    Deno.test({
      name: `${name}: connect failing with ${fault} rejects with Winsock error ${code}; the socket closes`,
      fn: () =>
        withFaults(make, async (provider, faulty) => {
          const l = listening(provider);
          faulty.failNext("connect", fault);
          const c = provider.socket(2, 1, 0, "test");
          await rejectsWith(provider.connect(c, addressOf(provider, l)), code);
          is(provider.closesocket(c), 0);
          await stillAccepts(provider, l);
          provider.closesocket(l);
        }),
    });
  }

  Deno.test(`${name}: a hung connect rejects with WSAEINTR when its socket is closed`, () =>
    withFaults(make, async (provider, faulty) => {
      const l = listening(provider);
      faulty.failNext("connect", "hang");
      const c = provider.socket(2, 1, 0, "test");
      const connecting = provider.connect(c, addressOf(provider, l));
      await new Promise((resolve) => setTimeout(resolve, 5));
      provider.closesocket(c);
      await rejectsWith(connecting, WSA.WSAEINTR);
      provider.closesocket(l);
    }));

  Deno.test(`${name}: a connect waiting for a local listener's decision rejects with WSAEINTR as soon as its socket is closed`, () =>
    withFaults(make, async (provider, faulty) => {
      faulty.failNext("accept", "hang"); // the listener's pump never reaches the connection: no decision comes
      const l = listening(provider);
      const c = provider.socket(2, 1, 0, "test");
      let settled = false;
      const connecting = provider.connect(c, addressOf(provider, l));
      connecting.then(() => settled = true, () => settled = true);
      await new Promise((resolve) => setTimeout(resolve, 20)); // the handshake is done; the client waits
      provider.closesocket(c);
      // A few turns, far less than the 2 s a client waits for a decision at most.
      for (let i = 0; i < 10 && !settled; i++) await new Promise((resolve) => setTimeout(resolve, 1));
      is(settled, true, "the connect still waits for the decision after its socket was closed");
      await rejectsWith(connecting, WSA.WSAEINTR);
      provider.closesocket(l);
    }));

  for (const op of ["read", "write"] as const) {
    Deno.test(`${name}: ${op} failing with ECONNRESET rejects with WSAECONNRESET; both ends close`, () =>
      withFaults(make, async (provider, faulty) => {
        const [c, a] = await pair(provider);
        faulty.failNext(op, "ECONNRESET");
        const call = io(provider, a, op);
        await rejectsWith(call, WSA.WSAECONNRESET);
        is(provider.closesocket(a), 0);
        is(provider.closesocket(c), 0);
      }));

    Deno.test(`${name}: a hung ${op} rejects with WSAEINTR when its socket is closed`, () =>
      withFaults(make, async (provider, faulty) => {
        const [c, a] = await pair(provider);
        faulty.failNext(op, "hang");
        const call = io(provider, a, op);
        await new Promise((resolve) => setTimeout(resolve, 5));
        is(provider.closesocket(a), 0);
        await rejectsWith(call, WSA.WSAEINTR);
        is(provider.closesocket(c), 0);
      }));
  }

  Deno.test({
    name: `${name}: a connection whose close throws: closesocket still returns 0 and frees everything`,
    fn: () =>
      withFaults(make, async (provider, faulty) => {
        const [c, a] = await pair(provider);
        faulty.failNext("close", new Deno.errors.BadResource("Bad resource ID"));
        is(provider.closesocket(a), 0);
        is(provider.closesocket(c), 0);
      }),
  });

  Deno.test({
    name: `${name}: a refused connection whose reset throws: the pump goes on deciding`,
    fn: () =>
      withFaults(make, async (provider, faulty) => {
        const l = listening(provider, 1);
        const first = provider.socket(2, 1, 0, "test");
        await provider.connect(first, addressOf(provider, l)); // fills the queue of 1
        faulty.failNext("close", "ECONNRESET");
        const second = provider.socket(2, 1, 0, "test");
        await rejectsWith(provider.connect(second, addressOf(provider, l)), WSA.WSAECONNREFUSED);
        is(faulty.injected("close"), 1);
        provider.closesocket(second);
        provider.closesocket(first);
        is(provider.closesocket(await provider.accept(l)), 0);
        await stillAccepts(provider, l);
        provider.closesocket(l);
      }),
  });
}
