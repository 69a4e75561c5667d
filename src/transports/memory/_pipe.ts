/**
 * One direction of an in-memory connection: a byte ring with its waiting readers and writers.
 *
 * @module
 */

import { WinsockError, WSA } from "../../shared/errors.ts";
import { ByteRing } from "./_byte_ring.ts";
import { Fifo } from "./_fifo.ts";

export interface PendingRead {
  buf: Uint8Array;
  resolve(n: number | null): void;
  reject(error: unknown): void;
}

export interface PendingWrite {
  data: Uint8Array;
  done: number;
  resolve(n: number): void;
  reject(error: unknown): void;
}

/**
 * One direction of a connection: the writer's side puts bytes in, the reader's
 * side takes them out. Reads and writes are served in call order.
 */
export class Pipe {
  readonly ring: ByteRing;
  readonly #readers = new Fifo<PendingRead>();
  readonly #writers = new Fifo<PendingWrite>();
  /** The writer closed in order: once the ring is drained, reads resolve null. */
  #ended = false;
  /** When set, reads (and, below, writes) reject with this code from now on. */
  #readCode = 0;
  #writeCode = 0;

  constructor(bufferBytes: number) {
    this.ring = new ByteRing(bufferBytes);
  }

  read(buf: Uint8Array): Promise<number | null> {
    if (this.#readCode) return Promise.reject(new WinsockError(this.#readCode));
    if (buf.length === 0) return Promise.resolve(0);
    if (this.#readers.size === 0 && this.ring.size > 0) {
      const n = this.ring.shift(buf);
      this.#pump();
      return Promise.resolve(n);
    }
    if (this.#ended && this.ring.size === 0) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.#readers.push({ buf, resolve, reject });
      this.#pump();
    });
  }

  write(data: Uint8Array): Promise<number> {
    if (this.#writeCode) return Promise.reject(new WinsockError(this.#writeCode));
    if (data.length === 0) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      this.#writers.push({ data, done: 0, resolve, reject });
      this.#pump();
    });
  }

  /** The writer closed in order: pending writes reject with `code`; the reader drains, then reads null. */
  end(code: number): void {
    this.#ended = true;
    this.#rejectAll(this.#writers, code);
    this.#pump();
  }

  /**
   * The reader is gone (closed or reset): its pending reads reject with
   * `readerCode`, the writer's pending and future writes with WSAECONNRESET
   * (EPIPE-like), and the buffered bytes are discarded.
   */
  readerGone(readerCode: number): void {
    this.#readCode = readerCode;
    this.#writeCode = WSA.WSAECONNRESET;
    this.#rejectAll(this.#readers, readerCode);
    this.#rejectAll(this.#writers, WSA.WSAECONNRESET);
    this.ring.clear();
  }

  /**
   * The writer reset the connection: its pending writes reject with
   * `writerCode`, the reader's pending and future reads with WSAECONNRESET, and
   * the buffered bytes are discarded.
   */
  writerReset(writerCode: number): void {
    this.#readCode = WSA.WSAECONNRESET;
    this.#writeCode = writerCode;
    this.#rejectAll(this.#writers, writerCode);
    this.#rejectAll(this.#readers, WSA.WSAECONNRESET);
    this.ring.clear();
  }

  /** Moves bytes from pending writes into the ring and from the ring to pending reads until neither can move. */
  #pump(): void {
    const ring = this.ring;
    while (true) {
      for (let w = this.#writers.peek(); w && ring.space > 0; w = this.#writers.peek()) {
        w.done += ring.push(w.done === 0 ? w.data : w.data.subarray(w.done));
        if (w.done < w.data.length) break;
        this.#writers.shift();
        w.resolve(w.done);
      }
      if (this.#readers.size === 0 || ring.size === 0) break;
      while (this.#readers.size > 0 && ring.size > 0) {
        const r = this.#readers.shift()!;
        r.resolve(ring.shift(r.buf));
      }
    }
    if (this.#ended && ring.size === 0) {
      for (const r of this.#readers.drain()) r.resolve(null);
    }
  }

  #rejectAll<T extends { reject(error: unknown): void }>(queue: Fifo<T>, code: number): void {
    for (const item of queue.drain()) item.reject(new WinsockError(code));
  }
}
