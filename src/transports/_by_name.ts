/**
 * The one place that decides which transport a name means, and which one a
 * provider gets when it is given none.
 *
 * @module
 */

import { MemoryTransport } from "./memory/memory_transport.ts";
import { TcpTransport } from "./tcp_transport.ts";
import type { Transport } from "./transport.ts";

/** The transports that have a name. */
export type TransportName = "tcp" | "memory";

/** The transport of a provider made without one. */
export const DEFAULT_TRANSPORT: TransportName = "tcp";

let memory: Transport | undefined;

/**
 * The transport a name means: "tcp" a new TCP transport (they share the OS's
 * network), "memory" the one process-wide in-memory network.
 */
export function transportNamed(name: TransportName): Transport {
  if (name === "memory") return memory ??= new MemoryTransport();
  return new TcpTransport();
}
