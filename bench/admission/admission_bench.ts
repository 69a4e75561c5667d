/**
 * The admission path with and without the kernel: in-process connections
 * admitted into a listener's queue and accepted, through the same provider,
 * on the in-memory transport and on TCP over loopback. One unit is a burst of
 * 16 connects to a listener with backlog 16, then 16 accepts, then closing all
 * 32 sockets. `deno bench` reports each bench's time per burst and the ratio to
 * the memory transport (the baseline); connections per second = 16 / time.
 *
 * Run: `deno bench --allow-net --allow-read bench/admission/admission_bench.ts`
 *
 * @module
 */

import { MemoryTransport } from "../../src/transports/memory/memory_transport.ts";
import { Provider } from "../../src/provider/provider.ts";
import { TcpTransport } from "../../src/transports/tcp_transport.ts";
import type { Transport } from "../../src/transports/transport.ts";

const BURST = 16;
const LOOPBACK = { family: 2, address: "127.0.0.1", port: 0 };

/** A provider on `transport` with a listener of backlog BURST; returns a function running one burst. */
function burstOn(transport: Transport): () => Promise<void> {
  const provider = new Provider({ transport });
  const listener = provider.socket(2, 1, 0, "bench");
  provider.bind(listener, LOOPBACK);
  provider.listen(listener, BURST, 0);
  const name = provider.describe(listener)!.local!;
  return async () => {
    const clients = Array.from({ length: BURST }, () => provider.socket(2, 1, 0, "bench"));
    await Promise.all(clients.map((c) => provider.connect(c, name)));
    const accepted: number[] = [];
    for (let i = 0; i < BURST; i++) accepted.push(await provider.accept(listener));
    if (provider.stats(listener)!.queued !== 0) throw new Error("the queue should be empty");
    for (const s of [...clients, ...accepted]) provider.closesocket(s);
  };
}

const memory = burstOn(new MemoryTransport());
const tcp = burstOn(new TcpTransport());

Deno.bench("memory transport", { group: "connect+admit+accept, 16 per burst", baseline: true }, memory);
Deno.bench("tcp transport (loopback)", { group: "connect+admit+accept, 16 per burst" }, tcp);
