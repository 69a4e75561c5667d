/**
 * The burst of bench/core/_burst.ts in plain TypeScript, with the queue in npm:denque or
 * in a JavaScript Array (push to enqueue, shift to dequeue, length for fullness),
 * and the socket-table work of bench/core/_socket_table.ts. These are the "what if there
 * were no core" contenders: the same observable results (refused count, handles in
 * FIFO order, valid descriptors, counters), without the core's error checking of
 * descriptors passed in from outside.
 *
 * The two factories are written out separately, on purpose: one function generic
 * over the queue makes its call sites polymorphic and slows both down (measured
 * beside these, fastest iteration of two runs: 20–40 % slower).
 *
 * Nothing here is run on its own; see bench/core/core_bench.ts.
 *
 * @module
 */

import Denque from "denque";
import {
  ARRIVALS,
  BACKLOG,
  type Counters,
  HANDLE_MASK,
  mix,
  TABLE_CAPACITY,
  type Traffic,
} from "./_burst.ts";
import { ListenerCounters, SocketTable } from "./_socket_table.ts";

function plainCounters(c: ListenerCounters, queued: number, table: SocketTable): Counters {
  return {
    admitted: c.admitted,
    refused: c.refused,
    taken: c.taken,
    highWater: c.highWater,
    queued,
    freeDescriptors: table.freeCount,
  };
}

/** The queue in npm:denque. */
export function denqueTraffic(): Traffic {
  const table = new SocketTable(TABLE_CAPACITY);
  table.allocate(); // the listener's own descriptor
  const queue = new Denque<number>();
  const c = new ListenerCounters();
  const fds = new Float64Array(ARRIVALS);
  let next = 0;
  return {
    burst(): number {
      const base = next;
      next = (next + ARRIVALS) & HANDLE_MASK;
      let refused = 0;
      for (let i = 0; i < ARRIVALS; i++) {
        const n = queue.length;
        if (n >= BACKLOG) {
          c.refused++;
          refused++;
          continue;
        }
        queue.push(base + i);
        c.admitted++;
        if (n + 1 > c.highWater) c.highWater = n + 1;
      }
      let sum = refused;
      let k = 0;
      while (queue.length !== 0) {
        const d = table.allocate();
        if (d < 0) break;
        sum = mix(sum, queue.shift()!);
        c.taken++;
        fds[k++] = d;
      }
      for (let j = 0; j < k; j++) table.close(fds[j]);
      return sum;
    },
    counters: () => plainCounters(c, queue.length, table),
  };
}

/** The queue in a plain JavaScript Array. */
export function arrayTraffic(): Traffic {
  const table = new SocketTable(TABLE_CAPACITY);
  table.allocate(); // the listener's own descriptor
  const queue: number[] = [];
  const c = new ListenerCounters();
  const fds = new Float64Array(ARRIVALS);
  let next = 0;
  return {
    burst(): number {
      const base = next;
      next = (next + ARRIVALS) & HANDLE_MASK;
      let refused = 0;
      for (let i = 0; i < ARRIVALS; i++) {
        const n = queue.length;
        if (n >= BACKLOG) {
          c.refused++;
          refused++;
          continue;
        }
        queue.push(base + i);
        c.admitted++;
        if (n + 1 > c.highWater) c.highWater = n + 1;
      }
      let sum = refused;
      let k = 0;
      while (queue.length !== 0) {
        const d = table.allocate();
        if (d < 0) break;
        sum = mix(sum, queue.shift()!);
        c.taken++;
        fds[k++] = d;
      }
      for (let j = 0; j < k; j++) table.close(fds[j]);
      return sum;
    },
    counters: () => plainCounters(c, queue.length, table),
  };
}
