/**
 * Feeds a listener's admitted connections to a Node.js server, as
 * `server.listen()` would feed it the OS's: each becomes a `NodeSocket` given
 * to `server.emit("connection", socket)`.
 *
 * @module
 */

import type { Server } from "node:net";
import type { Listener } from "../faces/listener.ts";
import { NodeSocket } from "./node_socket.ts";

/**
 * Marks `server` as listening. node:http (Deno 2.9's, as Node's own) destroys
 * a keep-alive connection after each response when `server.listening` is
 * false ("the server is closing"), and a server fed through
 * `emit("connection")` never called `listen()`: without this, every
 * connection would serve one request only.
 */
export function markListening(server: Server): void {
  Object.defineProperty(server, "listening", { configurable: true, get: () => true });
}

/**
 * Gives every connection `listener` admits to `server` (node:http,
 * node:https, a Hono or Express app's server), until the listener closes.
 * Resolves then; rejects with the listener's error (WSAEMFILE, ...).
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { emitConnections } from "../../http.ts";
 * import { listen } from "../../listener.ts";
 * const listener = listen({ hostname: "127.0.0.1", backlog: 64 });
 * const server = createServer((_req, res) => res.end("hello"));
 * const feeding = emitConnections(listener, server);
 * const response = await fetch(`http://127.0.0.1:${listener.addr.port}/`);
 * console.log(await response.text()); // "hello"
 * listener.close();
 * await feeding;
 * server.closeAllConnections();
 * ```
 */
export async function emitConnections(listener: Listener, server: Server): Promise<void> {
  markListening(server);
  for await (const conn of listener) server.emit("connection", new NodeSocket(conn));
}
