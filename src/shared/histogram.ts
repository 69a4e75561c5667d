/**
 * A histogram with fixed bucket bounds, as Prometheus and OpenMetrics count
 * them: how many observations fell at or under each bound, their sum and
 * their count. acceptq keeps one per listener for the time connections waited
 * in the accept queue.
 *
 * @module
 */

/** Default bounds of the queue-time histogram, in seconds: 0.1 ms to 10 s. */
export const QUEUE_TIME_BOUNDS: readonly number[] = [
  0.0001,
  0.0005,
  0.001,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  10,
];

/** A histogram's state: cumulative counts per upper bound (the last is +Inf), sum and count. */
export interface HistogramSnapshot {
  /** Upper bounds, ascending; the implicit +Inf bucket is `count`. */
  bounds: readonly number[];
  /** `cumulative[i]`: observations <= bounds[i]. */
  cumulative: number[];
  /** The sum of all observations. */
  sum: number;
  /** How many observations. */
  count: number;
}

/**
 * Counts observations into buckets.
 *
 * @example
 * ```ts
 * import { Histogram } from "./histogram.ts";
 * const h = new Histogram([0.01, 0.1]);
 * h.observe(0.005);
 * h.observe(0.05);
 * h.observe(3);
 * console.log(h.snapshot().cumulative, h.snapshot().count); // [1, 2] 3
 * ```
 */
export class Histogram {
  readonly #bounds: readonly number[];
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  /** Makes a histogram with these upper bounds (finite, strictly ascending). Throws RangeError otherwise. */
  constructor(bounds: readonly number[] = QUEUE_TIME_BOUNDS) {
    if (bounds.length === 0 || bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= bounds[i - 1]))) {
      throw new RangeError("bounds must be finite and strictly ascending");
    }
    this.#bounds = [...bounds];
    this.#counts = new Array(bounds.length).fill(0);
  }

  /** Counts `value` (NaN is ignored). */
  observe(value: number): void {
    if (Number.isNaN(value)) return;
    this.#sum += value;
    this.#count++;
    const bounds = this.#bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        this.#counts[i]++;
        return;
      }
    }
  }

  /** The cumulative counts, sum and count now. */
  snapshot(): HistogramSnapshot {
    let running = 0;
    const cumulative = this.#counts.map((n) => running += n);
    return { bounds: this.#bounds, cumulative, sum: this.#sum, count: this.#count };
  }
}
