/**
 * The socket-table work of the plain-TypeScript contenders (denque, array), written
 * as a competent TypeScript programmer would, so that they differ from the core only
 * in where the queue lives: typed arrays, a free list of slots reused oldest first,
 * descriptors that carry a wide generation and an epoch as the core encodes them
 * (`gen * 2^idxBits + slot`, an integer below 2^53), rejected unless exact, and the
 * listener's counters in plain fields.
 *
 * Nothing here is run on its own; see bench/core/core_bench.ts.
 *
 * @module
 */

import { CoreLimits } from "../../src/core/_abi.ts";

/** A socket table: allocate and close descriptors, with stale-descriptor detection. */
export class SocketTable {
  readonly #gen: Float64Array;
  readonly #next: Int32Array;
  readonly #live: Uint8Array;
  readonly #span: number;
  readonly #firstGen: number;
  /** One past the epoch's last generation: the counter wraps there. */
  readonly #genEnd: number;
  #freeHead = 0;
  #freeTail: number;
  #freeCount: number;

  /** A table of `capacity` free slots, allocated in ascending order, under `epoch`. */
  constructor(capacity: number, epoch = 1) {
    const idxBits = capacity <= 2 ? 1 : 32 - Math.clz32(capacity - 1);
    this.#span = 2 ** idxBits;
    const counterSpan = 2 ** (CoreLimits.descriptorBits - CoreLimits.epochBits - idxBits);
    this.#firstGen = epoch * counterSpan + 1;
    this.#genEnd = (epoch + 1) * counterSpan;
    this.#gen = new Float64Array(capacity).fill(this.#firstGen);
    this.#next = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.#next[i] = i + 1 < capacity ? i + 1 : -1;
    this.#live = new Uint8Array(capacity);
    this.#freeTail = capacity - 1;
    this.#freeCount = capacity;
  }

  /** A new descriptor (> 0), or -1 when the table is full. */
  allocate(): number {
    const i = this.#freeHead;
    if (i < 0) return -1;
    this.#freeHead = this.#next[i];
    if (this.#freeHead < 0) this.#freeTail = -1;
    this.#freeCount--;
    this.#live[i] = 1;
    return this.#gen[i] * this.#span + i;
  }

  /** Frees live descriptor `d`: 0, or -1 when `d` is not live (stale, double close, not an integer). */
  close(d: number): number {
    if (!(d >= 1 && d < 2 ** 53) || !Number.isInteger(d)) return -1;
    const gen = Math.floor(d / this.#span);
    const i = d - gen * this.#span;
    if (i >= this.#live.length || this.#live[i] === 0 || this.#gen[i] !== gen) return -1;
    const next = gen + 1;
    this.#gen[i] = next === this.#genEnd ? this.#firstGen : next;
    this.#live[i] = 0;
    this.#next[i] = -1;
    if (this.#freeTail < 0) this.#freeHead = i;
    else this.#next[this.#freeTail] = i;
    this.#freeTail = i;
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
