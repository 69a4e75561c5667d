/**
 * An accepted acceptq connection (or any `Deno.Conn`) as a Node.js socket: a `node:stream` Duplex
 * with the parts of `net.Socket` that `node:http`, `node:https` (TLS),
 * `@hono/node-server` and Express use, so that a Node server handles acceptq's
 * admitted connections unchanged through `server.emit("connection", socket)`.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { Duplex } from "node:stream";

/** Bytes asked for per read. */
const READ_BYTES = 64 * 1024;

/**
 * A `net.Socket`-like Duplex over an acceptq `Connection` (or any `Deno.Conn`): reads, writes,
 * half close (`end()` sends FIN), idle timeouts (`setTimeout`, which the HTTP
 * server uses for keep-alive), and the addresses.
 *
 * @example Serving one request with node:http
 * ```ts
 * import { createServer } from "node:http";
 * import { NodeSocket } from "../../http.ts";
 * import { listen } from "../../listener.ts";
 * await using listener = listen({ hostname: "127.0.0.1", backlog: 4 });
 * const server = createServer((_req, res) => res.end("hello"));
 * const answered = fetch(`http://127.0.0.1:${listener.addr.port}/`).then((r) => r.text());
 * server.emit("connection", new NodeSocket(await listener.accept()));
 * console.log(await answered); // "hello"
 * server.close();
 * ```
 */
export class NodeSocket extends Duplex {
  /** The connection underneath. */
  readonly connection: Deno.Conn<Deno.NetAddr>;
  /** The peer's IP address, as `net.Socket.remoteAddress`. */
  readonly remoteAddress: string;
  /** The peer's port. */
  readonly remotePort: number;
  /** "IPv4" or "IPv6". */
  readonly remoteFamily: string;
  /** This end's IP address. */
  readonly localAddress: string;
  /** This end's port. */
  readonly localPort: number;
  /** Bytes read so far. */
  bytesRead = 0;
  /** Bytes written so far. */
  bytesWritten = 0;
  /** Set once connected, as on `net.Socket` (always: the connection is accepted). */
  readonly connecting = false;
  #reading = false;
  #idleMs = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Wraps `connection`; the socket owns it from now on (destroying the socket closes it). */
  constructor(connection: Deno.Conn<Deno.NetAddr>) {
    super({ allowHalfOpen: false });
    this.connection = connection;
    this.remoteAddress = connection.remoteAddr.hostname;
    this.remotePort = connection.remoteAddr.port;
    this.remoteFamily = connection.remoteAddr.hostname.includes(":") ? "IPv6" : "IPv4";
    this.localAddress = connection.localAddr.hostname;
    this.localPort = connection.localAddr.port;
  }

  /** This end's address, as `net.Socket.address()`. */
  address(): { address: string; family: string; port: number } {
    return { address: this.localAddress, family: this.remoteFamily, port: this.localPort };
  }

  /**
   * After `ms` without reading or writing, emits "timeout" (0 turns it off),
   * as `net.Socket.setTimeout`; `onTimeout` is added as a "timeout" listener once.
   */
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.#idleMs = ms;
    if (onTimeout) this.once("timeout", onTimeout);
    this.#touch();
    return this;
  }

  /** Accepted for compatibility (Deno's TCP sockets already send at once). */
  setNoDelay(_noDelay?: boolean): this {
    return this;
  }

  /** Accepted for compatibility. */
  setKeepAlive(_enable?: boolean, _initialDelay?: number): this {
    return this;
  }

  /** Pending reads keep the process alive (the default). */
  ref(): this {
    this.connection.ref();
    return this;
  }

  /** Pending reads no longer keep the process alive. */
  unref(): this {
    this.connection.unref();
    return this;
  }

  /** Ends the writable side once it is flushed, then destroys the socket, as `net.Socket.destroySoon`. */
  destroySoon(): void {
    if (this.writableFinished) this.destroy();
    else this.end(() => this.destroy());
  }

  /** Starts one read of the connection (stream internals). */
  override _read(_size: number): void {
    if (this.#reading) return;
    this.#reading = true;
    const buf = new Uint8Array(READ_BYTES);
    this.connection.read(buf).then(
      (n) => {
        this.#reading = false;
        this.#touch();
        if (n === null) {
          this.push(null);
          return;
        }
        this.bytesRead += n;
        this.push(Buffer.from(buf.buffer, 0, n));
      },
      (error) => {
        this.#reading = false;
        this.destroy(error);
      },
    );
  }

  /** Writes one chunk to the connection (stream internals). */
  override _write(chunk: Uint8Array, _encoding: string, callback: (error?: Error | null) => void): void {
    this.connection.write(chunk).then(
      (n) => {
        this.bytesWritten += n;
        this.#touch();
        callback();
      },
      callback,
    );
  }

  /**
   * Writes chunks queued together (a corked response: head, body, chunked
   * terminator) as one write, so that they leave in one segment instead of
   * several small ones that Nagle's algorithm and delayed ACKs would hold back.
   */
  override _writev(
    chunks: { chunk: Uint8Array; encoding: string }[],
    callback: (error?: Error | null) => void,
  ): void {
    const total = chunks.reduce((sum, c) => sum + c.chunk.length, 0);
    const joined = new Uint8Array(total);
    let at = 0;
    for (const { chunk } of chunks) {
      joined.set(chunk, at);
      at += chunk.length;
    }
    this._write(joined, "buffer", callback);
  }

  /** `end()`: half closes the connection, the peer reads the end of the stream (stream internals). */
  override _final(callback: (error?: Error | null) => void): void {
    this.connection.closeWrite().then(() => callback(), () => callback());
  }

  /** Closes the connection (stream internals). */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      this.connection.close();
    } catch {
      // A Deno.Conn closed underneath already (an acceptq Connection's close is idempotent).
    }
    callback(error);
  }

  /** Restarts the idle timer after activity. */
  #touch(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#idleMs > 0 && !this.destroyed) {
      this.#timer = setTimeout(() => this.emit("timeout"), this.#idleMs);
    }
  }
}
