// Listener records: what a listening socket needs beyond its 16-byte table
// entry (its ring and its counters), 64 bytes each, in a pool after the ring
// arena. The pool starts empty at init and takes memory at the first listen
// that finds no free record (growing memory by whole 64 KiB pages, 1,024
// records each); a closed listener's record is reused by the next listen. So
// memory is 16 bytes per descriptor, 4 per queue slot and 64 per listener at
// the peak, and grows only when the number of listeners reaches a new peak.
//
// Record layout (byte offsets):
//
//    0        4        8        12       16       20       24       28
//   ┌────────┬────────┬────────┬────────┬────────┬────────┬────────┬────────┐
//   │ backlog│ ringAt │ ringCls│ in     │ out    │ highW  │ next   │        │  0
//   ├────────┴────────┼────────┴────────┼────────┴────────┼────────┴────────┤
//   │ admitted   u64  │ refused    u64  │ dropped    u64  │ taken      u64  │ 32
//   └─────────────────┴─────────────────┴─────────────────┴─────────────────┘
//
//   ringAt   first arena slot of the ring; ringCls its log2 capacity
//   in, out  free-running ring counters (kfifo): queued = in - out
//   next     next free record (-1 ends the list); meaningful only while free

@inline export const RECORD_SHIFT: u32 = 6; // 64-byte records
@inline export const BACKLOG: usize = 0;
@inline export const RING_AT: usize = 4;
@inline export const RING_CLS: usize = 8;
@inline export const IN: usize = 12;
@inline export const OUT: usize = 16;
@inline export const HIGH_WATER: usize = 20;
@inline const NEXT: usize = 24;
@inline export const ADMITTED: usize = 32;
@inline export const REFUSED: usize = 40;
@inline export const DROPPED: usize = 48;
@inline export const TAKEN: usize = 56;

let pool: usize = 0;
let laidOut: u32 = 0; // records ever handed out since init
let freeHead: i32 = -1;

/** Starts an empty pool at `at` (16-byte aligned). */
export function resetListeners(at: usize): void {
  pool = at;
  laidOut = 0;
  freeHead = -1;
}

/** Address of record `i`. */
@inline export function recordAt(i: u32): usize {
  return pool + (<usize>i << RECORD_SHIFT);
}

/** A zeroed record's index, or -1 when memory cannot grow for it. */
export function allocRecord(): i32 {
  let i = freeHead;
  if (i >= 0) {
    freeHead = load<i32>(recordAt(<u32>i), NEXT);
  } else {
    if (!reach(recordAt(laidOut + 1))) return -1;
    i = <i32>laidOut;
    laidOut++;
  }
  memory.fill(recordAt(<u32>i), 0, 1 << RECORD_SHIFT);
  return i;
}

/** Grows memory, if needed, to hold byte `end` - 1; false when it cannot grow. */
export function reach(end: usize): bool {
  const have = <usize>memory.size() << 16;
  return end <= have || memory.grow(<i32>((end - have + 0xffff) >> 16)) >= 0;
}

/** Returns record `i` to the pool. */
export function freeRecord(i: u32): void {
  store<i32>(recordAt(i), freeHead, NEXT);
  freeHead = <i32>i;
}
