/**
 * `@acceptq/acceptq/wsk`: the Winsock Kernel calls (wsk.h). Each returns an
 * NTSTATUS and completes an `IRP`; STATUS_PENDING means the IRP completes
 * later. With the NTSTATUS values, the constants and the Winsock codes.
 *
 * @example
 * ```ts
 * import { AF_INET, IRP, SOCK_STREAM, type WSK_SOCKET, WskBind, WskCloseSocket, WskListen, WskSocket } from "@acceptq/acceptq/wsk";
 * const irp = new IRP();
 * WskSocket(AF_INET, SOCK_STREAM, 0, irp);
 * const socket = irp.information as WSK_SOCKET;
 * WskBind(socket, { family: AF_INET, address: "127.0.0.1", port: 0 });
 * console.log(WskListen(socket)); // 0 (STATUS_SUCCESS)
 * WskCloseSocket(socket);
 * ```
 *
 * @module
 */

export {
  WskAccept,
  WskBind,
  WskCloseSocket,
  WskConnect,
  WskGetLocalAddress,
  WskListen,
  WskReceive,
  WskSend,
  WskSocket,
} from "./src/faces/wsk/wsk.ts";
export type { WSK_PROVIDER_STREAM_DISPATCH, WSK_SOCKET } from "./src/faces/wsk/wsk.ts";
export { IRP } from "./src/faces/wsk/irp.ts";
export {
  NT_SUCCESS,
  NTSTATUS,
  ntstatusOf,
  STATUS_FILE_FORCED_CLOSED,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_PENDING,
  STATUS_SUCCESS,
} from "./src/faces/wsk/ntstatus.ts";
export * from "./src/shared/constants.ts";
export * from "./src/shared/wsa_codes.ts";
export { WinsockError, WSA, wsaName } from "./src/shared/errors.ts";
export type { WsaCode, WsaName } from "./src/shared/errors.ts";
export type { SockAddr } from "./src/shared/_sockaddr.ts";
export { type CoreSource, loadCore } from "./src/core/load.ts";
