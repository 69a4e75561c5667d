// The second process of the demo: opens --clients TCP connections to 127.0.0.1
// --port all at once and reports, as one JSON line on stdout, how each ended:
// served (the server wrote to it) or refused (end of stream or reset before any
// data), with the milliseconds from the start of its connect.
//
//   deno run --allow-net examples/_burst_client.ts --port 27015 --clients 64

import { parseArgs } from "node:util";

interface Outcome {
  served: number[];
  refused: number[];
  failed: string[];
}

async function one(port: number, timeoutMs: number, outcome: Outcome): Promise<void> {
  const start = performance.now();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let conn: Deno.TcpConn | undefined;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port, signal: abort.signal });
    const opened = conn;
    abort.signal.addEventListener("abort", () => opened.close()); // a read past the timeout ends with BadResource
    const n = await conn.read(new Uint8Array(64));
    if (n === null) outcome.refused.push(performance.now() - start);
    else outcome.served.push(performance.now() - start);
  } catch (error) {
    // A reset, during the connect (NotConnected: before Deno.connect's own getpeername) or after it.
    if (error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.NotConnected) {
      outcome.refused.push(performance.now() - start);
    } else outcome.failed.push(abort.signal.aborted ? "no answer before the timeout" : String(error));
  } finally {
    clearTimeout(timer);
    if (!abort.signal.aborted) {
      try {
        conn?.close();
      } catch {
        // already closed
      }
    }
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      port: { type: "string" },
      clients: { type: "string", default: "64" },
      "timeout-ms": { type: "string", default: "20000" },
    },
  });
  const outcome: Outcome = { served: [], refused: [], failed: [] };
  const clients = Number(values.clients);
  await Promise.all(
    Array.from({ length: clients }, () => one(Number(values.port), Number(values["timeout-ms"]), outcome)),
  );
  console.log(JSON.stringify(outcome));
}
