// Admission control for Deno.serve, with no raw sockets (as on Deno Deploy):
// at most --limit requests run at once; the next one gets 503 Service
// Unavailable with Retry-After at once, instead of queueing without bound.
//
//   deno run --allow-net examples/serve_admission.ts [--port 8000] [--limit 8]
//
// Try it: `wrk -c64 -d5s http://127.0.0.1:8000/` and watch the counters.

import { parseArgs } from "node:util";
import { admissionControl } from "../mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { port: { type: "string", default: "8000" }, limit: { type: "string", default: "8" } },
});

// A slow handler: 50 ms of work per request.
const handler = admissionControl(async () => {
  await new Promise((resolve) => setTimeout(resolve, 50));
  return new Response("done\n");
}, { limit: Number(values.limit), retryAfterSeconds: 1 });

const server = Deno.serve({ hostname: "127.0.0.1", port: Number(values.port) }, handler);
const ticker = setInterval(() => console.log(handler.gate.stats()), 2000);
Deno.addSignalListener("SIGINT", async () => {
  clearInterval(ticker);
  await server.shutdown();
  console.log("final", handler.gate.stats());
  Deno.exit(0);
});
