/**
 * Node's native TCP handle as Deno 2.9 provides it for node:net
 * (`process.binding("tcp_wrap").TCP`), the one way on Deno to hold a
 * listening socket whose connections can be reset. Facts it relies on
 * (measured with Deno 2.9.6 on Linux; bench/results/refusal_mechanism.md):
 *
 * - `bind` + `listen` are synchronous system calls: `listen` returns -98
 *   (EADDRINUSE) at once when the port is taken (`bind` itself defers that
 *   error, as libuv does), so bind keeps reporting WSAEADDRINUSE synchronously.
 * - `close` releases the port at once, even with connections arriving: the
 *   port can be listened on again in the same turn.
 * - An accepted handle's `reset()` sets SO_LINGER 0, so its `close()` sends a
 *   bare RST: the client's connect or next call fails with ECONNRESET
 *   (ECONNREFUSED when the RST beats its handshake). Its plain `close()` on a
 *   socket with nothing unread sends FIN.
 *
 * Deno.listen cannot do this: `Deno.TcpConn.close()` always sends FIN first.
 *
 * Nothing here is imported statically from `node:`: the global `process` gives
 * the handles, and node:net (for the Socket an admitted connection's bytes go
 * through) is loaded when the first handle is made, so the provider still loads
 * where there is no node:net.
 *
 * @module
 */

import type { Socket } from "node:net";

/** Node's `TCPConstants`: a handle is a listening (SERVER) or connected (SOCKET) one. */
const SOCKET = 0;
const SERVER = 1;

/** The address a handle reports (getsockname, getpeername). */
export interface HandleAddress {
  address?: string;
  port?: number;
  family?: string;
}

/** The part of Node's native TCP handle acceptq uses; calls return 0 or a negated errno. */
export interface TcpHandle {
  bind(address: string, port: number): number;
  bind6(address: string, port: number, flags: number): number;
  listen(backlog: number): number;
  accept(client: TcpHandle): number;
  getsockname(out: HandleAddress): number;
  getpeername(out: HandleAddress): number;
  /** Called for each arriving connection with 0, or a negated errno (EMFILE, ...). */
  onconnection: ((status: number) => void) | null;
  /** Makes the next `close` abortive (SO_LINGER 0: RST). */
  reset(): number;
  close(callback?: () => void): void;
  ref(): void;
  unref(): void;
  /** Moves the connected socket out into a Deno resource; returns its id. The handle is empty then. */
  takeStream(): number;
}

type TcpHandleClass = new (type: number) => TcpHandle;

/** The global `process` of Deno (and Node), with the one call used here. */
interface ProcessBinding {
  binding(name: "tcp_wrap"): { TCP?: unknown };
  binding(name: "uv"): { errname?: (errno: number) => string };
}

function processBinding(): ProcessBinding | undefined {
  const process = (globalThis as { process?: Partial<ProcessBinding> }).process;
  return typeof process?.binding === "function" ? process as ProcessBinding : undefined;
}

let handleClass: TcpHandleClass | null | undefined;

/** The native handle class, or null where the runtime has none (then acceptq listens with Deno.listen). */
function tcpHandleClass(): TcpHandleClass | null {
  if (handleClass !== undefined) return handleClass;
  handleClass = null;
  try {
    const TCP = processBinding()?.binding("tcp_wrap")?.TCP as TcpHandleClass | undefined;
    const proto = TCP?.prototype as Partial<TcpHandle> | undefined;
    if (
      typeof TCP === "function" && typeof proto?.reset === "function" && typeof proto.accept === "function" &&
      typeof proto.listen === "function" && typeof proto.bind6 === "function" &&
      typeof proto.takeStream === "function"
    ) handleClass = TCP;
  } catch {
    // No process.binding, or no tcp_wrap in it.
  }
  return handleClass;
}

/** Whether listening sockets can be native handles here (so refusals can be resets). */
export function hasTcpHandles(): boolean {
  return tcpHandleClass() !== null;
}

/** A new listening-side handle; call only when `hasTcpHandles()`. */
export function newServerHandle(): TcpHandle {
  void loadSocketClass(); // the first admitted connection will need it
  return new (tcpHandleClass()!)(SERVER);
}

/** A new handle for `accept` to fill; call only when `hasTcpHandles()`. */
export function newSocketHandle(): TcpHandle {
  return new (tcpHandleClass()!)(SOCKET);
}

/** The name of a negated errno a handle call returned ("EADDRINUSE", ...), or "" when unknown. */
export function errnoName(errno: number): string {
  try {
    return processBinding()?.binding("uv")?.errname?.(errno) ?? "";
  } catch {
    return "";
  }
}

type SocketClass = typeof Socket;
let socketClassLoaded: SocketClass | undefined;
let socketClassLoading: Promise<SocketClass> | undefined;

/** node:net's Socket once loaded (see `loadSocketClass`), else undefined. */
export function socketClass(): SocketClass | undefined {
  return socketClassLoaded;
}

/** Loads node:net's Socket (once). */
export function loadSocketClass(): Promise<SocketClass> {
  socketClassLoading ??= import("node:net").then((net) => socketClassLoaded = net.Socket);
  return socketClassLoading;
}
