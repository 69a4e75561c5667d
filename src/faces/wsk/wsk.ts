/**
 * The Winsock Kernel face (wsk.h): WskSocket, WskBind, WskListen, WskAccept,
 * WskConnect, WskSend, WskReceive, WskGetLocalAddress and WskCloseSocket over
 * the shared provider, with the kernel's conventions: every call returns an
 * NTSTATUS and completes an IRP; STATUS_PENDING means the IRP completes later.
 * A socket object carries its dispatch table, as WSK_SOCKET does
 * (`socket.Dispatch.WskListen(socket, irp)`).
 *
 * Statuses (SPEC L10, seed 004):
 * - WskListen: STATUS_SUCCESS when the transport commits the address at once
 *   (TCP and the in-memory transport do); STATUS_PENDING while a transport
 *   commits it later (TCP when the port is momentarily busy), the IRP then
 *   completing with STATUS_SUCCESS or a failure such as STATUS_ADDRESS_ALREADY_EXISTS;
 *   STATUS_FILE_FORCED_CLOSED when the socket is no longer functional (its
 *   endpoint died underneath, or the provider was shut down): close it;
 *   STATUS_INVALID_DEVICE_STATE when not bound; STATUS_NOT_SUPPORTED for a
 *   datagram socket; STATUS_INVALID_HANDLE for a closed socket. The backlog is
 *   the provider's maximum (SOMAXCONN): WskListen has no backlog parameter.
 * - After a successful WskListen the socket is committed to the listening flow:
 *   WskConnect, WskSend and WskReceive on it complete with STATUS_INVALID_DEVICE_STATE.
 * - An IRP already in use gives STATUS_INVALID_PARAMETER and is left alone.
 * - Other failures map from the provider's Winsock codes through `ntstatusOf`.
 *
 * @module
 */

import { SOMAXCONN } from "../../shared/constants.ts";
import { Profile } from "../../core/_abi.ts";
import { WinsockError, WSA } from "../../shared/errors.ts";
import { IRP } from "./irp.ts";
import { NTSTATUS, ntstatusOf } from "./ntstatus.ts";
import type { Provider } from "../../provider/provider.ts";
import { sharedProvider } from "../../provider/runtime.ts";
import type { SockAddr } from "../../shared/_sockaddr.ts";

const OWNER = "wsk";

/** The stream socket dispatch table (WSK_PROVIDER_STREAM_DISPATCH): the calls a WSK stream socket offers. */
export interface WSK_PROVIDER_STREAM_DISPATCH {
  /** See {@link WskBind}. */
  WskBind: typeof WskBind;
  /** See {@link WskListen}. */
  WskListen: typeof WskListen;
  /** See {@link WskAccept}. */
  WskAccept: typeof WskAccept;
  /** See {@link WskConnect}. */
  WskConnect: typeof WskConnect;
  /** See {@link WskSend}. */
  WskSend: typeof WskSend;
  /** See {@link WskReceive}. */
  WskReceive: typeof WskReceive;
  /** See {@link WskGetLocalAddress}. */
  WskGetLocalAddress: typeof WskGetLocalAddress;
  /** See {@link WskCloseSocket}. */
  WskCloseSocket: typeof WskCloseSocket;
}

/** A WSK socket object (WSK_SOCKET): its dispatch table, and its descriptor in the provider. */
export interface WSK_SOCKET {
  /** The calls this socket offers. */
  readonly Dispatch: WSK_PROVIDER_STREAM_DISPATCH;
  /** The provider's descriptor for it (the same table as the Winsock calls). */
  readonly handle: number;
}

class WskSocketObject implements WSK_SOCKET {
  /** The socket this object was made for: a later socket given the same descriptor is not it. */
  readonly identity: object | undefined;
  constructor(readonly handle: number) {
    this.identity = provider().identity(handle);
  }
  get Dispatch(): WSK_PROVIDER_STREAM_DISPATCH {
    return DISPATCH;
  }
}

function provider(): Provider {
  return sharedProvider();
}

/** The descriptor of a WSK socket object; TypeError for anything else. */
function descriptorOf(socket: WSK_SOCKET): number {
  if (!(socket instanceof WskSocketObject)) {
    throw new TypeError("socket must be a WSK_SOCKET from WskSocket or WskAccept");
  }
  // A closed socket object never reaches a later socket that was given its descriptor (or a
  // socket of a provider made since by configure): it gets a descriptor that names nothing.
  return provider().identity(socket.handle) === socket.identity ? socket.handle : -1;
}

