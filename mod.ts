/**
 * acceptq: Windows Sockets `listen`/`accept` semantics for Deno. A bounded
 * accept queue with an explicit backlog (in a WebAssembly core), SOMAXCONN and
 * SOMAXCONN_HINT clamping, Winsock error codes, and refusal when the queue is
 * full, through the Winsock 2 / 1.1 calls, the SPI and the WSK faces.
 *
 * @example The seed's C example, ported line by line (see examples/listen.ts)
 * ```ts
 * import { AF_INET, bind, closesocket, listen, MAKEWORD, socket, SOCK_STREAM, IPPROTO_TCP, SOMAXCONN, WSACleanup, WSAStartup } from "./mod.ts";
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

export * from "./src/shared/constants.ts";
export { WinsockError, WSA, wsaName } from "./src/shared/errors.ts";
export type { WsaCode, WsaName } from "./src/shared/errors.ts";
export type { SockAddr } from "./src/shared/_sockaddr.ts";
export {
  accept,
  bind,
  closesocket,
  connect,
  getsockname,
  getsockopt,
  ioctlsocket,
  recv,
  send,
  setsockopt,
  socket,
  WSACancelBlockingCall,
  WSACleanup,
  WSAGetLastError,
  WSAIsBlocking,
  WSASetLastError,
  WSAStartup,
} from "./src/faces/winsock.ts";
export type { WSADATA } from "./src/faces/winsock.ts";
export { type LPINT, WSPAccept, WSPBind, WSPCloseSocket, WSPListen, WSPSocket } from "./src/faces/spi.ts";
export { configure, providerFor, sharedProvider } from "./src/provider/runtime.ts";
export { SMALL_BACKLOG_PRESET } from "./src/provider/_options.ts";
export { Connection, Listener, type ListenOptions } from "./src/faces/listener.ts";
export { listen } from "./src/faces/listen.ts";
export {
  admissionControl,
  type AdmissionControlOptions,
  AdmissionGate,
  type AdmissionStats,
  type GatedHandler,
  type Ticket,
} from "./src/faces/admission.ts";
export {
  type ListenerStats,
  Provider,
  type ProviderOptions,
  type SocketInfo,
} from "./src/provider/provider.ts";
export { type CoreSource, loadCore } from "./src/core/load.ts";
export { Profile } from "./src/core/_abi.ts";
export type { CoreOps } from "./src/core/_abi.ts";
export { TcpTransport } from "./src/transports/tcp_transport.ts";
export { MemoryTransport, type MemoryTransportOptions } from "./src/transports/memory/memory_transport.ts";
export type { Endpoint, StreamConn, Transport } from "./src/transports/transport.ts";
export * from "./src/shared/wsa_codes.ts";
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
