/**
 * The bytes in flight in one direction of an in-memory connection.
 *
 * @module
 */

/** A ring's first allocation (or `bufferBytes` when smaller); it doubles up to `bufferBytes`. */
const RING_START_BYTES = 4096;
const EMPTY = new Uint8Array(0);

/**
 * Bytes in flight in one direction: a ring of at most `max` bytes.
 *
 * ```
 * buf:  [ . . . D D D D D . . . ]   D = buffered bytes, size = 5
 *              ^head      ^head + size (mod buf.length): where the next write goes
 * ```
 * `buf` starts empty, is allocated on the first write and doubles (up to `max`)
 * when a write needs more room; growing copies the buffered bytes to the start.
 */
export class ByteRing {
  readonly max: number;
  #buf: Uint8Array = EMPTY;
  #head = 0;
  #size = 0;

  constructor(max: number) {
    this.max = max;
  }

  /** Bytes buffered now. */
  get size(): number {
    return this.#size;
  }

  /** Bytes that can be written before the ring is full. */
  get space(): number {
    return this.max - this.#size;
  }

  /** Copies as much of `src` as fits; returns the byte count. */
  push(src: Uint8Array): number {
    const n = Math.min(src.length, this.max - this.#size);
    if (n === 0) return 0;
    this.#reserve(this.#size + n);
    const cap = this.#buf.length;
    let tail = this.#head + this.#size;
    if (tail >= cap) tail -= cap;
    const first = Math.min(n, cap - tail);
    this.#buf.set(first === src.length ? src : src.subarray(0, first), tail);
    if (first < n) this.#buf.set(src.subarray(first, n), 0);
    this.#size += n;
    return n;
  }

  /** Moves up to `dst.length` buffered bytes into `dst`; returns the byte count. */
  shift(dst: Uint8Array): number {
    const n = Math.min(dst.length, this.#size);
    if (n === 0) return 0;
    const cap = this.#buf.length;
    const first = Math.min(n, cap - this.#head);
    dst.set(this.#buf.subarray(this.#head, this.#head + first));
    if (first < n) dst.set(this.#buf.subarray(0, n - first), first);
    this.#size -= n;
    this.#head = this.#size === 0 ? 0 : (this.#head + n) % cap;
    return n;
  }

  /** Discards the buffered bytes and releases the storage. */
  clear(): void {
    this.#buf = EMPTY;
    this.#head = 0;
    this.#size = 0;
  }

  #reserve(needed: number): void {
    const old = this.#buf;
    if (needed <= old.length) return;
    let cap = Math.max(old.length * 2, RING_START_BYTES);
    while (cap < needed) cap *= 2;
    const next = new Uint8Array(Math.min(cap, this.max));
    const first = Math.min(this.#size, old.length - this.#head);
    next.set(old.subarray(this.#head, this.#head + first));
    if (first < this.#size) next.set(old.subarray(0, this.#size - first), first);
    this.#buf = next;
    this.#head = 0;
  }
}
