/**
 * `@acceptq/acceptq/winsock`: the Winsock 2 / 1.1 calls (ws2_32) with their C
 * names and shapes, every constant and error code they use, and
 * `WinsockError`. A C Winsock server ports line by line.
 *
 * @example The reference page's example
 * ```ts
 * import { AF_INET, bind, closesocket, IPPROTO_TCP, listen, MAKEWORD, SOCK_STREAM, socket, SOMAXCONN, WSACleanup, WSAStartup } from "@acceptq/acceptq/winsock";
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

export {
  accept,
  bind,
  closesocket,
  connect,
  getpeername,
  getsockname,
  getsockopt,
  ioctlsocket,
  recv,
  send,
  setsockopt,
  shutdown,
  socket,
  WSACancelBlockingCall,
  WSACleanup,
  WSAGetLastError,
  WSAIsBlocking,
  WSASetLastError,
  WSAStartup,
} from "./src/faces/winsock.ts";
export type { WSADATA } from "./src/faces/winsock.ts";
export { listen } from "./src/faces/listen.ts";
export * from "./src/shared/constants.ts";
export * from "./src/shared/wsa_codes.ts";
export { WinsockError, WSA, wsaName } from "./src/shared/errors.ts";
export type { WsaCode, WsaName } from "./src/shared/errors.ts";
export type { SockAddr } from "./src/shared/_sockaddr.ts";
export { type CoreSource, loadCore } from "./src/core/load.ts";
