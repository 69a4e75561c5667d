// The TCP transport under the calls that used to leave something behind: a
// reservation closed while it waits for its port (an unhandled rejection), and
// connects cancelled by closesocket (OS sockets left open by Deno.connect).
import { strictEqual as is } from "node:assert/strict";
import { AF_INET, bind, closesocket, listen, WSACleanup, WSAStartup } from "../../mod.ts";
import { TcpTransport } from "../../src/transports/tcp_transport.ts";
import { openFds, waitUntil } from "../fixtures/_process.ts";
import { boundSocket, loopback, settle, sleep, streamSocket, WINSOCK2 } from "../_net.ts";

Deno.test(
  "closing a TCP listener, binding its port again in the same turn and closing that socket " +
    "rejects nothing unobserved",
  async () => {
    is(WSAStartup(WINSOCK2), 0);
    try {
      const { s, name } = boundSocket();
      is(listen(s, 5), 0);
      await settle(); // the accept pump has an accept pending: the port is freed a turn after close
      is(closesocket(s), 0);
      const again = streamSocket();
      is(bind(again, name), 0); // a reservation that waits for the port
      is(closesocket(again), 0); // ...closed before it got it
      await sleep(400); // the reservation's retries (about 0.3 s) are over; the test fails on an unhandled rejection
    } finally {
      WSACleanup();
    }
  },
);

Deno.test("TCP connects aborted while under way leave no OS socket open", async () => {
  // A listener that never accepts: each connect completes its handshake into the OS queue.
  const server = Deno.listen({ hostname: "127.0.0.1", port: 0, tcpBacklog: 4096 });
  const transport = new TcpTransport();
  try {
    const baseline = openFds();
    // Aborted at several moments, so that some connects are cut while Deno's connect is in flight.
    for (const delayMs of [0, 1, 2, 3, 5]) {
      const abort = new AbortController();
      const connects = Array.from(
        { length: 500 },
        () =>
          transport.connect(loopback(AF_INET, server.addr.port), abort.signal).then(
            (conn) => conn.close(),
            () => {},
          ),
      );
      await sleep(delayMs);
      abort.abort();
      await Promise.all(connects);
    }
    is(await waitUntil(() => transport.live() === 0, 10_000), true, `${transport.live()} still live`);
    await sleep(50);
    is(openFds(), baseline);
  } finally {
    server.close();
  }
});
