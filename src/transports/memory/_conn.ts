/**
 * One side of an in-memory connection: a pipe in, a pipe out.
 *
 * @module
 */

import { WinsockError, WSA } from "../../shared/errors.ts";
import type { SockAddr } from "../../shared/_sockaddr.ts";
import type { StreamConn } from "../transport.ts";
import type { Pipe } from "./_pipe.ts";

/** One side of an in-memory connection. */
export class MemoryConn implements StreamConn {
  readonly local: SockAddr;
  readonly remote: SockAddr;
  readonly #in: Pipe;
  readonly #out: Pipe;
  #released = false;
  readonly #onRelease: () => void;

  constructor(local: SockAddr, remote: SockAddr, input: Pipe, output: Pipe, onRelease: () => void) {
    this.local = local;
    this.remote = remote;
    this.#in = input;
    this.#out = output;
    this.#onRelease = onRelease;
  }

  read(buf: Uint8Array): Promise<number | null> {
    if (!(buf instanceof Uint8Array)) return Promise.reject(new TypeError("buf must be a Uint8Array"));
    if (this.#released) return Promise.reject(new WinsockError(WSA.WSAENOTSOCK, "the connection was closed"));
    return this.#in.read(buf);
  }

  write(data: Uint8Array): Promise<number> {
    if (!(data instanceof Uint8Array)) return Promise.reject(new TypeError("data must be a Uint8Array"));
    if (this.#released) return Promise.reject(new WinsockError(WSA.WSAENOTSOCK, "the connection was closed"));
    return this.#out.write(data);
  }

  /** Half close: the peer drains what was written, then reads the end of the stream. */
  closeWrite(): void {
    if (!this.#released) this.#out.end(WSA.WSAESHUTDOWN);
  }

  /** The bytes buffered towards this side. */
  available(): number {
    return this.#released ? 0 : this.#in.ring.size;
  }

  close(): void {
    this.#release(false);
  }

  reset(): void {
    this.#release(true);
  }

  /** Ends this side once: the peer reads what was written, then the end of the stream (or, `abortive`, a reset). */
  #release(abortive: boolean): void {
    if (this.#released) return;
    this.#released = true;
    this.#in.readerGone(WSA.WSAEINTR);
    if (abortive) this.#out.writerReset(WSA.WSAEINTR);
    else this.#out.end(WSA.WSAEINTR);
    this.#onRelease();
  }
}
