/**
 * A connection accepted on a native TCP handle (src/transports/_node_tcp.ts),
 * as a StreamConn. Until it is used it is only the handle, so a refusal costs
 * an accept and a reset (`reset()`: a bare RST). Its first read, write or
 * other use moves the socket into a Deno.TcpConn (the handle's `takeStream`),
 * so an admitted connection's bytes go through Deno exactly as on a
 * Deno.listen listener (the `adopt` the transport gives: its TcpStream); a
 * later `reset()` is then an orderly close, as there. Where no Deno.TcpConn
 * can be made (src/transports/_tcp_conn_class.ts), a node:net Socket carries
 * the bytes instead (src/transports/_socket_stream.ts).
 *
 * @module
 */

import { WinsockError, WSA } from "../shared/errors.ts";
import type { SockAddr } from "../shared/_sockaddr.ts";
import type { StreamConn } from "./transport.ts";
import type { TcpHandle } from "./_node_tcp.ts";
import { handleAddr, SocketStream } from "./_socket_stream.ts";
import { knowsTcpConnClass, tcpConnFromRid } from "./_tcp_conn_class.ts";

/** Wraps and counts a Deno connection (the transport's `track`). */
export type Adopt = (conn: Deno.TcpConn) => StreamConn;

function closed(): Promise<never> {
  return Promise.reject(new WinsockError(WSA.WSAENOTSOCK, "the connection is closed"));
}

function netAddr(addr: SockAddr): Deno.NetAddr {
  return { transport: "tcp", hostname: addr.address, port: addr.port };
}

/** An accepted handle, undecided until first used. */
export class HandleStream implements StreamConn {
  #handle: TcpHandle;
  #onClose: () => void;
  #adopt: Adopt;
  #inner: StreamConn | undefined;
  #closed = false;
  /** `setRef` before first use, applied to the stream made then. */
  #ref = true;
  #local: SockAddr | undefined;
  #remote: SockAddr | undefined;

  /**
   * `onClose` is called once when this stream is closed, reset, detached or
   * handed to `adopt`; `local` is this end's address when the listener knows it
   * (one bound to a specific address), saving a getsockname per connection.
   */
  constructor(handle: TcpHandle, onClose: () => void, adopt: Adopt, local?: SockAddr) {
    this.#handle = handle;
    this.#onClose = onClose;
    this.#adopt = adopt;
    this.#local = local;
  }

  /** This end's address (the listener's, or asked of the handle when first needed: a refusal never needs it). */
  get local(): SockAddr {
    return this.#inner?.local ?? (this.#local ??= handleAddr(this.#handle, "getsockname"));
  }

  /** The peer's address (asked of the handle when first needed). */
  get remote(): SockAddr {
    return this.#inner?.remote ?? (this.#remote ??= handleAddr(this.#handle, "getpeername"));
  }

  read(buf: Uint8Array): Promise<number | null> {
    return this.#use()?.read(buf) ?? closed();
  }

  write(data: Uint8Array): Promise<number> {
    return this.#use()?.write(data) ?? closed();
  }

  available(): number {
    return this.#use()?.available?.() ?? 0;
  }

  closeWrite(): void {
    this.#use()?.closeWrite?.();
  }

  setRef(on: boolean): void {
    if (this.#inner) return this.#inner.setRef?.(on);
    if (this.#closed) return;
    this.#ref = on;
    if (on) this.#handle.ref();
    else this.#handle.unref();
  }

  /** The socket as a Deno.TcpConn for a new owner, when one can be made and nothing was read ahead. */
  detach(): Deno.Conn | undefined {
    if (this.#inner) return this.#inner.detach?.();
    if (this.#closed) return undefined;
    const conn = this.#take();
    if (!conn) return undefined;
    this.#closed = true;
    this.#onClose();
    return conn;
  }

  close(): void {
    if (this.#inner) return this.#inner.close();
    if (this.#closed) return;
    this.#closed = true;
    void this.local; // the addresses stay readable after the close
    void this.remote;
    this.#handle.close();
    this.#onClose();
  }

  reset(): void {
    if (this.#inner) return this.#inner.reset();
    if (this.#closed) return;
    this.#closed = true;
    this.#handle.reset(); // SO_LINGER 0: the close sends RST
    this.#handle.close();
    this.#onClose();
  }

  /** The stream that carries the bytes, made on first use; undefined once closed unused. */
  #use(): StreamConn | undefined {
    if (this.#inner) return this.#inner;
    if (this.#closed) return undefined;
    const conn = this.#take();
    if (conn) {
      this.#onClose(); // handed over: the transport counts the TcpStream instead
      this.#inner = this.#adopt(conn);
    } else {
      this.#inner = new SocketStream(this.#handle, this.#onClose);
    }
    if (!this.#ref) this.#inner.setRef?.(false);
    return this.#inner;
  }

  /** Moves the socket out of the handle into a Deno.TcpConn, when Deno's class is known. */
  #take(): Deno.TcpConn | undefined {
    if (!knowsTcpConnClass()) return undefined;
    const local = netAddr(this.local);
    const remote = netAddr(this.remote);
    let rid: unknown;
    try {
      rid = this.#handle.takeStream();
    } catch {
      return undefined;
    }
    if (typeof rid !== "number") return undefined;
    this.#handle.close(); // empty now: the socket belongs to the TcpConn
    return tcpConnFromRid(rid, local, remote);
  }
}
