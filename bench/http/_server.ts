/**
 * One server process of the HTTP benchmark (bench/http/http_bench.ts), all with
 * the same handler (a 2-byte text response, optionally after `--hold-ms`):
 *   --kind acceptq  acceptq's serve() (Deno's HTTP engine on admitted connections)
 *   --kind deno     Deno.serve
 *   --kind node     node:http's own createServer().listen()
 * `--backlog` and `--max` set acceptq's backlog and maxConnections. Prints one JSON
 * line `{"port","pid"}` when listening; on the stdin line `stats` prints acceptq's
 * counters as a JSON line (null for the others); exits at the end of stdin.
 *
 * @module
 */

import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { serve } from "../../http.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    kind: { type: "string" },
    backlog: { type: "string", default: "512" },
    max: { type: "string" },
    "hold-ms": { type: "string", default: "0" },
  },
});
const holdMs = Number(values["hold-ms"]);
const hold = () => new Promise((resolve) => setTimeout(resolve, holdMs));
const handler = holdMs > 0 ? async () => (await hold(), new Response("ok")) : () => new Response("ok");

let port = 0;
let stats: () => unknown = () => null;
if (values.kind === "acceptq") {
  const server = serve({
    hostname: "127.0.0.1",
    port: 0,
    backlog: Number(values.backlog),
    maxConnections: values.max ? Number(values.max) : undefined,
  }, handler);
  port = server.addr.port;
  stats = () => server.stats();
} else if (values.kind === "deno") {
  port = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler).addr.port;
} else if (values.kind === "node") {
  const server = createServer(async (_req, res) => {
    if (holdMs > 0) await hold();
    res.setHeader("content-type", "text/plain;charset=UTF-8");
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
} else throw new Error(`--kind acceptq | deno | node, got ${values.kind}`);

console.log(JSON.stringify({ port, pid: Deno.pid }));
for await (const line of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
  if (line.includes("stats")) console.log(JSON.stringify(stats()));
}
Deno.exit(0);
