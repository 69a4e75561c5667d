/**
 * The socket-table work of the plain-TypeScript contenders (denque, array), written
 * as a competent TypeScript programmer would, so that they differ from the core only
 * in where the queue lives: typed arrays, a free list of slots, descriptors that
 * carry a generation (`(gen << idxBits) | slot`, as the core encodes them), and the
 * listener's counters in plain fields.
 *
 * Nothing here is run on its own; see bench/core/core_bench.ts.
 *
 * @module
 */

/** A socket table: allocate and close descriptors, with stale-descriptor detection. */
export class SocketTable {
  readonly #gen: Int32Array;
  readonly #next: Int32Array;
  readonly #live: Uint8Array;
  readonly #idxBits: number;
  readonly #idxMask: number;
  readonly #genLimit: number;
  #freeHead = 0;
  #freeCount: number;

  /** A table of `capacity` free slots, allocated in ascending order. */
  constructor(capacity: number) {
    this.#gen = new Int32Array(capacity).fill(1);
    this.#next = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.#next[i] = i + 1 < capacity ? i + 1 : -1;
    this.#live = new Uint8Array(capacity);
    this.#idxBits = capacity <= 2 ? 1 : 32 - Math.clz32(capacity - 1);
    this.#idxMask = (1 << this.#idxBits) - 1;
    this.#genLimit = 1 << (31 - this.#idxBits);
    this.#freeCount = capacity;
  }

  /** A new descriptor (> 0), or -1 when the table is full. */
  allocate(): number {
    const i = this.#freeHead;
    if (i < 0) return -1;
    this.#freeHead = this.#next[i];
    this.#freeCount--;
    this.#live[i] = 1;
    return (this.#gen[i] << this.#idxBits) | i;
  }

  /** Frees live descriptor `d`: 0, or -1 when `d` is not live (stale, double close). */
  close(d: number): number {
    const i = d & this.#idxMask;
    if (d <= 0 || i >= this.#live.length || this.#live[i] === 0 || this.#gen[i] !== d >>> this.#idxBits) {
      return -1;
    }
    const gen = this.#gen[i] + 1;
    this.#gen[i] = gen >= this.#genLimit ? 1 : gen;
    this.#live[i] = 0;
    this.#next[i] = this.#freeHead;
    this.#freeHead = i;
    this.#freeCount++;
    return 0;
  }

  /** Free descriptors left. */
  get freeCount(): number {
    return this.#freeCount;
  }
}

/** A listener's counters, kept beside its queue. */
export class ListenerCounters {
  /** Connections queued. */
  admitted = 0;
  /** Connections refused because the queue held `backlog` handles. */
  refused = 0;
  /** Connections taken by the acceptor. */
  taken = 0;
  /** Most connections queued at once. */
  highWater = 0;
}
