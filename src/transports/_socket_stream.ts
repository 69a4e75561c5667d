/**
 * An accepted native handle's bytes through a node:net Socket, as a
 * StreamConn: the fallback of src/transports/_handle_stream.ts for when no
 * Deno.TcpConn can be made over the handle's socket. The Socket is made on the
 * first read or write (allowHalfOpen, as a Deno.TcpConn: the peer's FIN ends
 * reads only). `close()` sends FIN (RST if received bytes are left unread, as
 * Linux does), `reset()` a bare RST.
 *
 * @module
 */

import type { Socket } from "node:net";
import { WinsockError, WSA } from "../shared/errors.ts";
import { AF_INET, AF_INET6 } from "../shared/constants.ts";
import type { SockAddr } from "../shared/_sockaddr.ts";
import type { StreamConn } from "./transport.ts";
import { type HandleAddress, loadSocketClass, socketClass, type TcpHandle } from "./_node_tcp.ts";

/** Bytes read from the socket and not yet taken by `read` above which the socket is paused. */
const READ_AHEAD_BYTES = 64 * 1024;

/** node:net error codes → Winsock codes; anything else is WSAECONNRESET. */
const NODE_ERROR_CODES: Readonly<Record<string, number>> = {
  ECONNRESET: WSA.WSAECONNRESET,
  EPIPE: WSA.WSAECONNRESET,
  ECONNABORTED: WSA.WSAECONNABORTED,
  ETIMEDOUT: WSA.WSAETIMEDOUT,
  ENOTCONN: WSA.WSAENOTCONN,
  ENETUNREACH: WSA.WSAENETUNREACH,
  EHOSTUNREACH: WSA.WSAEHOSTUNREACH,
};

