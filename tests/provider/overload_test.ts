// Overload (SPEC L4, L5, 5): a listener with backlog 8 that nobody accepts from,
// hit by 200 concurrent connects from another process. Exactly `backlog`
// connections are admitted and accepted later; every other one is refused at
// once and counted; nothing is left open after closesocket.
import { deepStrictEqual as eq, ok, strictEqual as is } from "node:assert/strict";
import {
  accept,
  closesocket,
  configure,
  FIONBIO,
  ioctlsocket,
  MAKEWORD,
  recv,
  send,
  type SockAddr,
  WinsockError,
  WSACleanup,
  WSAEWOULDBLOCK,
  WSAStartup,
} from "../../mod.ts";
import { sharedProvider } from "../../src/provider/runtime.ts";
import { Child, macrotask, openFds, waitUntil, within } from "../fixtures/_process.ts";
import { committedListener, listener, readLine, warmUp } from "../fixtures/_winsock.ts";

const CLIENT = new URL("../fixtures/burst_client.ts", import.meta.url).pathname;
const BACKLOG = 8;
const CONNECTS = 200;

interface Burst {
  s: number;
  child: Child;
  /** ms from spawning the client to the provider having decided every connect (or the limit) */
  decisionMs: number;
  decided: boolean;
}

/**
 * Listens on 127.0.0.1 with `backlog`, spawns the burst client with `connects`
 * connections and waits (at most `limitMs`) until the provider has decided
 * about every one of them. The caller closes the child and the sockets.
 */
async function burst(backlog: number, connects: number, limitMs: number): Promise<Burst> {
  const { s, name } = await committedListener(backlog);
  const started = performance.now();
  const child = new Child(Deno.execPath(), [
    "run",
    "--quiet",
    "--no-config",
    "--allow-net=127.0.0.1",
    CLIENT,
    name.address,
    String(name.port),
    String(connects),
    String(limitMs + 20_000),
  ]);
  const decided = await waitUntil(() => {
    const st = sharedProvider().stats(s)!;
    return st.admitted + st.refused >= connects;
  }, limitMs);
  return { s, child, decided, decisionMs: performance.now() - started };
}

/** What the client process sees, once its view has settled. */
async function clientReport(child: Child) {
  await child.send("report");
  return JSON.parse(await child.line(10_000));
}

// The listener runs with osBacklog 4096 (ProviderOptions): an OS queue deep
// enough for the burst, so the accept pump sees every connection at once. With
// the default (OS queue = backlog = 8) the same burst takes seconds to tens of
// seconds to be decided, as Linux drops SYNs and handshake ACKs: see the test
// "with the default provider, ..." below.
Deno.test(
  "a listener with backlog 8 and nobody accepting, hit by 200 concurrent connects from a separate process, " +
    "admits exactly 8, refuses and counts the other 192 at once, and leaves no open file after closesocket",
  async () => {
    configure({ osBacklog: 4096 });
    await warmUp();
    const baseline = openFds();
    is(sharedProvider().openSockets(), 0);

    is(WSAStartup(MAKEWORD(2, 2)), 0);
    let child: Child | undefined;
    try {
      const run = await burst(BACKLOG, CONNECTS, 20_000);
      const { s, decisionMs } = run;
      child = run.child;
      const stats = sharedProvider().stats(s)!;
      ok(
        run.decided,
        `only ${stats.admitted + stats.refused} of ${CONNECTS} connects were decided within 20 s`,
      );
      eq(stats, {
        backlog: BACKLOG,
        queued: BACKLOG,
        admitted: BACKLOG,
        accepted: 0,
        refused: CONNECTS - BACKLOG,
        dropped: 0,
        highWater: BACKLOG,
      });

      // The client's view: 8 connections open and waiting, 192 refused (an end of stream: FIN).
      const report = await clientReport(child);
      const { openIndexes, lastDecisionMs, refusalMedianMs, refusalMaxMs, lateConnects } = report;
      eq(
        {
          open: report.open,
          refused: report.eof + report.reset,
          failed: report.failed,
          pending: report.pending,
        },
        { open: BACKLOG, refused: CONNECTS - BACKLOG, failed: 0, pending: 0 },
      );
      // At once: no client needed a retransmitted SYN, each refusal followed its handshake within 200 ms.
      eq({ decidedWithin2s: decisionMs < 2000, lateConnects, refusalMaxOver200ms: refusalMaxMs > 200 }, {
        decidedWithin2s: true,
        lateConnects: 0,
        refusalMaxOver200ms: false,
      });

      // Accept exactly the admitted ones, later: each is a live connection from an open client.
      const accepted: number[] = [];
      const indexes: number[] = [];
      for (let i = 0; i < BACKLOG; i++) {
        const peer = {} as SockAddr;
        const d = await within(accept(s, peer), 5000, `accept #${i}`);
        is(peer.address, "127.0.0.1");
        accepted.push(d);
        indexes.push(Number(await within(readLine(d), 5000, `index line of accept #${i}`)));
      }
      eq([...indexes].sort((a, b) => a - b), [...openIndexes].sort((a, b) => a - b));
      for (const d of accepted) is(await send(d, new Uint8Array([0x78])), 1);
      for (const [i, d] of accepted.entries()) {
        const echo = new Uint8Array(1);
        is(await within(recv(d, echo), 5000, `echo from accept #${i}`), 1);
        is(echo[0], 0x78);
      }

      // The queue is now empty: a non-blocking accept says so at once.
      is(ioctlsocket(s, FIONBIO, { value: 1 }), 0);
      const more = await accept(s).then((d) => d, (error) => error);
      ok(more instanceof WinsockError, `a further accept returned ${more}`);
      is(more.code, WSAEWOULDBLOCK);
      const after = sharedProvider().stats(s)!;
      eq(
        [after.queued, after.accepted, after.admitted, after.refused],
        [0, BACKLOG, BACKLOG, CONNECTS - BACKLOG],
      );

      await child.send("finish");
      const final = JSON.parse(await child.line(10_000));
      eq(final.echoedBy.sort((a: number, b: number) => a - b), [...openIndexes].sort((a, b) => a - b));
      is((await child.close()).code, 0);
      child = undefined;

      for (const d of accepted) is(closesocket(d), 0);
      is(closesocket(s), 0);
      is(WSACleanup(), 0);
      await macrotask();
      await macrotask();
      is(sharedProvider().openSockets(), 0);
      is(sharedProvider().pendingConnections(), 0);
      is(sharedProvider().transport.live(), 0);
      const fds = openFds();
      console.log(
        `overload: backlog ${BACKLOG}, ${CONNECTS} connects: admitted ${stats.admitted}, refused ${stats.refused}; ` +
          `all decided ${decisionMs.toFixed(0)} ms after spawning the client ` +
          `(client: last decision at ${lastDecisionMs} ms, ${lateConnects} handshakes after a SYN retry, ` +
          `connect-to-refusal median ${refusalMedianMs} ms, max ${refusalMaxMs} ms, ` +
          `${report.eof} eof / ${report.reset} reset); open fds: baseline ${baseline}, after ${fds}`,
      );
      is(fds, baseline);
    } finally {
      await child?.close(1000);
      while (WSACleanup() === 0) { /* until WSANOTINITIALISED */ }
      await macrotask();
      configure({});
    }
  },
);

