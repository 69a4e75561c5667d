/**
 * The provider's options, with their defaults, and the shapes of what it
 * reports (listener stats, socket info).
 *
 * @module
 */

import { type CoreOps, Profile } from "../core/_abi.ts";
import type { SockAddr } from "../shared/_sockaddr.ts";
import type { Transport } from "../transports/transport.ts";
import type { Refusal } from "./refusal.ts";

/** How a provider is set up. Every field has a documented default. */
export interface ProviderOptions {
  /** The network: `new TcpTransport()` (default) or `new MemoryTransport()` (in process, no OS sockets). */
  transport?: Transport;
  /** Size of the socket table: the most descriptors open at once. Default 16384. */
  maxSockets?: number;
  /** Ring slots shared by all listeners' queues. Default 131072 (two SOMAXCONN_HINT(65535) listeners). */
  queueSlots?: number;
  /** Legal backlog range per profile, [min, max]: defaults Winsock 2 and SPI [1, 512], Winsock 1.1 [1, 5]. */
  backlogRange?: Partial<Record<Profile, readonly [number, number]>>;
  /** How long `connect` waits before WSAETIMEDOUT. Default 21000 ms (Windows' default SYN retries). */
  connectTimeoutMs?: number;
  /**
   * The OS accept queue (Deno.listen's tcpBacklog) in front of acceptq's: an
   * integer in [1, 65535], or "backlog" for each listener's clamped backlog.
   * Default 4096. The OS queue is a second queue: when a burst outruns it,
   * Linux drops SYNs and those clients are decided only after their retries
   * (1 s, 3 s, 7 s, ...; measured: up to 45 s for a burst of 200 at backlog 8).
   * A deep one lets the accept pump see every connection at once and refuse the
   * excess within milliseconds; admission still follows the backlog exactly.
   */
  osBacklog?: number | "backlog";
  /**
   * How every listener of this provider ends a connection it refuses (a
   * listener can set its own with `Provider.setRefusal` or `listen({ refusal })`):
   * `"reset"` (default: the client's connect or next call fails with
   * ECONNRESET/ECONNREFUSED, as on Windows), `"close"` (the client reads the end
   * of the stream) or a function that answers in the protocol (see `Refusal`).
   */
  refusal?: Refusal;
  /** The core implementation; tests pass the debug build or the model. Default: the release core. */
  core?: CoreOps;
}

/** What `Provider.describe` reports about a socket. */
export interface SocketInfo {
  /** AF_INET or AF_INET6. */
  af: number;
  /** SOCK_STREAM or SOCK_DGRAM. */
  type: number;
  /** The local address, once bound or connected. */
  local?: SockAddr;
  /** The peer, once connected or accepted. */
  remote?: SockAddr;
  /** For an accepted socket: how long its connection waited in the queue, in ms. */
  queuedMs?: number;
}

/** A listener's counters (SPEC 4.3). */
export interface ListenerStats {
  /** The effective backlog after clamping. */
  backlog: number;
  /** Connections admitted and not yet accepted. */
  queued: number;
  /** Connections admitted to the queue since listen. */
  admitted: number;
  /** Connections handed to accept. */
  accepted: number;
  /**
   * Connections refused because the queue was full, or because the process was
   * out of file descriptors when they arrived (EMFILE/ENFILE: refused on a
   * reserve descriptor rather than left undecided in the OS queue).
   */
  refused: number;
  /** Queued connections reset by a re-listen that lowered the backlog. */
  dropped: number;
  /** The most connections ever queued at once. */
  highWater: number;
}

/** The defaults of `ProviderOptions`. */
export const PROVIDER_DEFAULTS = {
  maxSockets: 16384,
  queueSlots: 1 << 17,
  connectTimeoutMs: 21_000,
  osBacklog: 4096,
};

/** True for an OS queue length Deno.listen accepts as given: an integer in [1, 65535]. */
export function isOsBacklog(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535;
}

/**
 * The small-backlog preset (SPEC L11): every profile's legal backlog range is
 * [2, 4], as the reference page advises for a service that expects few clients
 * (its example is a Bluetooth server). SOMAXCONN then means 4, backlog 1 means 2.
 *
 * @example A process whose listeners keep at most four connections waiting
 * ```ts
 * import { AF_INET, bind, closesocket, configure, listen, MAKEWORD, sharedProvider, SMALL_BACKLOG_PRESET, socket, SOCK_STREAM, SOMAXCONN, WSACleanup, WSAStartup } from "../../mod.ts";
 * configure(SMALL_BACKLOG_PRESET);
 * WSAStartup(MAKEWORD(2, 2));
 * const s = socket(AF_INET, SOCK_STREAM, 0);
 * bind(s, { family: AF_INET, address: "127.0.0.1", port: 0 });
 * listen(s, SOMAXCONN);
 * console.log(sharedProvider().stats(s)?.backlog); // 4
 * closesocket(s);
 * WSACleanup();
 * configure({}); // back to the defaults
 * ```
 */
export const SMALL_BACKLOG_PRESET: Readonly<ProviderOptions> = Object.freeze({
  backlogRange: Object.freeze({
    [Profile.Winsock2]: [2, 4] as const,
    [Profile.Winsock11]: [2, 4] as const,
    [Profile.Spi]: [2, 4] as const,
  }),
});
