/**
 * acceptq: Windows Sockets `listen`/`accept` semantics for Deno. A bounded
 * accept queue with an explicit backlog (in a WebAssembly core), SOMAXCONN and
 * SOMAXCONN_HINT clamping, Winsock error codes, and refusal when the queue is
 * full, through the Winsock 2 / 1.1 calls, the SPI and the WSK faces, an
 * idiomatic listener, HTTP serving behind the queue, and admission control
 * for fetch handlers.
 *
 * This module is the union of the subpath exports; import one of them to carry
 * only that face: `@acceptq/acceptq/admission` (no sockets: Deno, Deno Deploy,
 * workerd, Bun, Node), `/http`, `/metrics`, `/listener`, `/winsock`, `/spi`, `/wsk`, `/memory`,
 * `/tcp`, `/provider`.
 *
 * @example The seed's C example, ported line by line (see examples/listen.ts)
 * ```ts
 * import { AF_INET, bind, closesocket, listen, MAKEWORD, socket, SOCK_STREAM, IPPROTO_TCP, SOMAXCONN, WSACleanup, WSAStartup } from "@acceptq/acceptq";
 * WSAStartup(MAKEWORD(2, 2));
 * const ListenSocket = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
 * bind(ListenSocket, { family: AF_INET, address: "127.0.0.1", port: 0 });
 * listen(ListenSocket, SOMAXCONN);
 * console.log("Listening on socket...");
 * closesocket(ListenSocket);
 * WSACleanup();
 * ```
 *
 * @module
 */

// The union of the subpath exports (deno.json "exports"): each is also
// importable on its own, so that a bundle carries only the faces it uses.
export * from "./admission.ts";
export * from "./http.ts";
export * from "./listener.ts";
export * from "./memory.ts";
export * from "./metrics.ts";
export * from "./provider.ts";
export * from "./spi.ts";
export * from "./tcp.ts";
export * from "./winsock.ts";
export * from "./wsk.ts";