/** Runs a 2 s burst of 200 against backlog 8 and returns what was decided and what the clients saw. */
async function promptBurst(): Promise<Record<string, unknown>> {
  is(WSAStartup(MAKEWORD(2, 2)), 0);
  let child: Child | undefined;
  try {
    const run = await burst(BACKLOG, CONNECTS, 2000);
    child = run.child;
    const stats = sharedProvider().stats(run.s)!;
    const report = await clientReport(child);
    console.log(
      `after ${run.decisionMs.toFixed(0)} ms: ${JSON.stringify(stats)}; client: ` +
        JSON.stringify({ ...report, openIndexes: undefined, echoedBy: undefined }),
    );
    return {
      admitted: stats.admitted,
      refused: stats.refused,
      clientsOpen: report.open,
      clientsRefused: report.eof + report.reset,
      handshakesAfter500ms: report.lateConnects,
      refusalAfterHandshakeOver200ms: report.refusalMaxMs > 200,
    };
  } finally {
    await child?.close(1000);
    while (WSACleanup() === 0) { /* until WSANOTINITIALISED */ }
    await macrotask();
  }
}

const PROMPT = {
  admitted: BACKLOG,
  refused: CONNECTS - BACKLOG,
  clientsOpen: BACKLOG,
  clientsRefused: CONNECTS - BACKLOG,
  handshakesAfter500ms: 0,
  refusalAfterHandshakeOver200ms: false,
};

// SPEC 4.5 and L5: refusal is the product's job precisely so that clients do not
// wait on the kernel's SYN retransmissions. With the default provider the OS
// queue is the Winsock backlog (8):
// the SYNs and handshake ACKs of most of the burst are dropped, and those clients
// wait 1 s, 3 s, 7 s ... for retransmissions before they are refused (seen: the
// last of 200 decided after 1.5 s to more than 30 s). SPEC L5 / 4.5 ask for a
// refusal at once. Fails until the default OS queue is deep.
Deno.test(
  "with the default provider, a burst of 200 concurrent connects against backlog 8 is decided within 2 s, " +
    "with no handshake retransmitted and every refusal right after its handshake",
  async () => {
    eq(await promptBurst(), PROMPT);
  },
);

// SPEC L4: once listen() has returned, connection requests are acknowledged and
// queued. A client that connects in the same event-loop turn (for example one
// started by the "Listening on socket..." line) must be queued, not reset.
Deno.test("a client connecting in the same turn as listen() returns is queued, not reset", async () => {
  is(WSAStartup(MAKEWORD(2, 2)), 0);
  const outcomes: string[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      const { s, name } = listener(4);
      let outcome: string;
      try {
        const conn = await within(Deno.connect({ hostname: name.address, port: name.port }), 5000, "connect");
        conn.close();
        outcome = "connected";
      } catch (error) {
        outcome = (error as Error).name;
      }
      await waitUntil(() => sharedProvider().stats(s)!.admitted > 0, 500);
      const st = sharedProvider().stats(s)!;
      outcomes.push(`${outcome}, admitted ${st.admitted}, refused ${st.refused}`);
      is(closesocket(s), 0);
      await macrotask(5);
    }
  } finally {
    while (WSACleanup() === 0) { /* until WSANOTINITIALISED */ }
    await macrotask();
  }
  eq(outcomes, Array(5).fill("connected, admitted 1, refused 0"));
});