/** A node:net error as a WinsockError. */
function toWinsock(error: unknown): WinsockError {
  if (error instanceof WinsockError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  return new WinsockError(NODE_ERROR_CODES[String(code)] ?? WSA.WSAECONNRESET, detail, { cause: error });
}

/** A handle's address as a SockAddr. */
export function handleAddr(handle: TcpHandle, which: "getsockname" | "getpeername"): SockAddr {
  const out: HandleAddress = {};
  handle[which](out);
  const address = out.address ?? "";
  return { family: out.family === "IPv6" ? AF_INET6 : AF_INET, address, port: out.port ?? 0 };
}

interface Reader {
  buf: Uint8Array;
  resolve(n: number | null): void;
  reject(error: unknown): void;
}

/** An accepted connection on a native handle, its bytes through a node:net Socket. */
export class SocketStream implements StreamConn {
  #local: SockAddr | undefined;
  #remote: SockAddr | undefined;
  #handle: TcpHandle;
  #socket: Socket | undefined;
  #onClose: () => void;
  #closed = false;
  /** Bytes received and not yet read, oldest first (`#head` is the first unread chunk). */
  #chunks: Uint8Array[] = [];
  #head = 0;
  #buffered = 0;
  #ended = false;
  #error: WinsockError | undefined;
  #reader: Reader | undefined;

  constructor(handle: TcpHandle, onClose: () => void) {
    this.#handle = handle;
    this.#onClose = onClose;
  }

  /** This end's address (asked of the handle when first needed: a refusal never needs it). */
  get local(): SockAddr {
    return this.#local ??= handleAddr(this.#handle, "getsockname");
  }

  /** The peer's address (asked of the handle when first needed). */
  get remote(): SockAddr {
    return this.#remote ??= handleAddr(this.#handle, "getpeername");
  }

  read(buf: Uint8Array): Promise<number | null> {
    if (this.#closed) return Promise.reject(new WinsockError(WSA.WSAENOTSOCK, "the connection is closed"));
    if (this.#reader) {
      return Promise.reject(new WinsockError(WSA.WSAEINPROGRESS, "a read is already pending"));
    }
    if (this.#buffered > 0) return Promise.resolve(this.#take(buf));
    if (this.#error) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve(null);
    if (!this.#socket && !this.#open()) return loadSocketClass().then(() => this.read(buf));
    return new Promise((resolve, reject) => {
      this.#reader = { buf, resolve, reject };
    });
  }

  write(data: Uint8Array): Promise<number> {
    if (this.#closed) return Promise.reject(new WinsockError(WSA.WSAENOTSOCK, "the connection is closed"));
    if (this.#error) return Promise.reject(this.#error);
    if (!this.#socket) {
      // Measured on Deno 2.9.6: the first write on an accepted handle made in the same macrotask as
      // the peer's half close (FIN) fails with EPIPE; one macrotask later it succeeds. So a
      // connection whose first operation is a write waits one macrotask (server-speaks-first
      // protocols only; a connection that read first has its socket already).
      if (!this.#open()) return loadSocketClass().then(() => this.write(data));
      return new Promise((resolve) => setTimeout(resolve, 0)).then(() => this.write(data));
    }
    const socket = this.#socket;
    return new Promise((resolve, reject) => {
      socket.write(data, (error) => error ? reject(toWinsock(error)) : resolve(data.length));
    });
  }

  /** What was received and not yet read (FIONREAD); starts reading if nothing has read yet. */
  available(): number {
    if (!this.#socket && !this.#closed) this.#open() ?? void loadSocketClass().then(() => this.available());
    return this.#buffered;
  }

  /** Half close: FIN once the bytes written are sent; reads go on. */
  closeWrite(): void {
    if (this.#closed) return;
    const socket = this.#socket ?? this.#open();
    if (!socket) void loadSocketClass().then(() => this.closeWrite());
    else socket.end();
  }

  /** Whether pending reads and writes keep the process alive (the socket shares the handle). */
  setRef(on: boolean): void {
    if (this.#closed) return;
    if (on) this.#handle.ref();
    else this.#handle.unref();
  }

  close(): void {
    this.#end(false);
  }

  reset(): void {
    this.#end(true);
  }

  #end(abortive: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!abortive) {
      // The addresses stay readable after the close (a refusal's reset never needs them).
      void this.local;
      void this.remote;
    }
    const reader = this.#reader;
    this.#reader = undefined;
    if (this.#socket) {
      if (abortive) this.#socket.resetAndDestroy();
      else this.#socket.destroy();
    } else {
      if (abortive) this.#handle.reset();
      this.#handle.close();
    }
    reader?.reject(new WinsockError(WSA.WSAEINTR, "the connection was closed"));
    this.#onClose();
  }

  /**
   * The socket over the handle, made on first use (undefined while node:net is
   * still loading); it reads at once, paused above READ_AHEAD_BYTES.
   */
  #open(): Socket | undefined {
    const SocketClass = socketClass();
    if (!SocketClass) return undefined;
    const socket = new SocketClass(
      { handle: this.#handle, readable: true, writable: true, allowHalfOpen: true } as never,
    );
    socket.on("data", (chunk: Uint8Array) => this.#received(chunk));
    socket.on("end", () => {
      this.#ended = true;
      this.#settleReader();
    });
    socket.on("error", (error: unknown) => {
      this.#error ??= toWinsock(error);
      this.#settleReader();
    });
    this.#socket = socket;
    return socket;
  }

  #received(chunk: Uint8Array): void {
    const reader = this.#reader;
    if (reader) {
      this.#reader = undefined;
      const n = Math.min(chunk.length, reader.buf.length);
      reader.buf.set(chunk.subarray(0, n));
      if (n < chunk.length) this.#keep(chunk.subarray(n));
      reader.resolve(n);
      return;
    }
    this.#keep(chunk);
  }

  #keep(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    if (this.#buffered >= READ_AHEAD_BYTES) this.#socket?.pause();
  }

  /** Moves buffered bytes into `buf`; resumes the socket once below the read-ahead limit. */
  #take(buf: Uint8Array): number {
    let n = 0;
    while (n < buf.length && this.#head < this.#chunks.length) {
      const chunk = this.#chunks[this.#head];
      const k = Math.min(chunk.length, buf.length - n);
      buf.set(k === chunk.length ? chunk : chunk.subarray(0, k), n);
      n += k;
      if (k === chunk.length) this.#head++;
      else this.#chunks[this.#head] = chunk.subarray(k);
    }
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    }
    this.#buffered -= n;
    if (this.#buffered < READ_AHEAD_BYTES && this.#socket?.isPaused()) this.#socket.resume();
    return n;
  }

  /** A pending read learns of the end of the stream (null) or of the error. */
  #settleReader(): void {
    const reader = this.#reader;
    if (!reader) return;
    this.#reader = undefined;
    if (this.#error) reader.reject(this.#error);
    else reader.resolve(null);
  }
}
