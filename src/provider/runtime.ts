/**
 * The provider every face of this process shares (Winsock, SPI, WSK and the
 * idiomatic listener): one state machine, several faces. It is made on first
 * use with the defaults, or by `configure` with options (the transport among
 * them), so the same code runs on TCP or in memory without changing its calls.
 *
 * @module
 */

import { Provider, type ProviderOptions } from "./provider.ts";
import { DEFAULT_TRANSPORT, transportNamed } from "../transports/_by_name.ts";
import type { Transport } from "../transports/transport.ts";

let shared: Provider | undefined;

/**
 * The process-wide provider, made with the defaults on first use: the one the
 * Winsock, SPI and WSK calls and `listen()` share, for its stats and counts.
 *
 * @example Reading a listener's counters
 * ```ts
 * import { AF_INET, bind, closesocket, listen, MAKEWORD, sharedProvider, socket, SOCK_STREAM, WSACleanup, WSAStartup } from "../../mod.ts";
 * WSAStartup(MAKEWORD(2, 2));
 * const s = socket(AF_INET, SOCK_STREAM, 0);
 * bind(s, { family: AF_INET, address: "127.0.0.1", port: 0 });
 * listen(s, 5);
 * console.log(sharedProvider().stats(s)?.backlog); // 5
 * closesocket(s);
 * WSACleanup();
 * ```
 */
export function sharedProvider(): Provider {
  shared ??= new Provider();
  return shared;
}

/**
 * Replaces the process-wide provider with one made from `options` (for example
 * another transport, table size or backlog range). Throws an Error while the
 * current provider still has open sockets, and RangeError for bad options.
 *
 * @example Running the Winsock calls with a smaller provider maximum
 * ```ts
 * import { configure } from "./runtime.ts";
 * configure({ backlogRange: { 0: [1, 64] }, maxSockets: 256 });
 * configure({}); // back to the defaults
 * ```
 */
export function configure(options: ProviderOptions): void {
  if (shared && shared.openSockets() > 0) {
    throw new Error(`configure: ${shared.openSockets()} socket(s) are still open; close them first`);
  }
  shared = new Provider(options);
}

const byTransport = new WeakMap<Transport, Provider>();

/**
 * The provider for `transport`: the process-wide one when it already runs on
 * that transport ("tcp" or "memory" by name, or the same object), otherwise a
 * provider of its own, made once per transport with the defaults. "memory" means
 * one process-wide in-memory network.
 *
 * @example
 * ```ts
 * import { providerFor, sharedProvider } from "./runtime.ts";
 * console.log(providerFor("tcp") === sharedProvider()); // true with the default configuration
 * ```
 */
export function providerFor(transport: "tcp" | "memory" | Transport): Provider {
  // The process-wide provider is made here only when it is the one asked for:
  // made with the defaults it runs on TCP, which needs Deno (the memory
  // transport works on any runtime).
  const current = shared ?? (transport === DEFAULT_TRANSPORT ? sharedProvider() : undefined);
  if (current && (transport === current.transport || transport === current.transport.name)) return current;
  if (transport === "memory" || transport === "tcp") transport = transportNamed(transport);
  if (typeof transport !== "object" || transport === null) {
    throw new TypeError('transport must be "tcp", "memory" or a Transport');
  }
  let provider = byTransport.get(transport);
  if (!provider) {
    provider = new Provider({ transport });
    byTransport.set(transport, provider);
  }
  return provider;
}
