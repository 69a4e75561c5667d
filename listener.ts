/**
 * `@acceptq/acceptq/listener`: the idiomatic listener. `listen(options)`
 * returns a `Listener`, an async iterable of `Connection`s with an explicit
 * backlog: a connection beyond it is refused at once and counted. On TCP it
 * needs Deno (`--allow-net`); `transport: "memory"` runs it anywhere.
 *
 * @example A listener on the in-memory network
 * ```ts
 * import { listen, WinsockError } from "@acceptq/acceptq/listener";
 * await using listener = listen({ hostname: "127.0.0.1", backlog: 4, transport: "memory" });
 * console.log(listener.stats().backlog, WinsockError.name); // 4 "WinsockError"
 * ```
 *
 * @module
 */

export { listen } from "./src/faces/listen.ts";
export { Connection, Listener, type ListenOptions } from "./src/faces/listener.ts";
export type { RefusedInfo } from "./src/faces/_on_refused.ts";
export type { ListenerStats } from "./src/provider/provider.ts";
export type { Refusal, RefusalHandler, RefusedConnection } from "./src/provider/refusal.ts";
export { WinsockError, WSA, wsaName } from "./src/shared/errors.ts";
export type { WsaCode, WsaName } from "./src/shared/errors.ts";
export type { SockAddr } from "./src/shared/_sockaddr.ts";
export { type CoreSource, loadCore } from "./src/core/load.ts";
