/**
 * The shape of one burst of accept-queue traffic, shared by every contender of
 * the benchmarks (bench/core/_traffic_core.ts, bench/core/_traffic_plain.ts):
 *
 * 1. `ARRIVALS` pending connections arrive at a listener whose backlog is `BACKLOG`;
 *    their handles are the next `ARRIVALS` integers of a counter that starts at 0.
 *    The first `BACKLOG` are admitted, the rest refused (queue full).
 * 2. The acceptor takes every queued handle, oldest first; each take allocates a
 *    new descriptor.
 * 3. Every accepted descriptor is closed.
 *
 * A burst returns a checksum: the refused count, then every taken handle in the
 * order taken, folded by `mix`. It is order-sensitive, so a contender that loses,
 * duplicates or reorders a handle disagrees with `expectedChecksum`.
 *
 * Nothing here is run on its own; see bench/core/core_bench.ts.
 *
 * @module
 */

/** Descriptors in the socket table of every contender. */
export const TABLE_CAPACITY = 1024;
/** Queue slots in the core's ring arena. */
export const QUEUE_SLOTS = 65536;
/** The listener's backlog (`listen(s, 12, 0)`). */
export const BACKLOG = 12;
/** Pending connections per burst: `BACKLOG` admitted, the rest refused. */
export const ARRIVALS = 16;
/**
 * Bursts per benchmark iteration. At ~0.2 µs a burst, one burst per iteration is
 * at the mercy of `deno bench`'s choice of timing mode (it times each iteration
 * on its own, adding the timer's cost, whenever its 10 ms warm-up averages more
 * than 10 µs, which one GC pause at the start does; Deno 2.9 ignores the `warmup`
 * option). At 100 bursts an iteration takes 15-30 µs, and both modes time it alike.
 */
export const BURSTS_PER_ITERATION = 100;
/** Handles wrap at 2^30, a multiple of `ARRIVALS`, so a burst's handles are always increasing. */
export const HANDLE_MASK: number = (1 << 30) - 1;

/** What a listener has counted since it started listening. */
export interface Counters {
  admitted: number;
  refused: number;
  taken: number;
  highWater: number;
  /** Handles queued now (0 between bursts). */
  queued: number;
  /** Free descriptors left in the table (all but the listener's between bursts). */
  freeDescriptors: number;
}

/** One contender: a burst function over state it set up itself. */
export interface Traffic {
  /** Runs one burst and returns its checksum. */
  burst(): number;
  /** The listener's counters and the table's free count, read from the contender's own state. */
  counters(): Counters;
}

/** Folds `value` into the checksum `sum` (order-sensitive, 32-bit). */
export function mix(sum: number, value: number): number {
  return (Math.imul(sum, 31) + value) | 0;
}

/** The checksum burst number `index` (from 0) of a fresh contender must return. */
export function expectedChecksum(index: number): number {
  const base = (index * ARRIVALS) & HANDLE_MASK;
  let sum = ARRIVALS - BACKLOG;
  for (let i = 0; i < BACKLOG; i++) sum = mix(sum, base + i);
  return sum;
}

/** The counters every contender must show after `bursts` bursts. */
export function expectedCounters(bursts: number): Counters {
  return {
    admitted: bursts * BACKLOG,
    refused: bursts * (ARRIVALS - BACKLOG),
    taken: bursts * BACKLOG,
    highWater: bursts > 0 ? BACKLOG : 0,
    queued: 0,
    freeDescriptors: TABLE_CAPACITY - 1,
  };
}