/** The IRP to complete: the caller's (which must not be in use) or a private one. */
function begin(irp: IRP | undefined, required = false): IRP | undefined {
  if (irp === undefined) {
    if (required) throw new TypeError("this call returns its result in an IRP: pass one");
    irp = new IRP();
  }
  if (!(irp instanceof IRP)) throw new TypeError("irp must be an IRP");
  return irp.begin() ? irp : undefined;
}

/** Completes `irp` now and returns the status, as a call that finished synchronously does. */
function finish(irp: IRP, status: number, information: unknown = null): number {
  irp.complete(status, information);
  return status;
}

/** Runs a synchronous provider call on `socket` and completes `irp` with its status at once. */
function completeNow(socket: WSK_SOCKET, irp: IRP | undefined, call: (s: number) => number): number {
  const s = descriptorOf(socket);
  const used = begin(irp);
  if (!used) return NTSTATUS.STATUS_INVALID_PARAMETER;
  const result = completingOnThrow(used, () => call(s));
  return finish(used, result < 0 ? ntstatusOf(-result) : NTSTATUS.STATUS_SUCCESS);
}

/**
 * Runs `call` for the IRP `used` has taken; when it throws (a TypeError for a
 * bad argument), the IRP still completes, with STATUS_INVALID_PARAMETER, and the
 * error is rethrown: every IRP a call took completes.
 */
function completingOnThrow<T>(used: IRP, call: () => T): T {
  try {
    return call();
  } catch (error) {
    used.complete(NTSTATUS.STATUS_INVALID_PARAMETER);
    throw error;
  }
}

/** Runs an asynchronous provider call on `irp`: STATUS_PENDING now, the IRP completes later. */
function pend<T>(
  irp: IRP,
  call: (signal: AbortSignal) => Promise<T>,
  information: (value: T) => unknown,
): number {
  const cancel = new AbortController();
  irp.onCancel(() => cancel.abort());
  call(cancel.signal).then(
    (value) => irp.complete(NTSTATUS.STATUS_SUCCESS, information(value)),
    (error) =>
      irp.complete(error instanceof WinsockError ? ntstatusOf(error.code) : NTSTATUS.STATUS_UNSUCCESSFUL),
  );
  return NTSTATUS.STATUS_PENDING;
}

/**
 * WskSocket: creates a socket; on success `irp.information` is the WSK_SOCKET.
 * Statuses: STATUS_SUCCESS, STATUS_NOT_SUPPORTED (type or protocol),
 * STATUS_INVALID_PARAMETER (family), STATUS_INSUFFICIENT_RESOURCES (table full).
 *
 * @example
 * ```ts
 * import { AF_INET, IRP, SOCK_STREAM, STATUS_SUCCESS, WskCloseSocket, WskSocket, type WSK_SOCKET } from "../../../mod.ts";
 * const irp = new IRP();
 * console.log(WskSocket(AF_INET, SOCK_STREAM, 0, irp) === STATUS_SUCCESS); // true
 * WskCloseSocket(irp.information as WSK_SOCKET);
 * ```
 */
export function WskSocket(addressFamily: number, socketType: number, protocol: number, irp: IRP): number {
  const used = begin(irp, true);
  if (!used) return NTSTATUS.STATUS_INVALID_PARAMETER;
  for (const [name, value] of Object.entries({ addressFamily, socketType, protocol })) {
    if (typeof value !== "number") {
      used.complete(NTSTATUS.STATUS_INVALID_PARAMETER);
      throw new TypeError(`${name} must be a number`);
    }
  }
  const s = provider().socket(addressFamily, socketType, protocol, OWNER);
  return s < 0 ? finish(used, ntstatusOf(-s)) : finish(used, NTSTATUS.STATUS_SUCCESS, new WskSocketObject(s));
}

/**
 * WskBind: binds the socket to a local address (port 0: any free port).
 * Statuses: STATUS_SUCCESS, STATUS_ADDRESS_ALREADY_EXISTS, STATUS_INVALID_DEVICE_STATE
 * (already bound), STATUS_INVALID_PARAMETER (address), STATUS_INVALID_HANDLE (closed).
 *
 * @example
 * ```ts
 * import { AF_INET, IRP, SOCK_STREAM, WskBind, WskCloseSocket, WskSocket, type WSK_SOCKET } from "../../../mod.ts";
 * const irp = new IRP();
 * WskSocket(AF_INET, SOCK_STREAM, 0, irp);
 * const socket = irp.information as WSK_SOCKET;
 * console.log(WskBind(socket, { family: AF_INET, address: "127.0.0.1", port: 0 })); // 0 (STATUS_SUCCESS)
 * WskCloseSocket(socket);
 * ```
 */
export function WskBind(socket: WSK_SOCKET, localAddress: SockAddr, irp?: IRP): number {
  return completeNow(socket, irp, (s) => provider().bind(s, localAddress));
}

