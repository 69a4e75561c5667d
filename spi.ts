/**
 * `@acceptq/acceptq/spi`: the service provider calls (ws2spi.h), which report
 * through an `lpErrno` out-parameter and need no WSAStartup, with the constants
 * and error codes they use.
 *
 * @example
 * ```ts
 * import { AF_INET, SOCK_STREAM, WSPBind, WSPCloseSocket, WSPListen, WSPSocket } from "@acceptq/acceptq/spi";
 * const errno = { value: 0 };
 * const s = WSPSocket(AF_INET, SOCK_STREAM, 0, errno);
 * WSPBind(s, { family: AF_INET, address: "127.0.0.1", port: 0 }, errno);
 * console.log(WSPListen(s, 8, errno), errno.value); // 0 0
 * WSPCloseSocket(s, errno);
 * ```
 *
 * @module
 */

export { type LPINT, WSPAccept, WSPBind, WSPCloseSocket, WSPListen, WSPSocket } from "./src/faces/spi.ts";
export * from "./src/shared/constants.ts";
export * from "./src/shared/wsa_codes.ts";
export { WinsockError, WSA, wsaName } from "./src/shared/errors.ts";
export type { WsaCode, WsaName } from "./src/shared/errors.ts";
export type { SockAddr } from "./src/shared/_sockaddr.ts";
export { type CoreSource, loadCore } from "./src/core/load.ts";
