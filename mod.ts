/**
 * acceptq: Windows Sockets `listen`/`accept` semantics for Deno, with a bounded
 * accept queue in WebAssembly.
 *
 * @module
 */

export { WinsockError, WSA, wsaName } from "./src/errors.ts";
export type { WsaCode, WsaName } from "./src/errors.ts";
