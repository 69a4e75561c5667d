/**
 * `@acceptq/acceptq/memory`: the in-memory transport. Listeners and clients of
 * one process meet at addresses in an in-process namespace, with no OS socket;
 * a full queue gives the connecting side WSAECONNREFUSED at once. It runs on
 * any runtime (Deno, workerd, Bun, Node). Use it with
 * `listen({ transport: "memory" })` or `configure({ transport: new MemoryTransport() })`.
 *
 * @example
 * ```ts
 * import { MemoryTransport } from "@acceptq/acceptq/memory";
 * const net = new MemoryTransport({ bufferBytes: 4096 });
 * const endpoint = net.bind({ family: 2, address: "127.0.0.1", port: 0 });
 * endpoint.listen(1);
 * console.log(endpoint.local.port > 0, net.live()); // true 1
 * endpoint.close();
 * ```
 *
 * @module
 */

export { MemoryTransport, type MemoryTransportOptions } from "./src/transports/memory/memory_transport.ts";
export type { Endpoint, StreamConn, Transport } from "./src/transports/transport.ts";
