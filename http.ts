/**
 * `@acceptq/acceptq/http`: HTTP services behind acceptq's accept queue.
 * `serve({ port, backlog }, handler)` serves a fetch-style handler on admitted
 * connections; `NodeSocket` hands an admitted connection to a Node.js server
 * (node:http, node:https, Hono through `@hono/node-server`, Express) through
 * `server.emit("connection", socket)`.
 *
 * @example A Node.js server on acceptq's connections
 * ```ts
 * import { createServer } from "node:http";
 * import { NodeSocket } from "@acceptq/acceptq/http";
 * import { listen } from "@acceptq/acceptq/listener";
 * await using listener = listen({ hostname: "127.0.0.1", backlog: 4 });
 * const server = createServer((_req, res) => res.end("hello"));
 * const answered = fetch(`http://127.0.0.1:${listener.addr.port}/`).then((r) => r.text());
 * server.emit("connection", new NodeSocket(await listener.accept()));
 * console.log(await answered); // "hello"
 * server.close();
 * ```
 *
 * @module
 */

export { NodeSocket } from "./src/http/node_socket.ts";
export { emitConnections, markListening } from "./src/http/emit_connections.ts";
export { type HttpServer, serve, type ServeOptions, type ServeStats } from "./src/http/serve.ts";
export type { ErrorHandler, ServeHandler } from "./src/http/_fetch_over_node.ts";
export { type Refuse503Options, refuseWith503 } from "./src/http/refuse_503.ts";
