/**
 * `@acceptq/acceptq/provider`: the state machine every face shares, and its
 * configuration: `configure` replaces the process-wide provider (another
 * transport, table size or backlog range), `sharedProvider` gives it (for
 * its stats), `providerFor` one per transport.
 *
 * @example Running the Winsock calls on the in-memory network
 * ```ts
 * import { configure, sharedProvider } from "@acceptq/acceptq/provider";
 * import { MemoryTransport } from "@acceptq/acceptq/memory";
 * configure({ transport: new MemoryTransport() });
 * console.log(sharedProvider().transport.name); // "memory"
 * configure({}); // back to the defaults
 * ```
 *
 * @module
 */

export { configure, providerFor, sharedProvider } from "./src/provider/runtime.ts";
export { SMALL_BACKLOG_PRESET } from "./src/provider/_options.ts";
export {
  DEFAULT_REFUSAL,
  type Refusal,
  REFUSAL_HANDLER_LIMIT_MS,
  type RefusalHandler,
  type RefusedConnection,
} from "./src/provider/refusal.ts";
export {
  type ListenerStats,
  Provider,
  type ProviderOptions,
  type SocketInfo,
} from "./src/provider/provider.ts";
export { Profile } from "./src/core/_abi.ts";
export type { CoreOps } from "./src/core/_abi.ts";
export type { Endpoint, StreamConn, Transport } from "./src/transports/transport.ts";
export { type CoreSource, loadCore } from "./src/core/load.ts";
