// A node:http server behind acceptq's accept queue: at most --backlog connections wait,
// the next ones get 503 with Retry-After at once, and the counters print every 2 s.
//
//   deno run --allow-net examples/http_node.ts [--port 8000] [--backlog 64]
//
// Hono (`createServer(getRequestListener(app.fetch))` from @hono/node-server) and Express
// (`createServer(app)`) run the same way.

import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { emitConnections, refuseWith503 } from "../http.ts";
import { listen } from "../listener.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { port: { type: "string", default: "8000" }, backlog: { type: "string", default: "64" } },
});

const listener = listen({
  hostname: "127.0.0.1",
  port: Number(values.port),
  backlog: Number(values.backlog),
  refusal: refuseWith503(),
});
const server = createServer((_req, res) => res.end("hello\n"));
console.log(`listening on http://127.0.0.1:${listener.addr.port}/`);
const ticker = setInterval(() => console.log(listener.stats()), 2000);
Deno.addSignalListener("SIGINT", () => {
  clearInterval(ticker);
  listener.close();
});
await emitConnections(listener, server);
server.closeAllConnections();
console.log("final", listener.stats());
