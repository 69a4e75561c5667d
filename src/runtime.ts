/**
 * The provider every face of this process shares (Winsock, SPI, WSK and the
 * idiomatic listener): one state machine, several faces. It is made on first
 * use with the defaults, or by `configure` with options (the transport among
 * them), so the same code runs on TCP or in memory without changing its calls.
 *
 * @module
 */

import { Provider, type ProviderOptions } from "./provider.ts";

let shared: Provider | undefined;

/** The process-wide provider, made with the defaults on first use. */
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