/**
 * WskListen: makes a bound stream socket listen, with the provider's maximum
 * backlog. See the module documentation for every status.
 *
 * @example
 * ```ts
 * import { AF_INET, IRP, NT_SUCCESS, SOCK_STREAM, WskBind, WskCloseSocket, WskListen, WskSocket, type WSK_SOCKET } from "../../../mod.ts";
 * const irp = new IRP();
 * WskSocket(AF_INET, SOCK_STREAM, 0, irp);
 * const socket = irp.information as WSK_SOCKET;
 * WskBind(socket, { family: AF_INET, address: "127.0.0.1", port: 0 });
 * const status = WskListen(socket, irp); // STATUS_SUCCESS, or STATUS_PENDING while the address is committed
 * console.log(NT_SUCCESS(status), NT_SUCCESS(await irp.completion)); // true true
 * WskCloseSocket(socket);
 * ```
 */
export function WskListen(socket: WSK_SOCKET, irp?: IRP): number {
  const s = descriptorOf(socket);
  const used = begin(irp);
  if (!used) return NTSTATUS.STATUS_INVALID_PARAMETER;
  const result = provider().listen(s, SOMAXCONN, Profile.Spi);
  if (result < 0) return finish(used, ntstatusOf(-result));
  if (!provider().isCommitting(s)) return finish(used, NTSTATUS.STATUS_SUCCESS);
  provider().committed(s).then((failure) =>
    used.complete(failure ? ntstatusOf(failure.code) : NTSTATUS.STATUS_SUCCESS)
  );
  return NTSTATUS.STATUS_PENDING;
}

/**
 * WskAccept: takes the oldest queued connection; `irp.information` becomes its
 * WSK_SOCKET and `remoteAddress` (if given) is filled. STATUS_SUCCESS when one
 * was queued; STATUS_PENDING otherwise, the IRP completing in call order as
 * connections arrive, with STATUS_CANCELLED (IRP cancelled, or the listener
 * closed) or STATUS_FILE_FORCED_CLOSED (no longer functional). Other statuses:
 * STATUS_INVALID_DEVICE_STATE (not listening), STATUS_NOT_SUPPORTED (datagram),
 * STATUS_INSUFFICIENT_RESOURCES (table full: the connection stays queued).
 *
 * @example
 * ```ts
 * import { AF_INET, IRP, SOCK_STREAM, STATUS_PENDING, WskAccept, WskBind, WskCloseSocket, WskListen, WskSocket, type WSK_SOCKET } from "../../../mod.ts";
 * const irp = new IRP();
 * WskSocket(AF_INET, SOCK_STREAM, 0, irp);
 * const listener = irp.information as WSK_SOCKET;
 * WskBind(listener, { family: AF_INET, address: "127.0.0.1", port: 0 });
 * WskListen(listener);
 * const accept = new IRP();
 * console.log(WskAccept(listener, accept) === STATUS_PENDING); // true: nothing has arrived
 * WskCloseSocket(listener); // the accept IRP completes with STATUS_CANCELLED
 * await accept.completion;
 * ```
 */
export function WskAccept(listenSocket: WSK_SOCKET, irp: IRP, remoteAddress?: SockAddr): number {
  const s = descriptorOf(listenSocket);
  const used = begin(irp, true);
  if (!used) return NTSTATUS.STATUS_INVALID_PARAMETER;
  const taken = completingOnThrow(used, () => provider().tryAccept(s, remoteAddress));
  if (taken >= 0) return finish(used, NTSTATUS.STATUS_SUCCESS, new WskSocketObject(taken));
  if (taken !== -WSA.WSAEWOULDBLOCK) return finish(used, ntstatusOf(-taken));
  return pend(used, (signal) => provider().accept(s, remoteAddress, signal), (d) => new WskSocketObject(d));
}

function connectionCall<T>(
  socket: WSK_SOCKET,
  irp: IRP | undefined,
  call: (s: number, signal: AbortSignal) => Promise<T>,
  information: (value: T) => unknown,
): number {
  const s = descriptorOf(socket);
  const used = begin(irp);
  if (!used) return NTSTATUS.STATUS_INVALID_PARAMETER;
  const state = provider().stateOf(s);
  if (state === undefined) return finish(used, NTSTATUS.STATUS_INVALID_HANDLE);
  if (state === "listening") return finish(used, NTSTATUS.STATUS_INVALID_DEVICE_STATE); // committed to listening
  try {
    return pend(used, (signal) => call(s, signal), information);
  } catch (error) {
    if (error instanceof WinsockError) return finish(used, ntstatusOf(error.code));
    used.complete(NTSTATUS.STATUS_INVALID_PARAMETER); // a TypeError: the IRP still completes
    throw error;
  }
}

