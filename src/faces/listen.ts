/**
 * `listen`, the one name two faces share: `listen(s, backlog)` is the Winsock
 * call (SPEC 4.1, a number first); `listen(options?)` is the idiomatic listener
 * (SPEC 4.3, an options object or nothing). Both run on the same provider.
 *
 * @module
 */

import type { SOCKET } from "../shared/constants.ts";
import { listen as listenIdiomatic, type Listener, type ListenOptions } from "./listener.ts";
import { listen as listenWinsock } from "./winsock.ts";

/**
 * Winsock `listen`: places a bound stream socket in passive mode. Returns 0 or
 * SOCKET_ERROR (see the Winsock calls).
 *
 * @example
 * ```ts
 * import { AF_INET, bind, closesocket, listen, MAKEWORD, socket, SOCK_STREAM, SOMAXCONN, WSACleanup, WSAStartup } from "../../mod.ts";
 * WSAStartup(MAKEWORD(2, 2));
 * const s = socket(AF_INET, SOCK_STREAM, 0);
 * bind(s, { family: AF_INET, address: "127.0.0.1", port: 0 });
 * console.log(listen(s, SOMAXCONN)); // 0
 * closesocket(s);
 * WSACleanup();
 * ```
 */
export function listen(s: SOCKET, backlog: number): number;
/**
 * The idiomatic listener: an async iterable of connections with an explicit backlog.
 *
 * @example
 * ```ts
 * import { listen } from "../../mod.ts";
 * await using listener = listen({ hostname: "127.0.0.1", backlog: 8 });
 * console.log(listener.stats().backlog); // 8
 * ```
 */
export function listen(options?: ListenOptions): Listener;
/**
 * Listens: the Winsock call when given a descriptor, the idiomatic listener
 * when given options (or nothing).
 *
 * @example Both faces
 * ```ts
 * import { AF_INET, bind, closesocket, listen, MAKEWORD, socket, SOCK_STREAM, WSACleanup, WSAStartup } from "../../mod.ts";
 * await using listener = listen({ hostname: "127.0.0.1", backlog: 8 }); // idiomatic
 * WSAStartup(MAKEWORD(2, 2));
 * const s = socket(AF_INET, SOCK_STREAM, 0);
 * bind(s, { family: AF_INET, address: "127.0.0.1", port: 0 });
 * console.log(listen(s, 8), listener.stats().backlog); // 0 8
 * closesocket(s);
 * WSACleanup();
 * ```
 */
export function listen(first?: SOCKET | ListenOptions, backlog?: number): number | Listener {
  if (typeof first === "number" || arguments.length >= 2) {
    return listenWinsock(first as SOCKET, backlog as number);
  }
  if (first !== undefined && (first === null || typeof first !== "object")) {
    throw new TypeError("listen takes (s, backlog) or an options object");
  }
  return listenIdiomatic(first);
}
