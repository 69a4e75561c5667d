/**
 * `@acceptq/acceptq/tcp`: the TCP transport (the default; needs Deno and
 * `--allow-net`). Its listening sockets are node:net's native TCP handles, so a
 * refused connection is reset (RST), or Deno.listen listeners with
 * `new TcpTransport({ listener: "deno" })` (refusals then close in order).
 * Outgoing connections use Deno.connect. Made on a runtime without Deno (Bun,
 * Node, workerd), it throws an Error that says so.
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

export { TcpTransport, type TcpTransportOptions } from "./src/transports/tcp_transport.ts";
export type { Endpoint, StreamConn, Transport } from "./src/transports/transport.ts";