/**
 * WskConnect: connects the socket (STATUS_PENDING, then the IRP's status).
 * On a listening socket: STATUS_INVALID_DEVICE_STATE.
 *
 * @example
 * ```ts
 * import { AF_INET, IRP, SOCK_STREAM, WskCloseSocket, WskConnect, WskSocket, type WSK_SOCKET, NTSTATUS } from "../../../mod.ts";
 * const irp = new IRP();
 * WskSocket(AF_INET, SOCK_STREAM, 0, irp);
 * const socket = irp.information as WSK_SOCKET;
 * WskConnect(socket, { family: AF_INET, address: "127.0.0.1", port: 1 }, irp);
 * console.log(await irp.completion === NTSTATUS.STATUS_CONNECTION_REFUSED); // true
 * WskCloseSocket(socket);
 * ```
 */
export function WskConnect(socket: WSK_SOCKET, remoteAddress: SockAddr, irp?: IRP): number {
  return connectionCall(socket, irp, (s, signal) => provider().connect(s, remoteAddress, signal), () => null);
}

/**
 * WskSend: sends all of `buffer`; the IRP's information is the byte count.
 * On a listening socket: STATUS_INVALID_DEVICE_STATE.
 *
 * @example
 * ```ts
 * import { WskSend } from "../../../mod.ts";
 * console.log(typeof WskSend); // "function"
 * ```
 */
export function WskSend(socket: WSK_SOCKET, buffer: Uint8Array, irp?: IRP): number {
  return connectionCall(socket, irp, (s) => provider().send(s, buffer), (n) => n);
}

/**
 * WskReceive: receives into `buffer`; the IRP's information is the byte count
 * (0 at the peer's orderly close). On a listening socket: STATUS_INVALID_DEVICE_STATE.
 *
 * @example
 * ```ts
 * import { WskReceive } from "../../../mod.ts";
 * console.log(typeof WskReceive); // "function"
 * ```
 */
export function WskReceive(socket: WSK_SOCKET, buffer: Uint8Array, irp?: IRP): number {
  return connectionCall(socket, irp, (s) => provider().recv(s, buffer), (n) => n);
}

/**
 * WskGetLocalAddress: fills `localAddress`. STATUS_SUCCESS, STATUS_INVALID_DEVICE_STATE
 * (not bound) or STATUS_INVALID_HANDLE.
 *
 * @example
 * ```ts
 * import { AF_INET, IRP, SOCK_STREAM, WskBind, WskCloseSocket, WskGetLocalAddress, WskSocket, type SockAddr, type WSK_SOCKET } from "../../../mod.ts";
 * const irp = new IRP();
 * WskSocket(AF_INET, SOCK_STREAM, 0, irp);
 * const socket = irp.information as WSK_SOCKET;
 * WskBind(socket, { family: AF_INET, address: "127.0.0.1", port: 0 });
 * const local = {} as SockAddr;
 * WskGetLocalAddress(socket, local);
 * console.log(local.port > 0); // true
 * WskCloseSocket(socket);
 * ```
 */
export function WskGetLocalAddress(socket: WSK_SOCKET, localAddress: SockAddr, irp?: IRP): number {
  return completeNow(socket, irp, (s) => provider().getsockname(s, localAddress));
}

/**
 * WskCloseSocket: closes the socket; its pending IRPs complete with
 * STATUS_CANCELLED (queued connections of a listener are reset). Also the call
 * that must follow STATUS_FILE_FORCED_CLOSED. STATUS_SUCCESS or STATUS_INVALID_HANDLE.
 *
 * @example
 * ```ts
 * import { AF_INET, IRP, NTSTATUS, SOCK_STREAM, WskCloseSocket, WskSocket, type WSK_SOCKET } from "../../../mod.ts";
 * const irp = new IRP();
 * WskSocket(AF_INET, SOCK_STREAM, 0, irp);
 * const socket = irp.information as WSK_SOCKET;
 * console.log(WskCloseSocket(socket), WskCloseSocket(socket) === NTSTATUS.STATUS_INVALID_HANDLE); // 0 true
 * ```
 */
export function WskCloseSocket(socket: WSK_SOCKET, irp?: IRP): number {
  return completeNow(socket, irp, (s) => provider().closesocket(s));
}

const DISPATCH: WSK_PROVIDER_STREAM_DISPATCH = Object.freeze({
  WskBind,
  WskListen,
  WskAccept,
  WskConnect,
  WskSend,
  WskReceive,
  WskGetLocalAddress,
  WskCloseSocket,
});
