/**
 * Small integer handles for the pending connections the core queues. A handle
 * is an index into an array; freed indexes are reused, so handles stay small and
 * the array never grows past the most connections pending at once.
 *
 * @module
 */

/** A table of values addressed by small non-negative integer handles. */
export class HandleTable<T> {
  #items: (T | undefined)[] = [];
  #free: number[] = [];
  #size = 0;

  /** Stores `item`; returns its handle. */
  add(item: T): number {
    const handle = this.#free.pop() ?? this.#items.length;
    this.#items[handle] = item;
    this.#size++;
    return handle;
  }

  /** Removes and returns the item under `handle` (undefined if none). */
  take(handle: number): T | undefined {
    const item = this.#items[handle];
    if (item === undefined) return undefined;
    this.#items[handle] = undefined;
    this.#free.push(handle);
    this.#size--;
    return item;
  }

  /** How many items are stored. */
  get size(): number {
    return this.#size;
  }
}
