/**
 * `@acceptq/acceptq/tcp`: the TCP transport on `Deno.listen` / `Deno.connect`
 * (the default; needs Deno and `--allow-net`). Made on a runtime without Deno
 * (Bun, Node, workerd), it throws an Error that says so.
 *
 * @example
 * ```ts
 * import { TcpTransport } from "@acceptq/acceptq/tcp";
 * const tcp = new TcpTransport();
 * console.log(tcp.name, tcp.live()); // "tcp" 0
 * ```
 *
 * @module
 */

export { TcpTransport } from "./src/transports/tcp_transport.ts";
export type { Endpoint, StreamConn, Transport } from "./src/transports/transport.ts";
