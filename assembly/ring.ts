// The accept queue of one listener: a ring in the arena, driven by the
// free-running counters `in` and `out` of its table entry (Linux kfifo's scheme).
//
//   queued = in - out        (u32 arithmetic, correct across wrap-around)
//   slot   = ringAt + (counter & (2^ringCls - 1))
//
// The ring's capacity is a power of two >= the backlog; the backlog, not the
// capacity, is the limit on what `admit` accepts. Callers check emptiness and
// fullness; these helpers only move handles.

import { slotAddress } from "./arena";
import { IN, OUT, RING_AT, RING_CLS } from "./table";

@inline export function queued(e: usize): u32 {
  return load<u32>(e, IN) - load<u32>(e, OUT);
}

@inline function addressOf(e: usize, counter: u32): usize {
  const mask = (<u32>1 << load<u32>(e, RING_CLS)) - 1;
  return slotAddress(load<u32>(e, RING_AT) + (counter & mask));
}

/** Appends `handle` as the newest entry. */
@inline export function pushNewest(e: usize, handle: i32): void {
  const at = load<u32>(e, IN);
  store<i32>(addressOf(e, at), handle);
  store<u32>(e, at + 1, IN);
}

/** Removes and returns the oldest entry. */
@inline export function shiftOldest(e: usize): i32 {
  const at = load<u32>(e, OUT);
  store<u32>(e, at + 1, OUT);
  return load<i32>(addressOf(e, at));
}

/** Removes and returns the newest entry. */
@inline export function popNewest(e: usize): i32 {
  const at = load<u32>(e, IN) - 1;
  store<u32>(e, at, IN);
  return load<i32>(addressOf(e, at));
}

/** The entry `i` places after the oldest (0 is the oldest). */
@inline export function peek(e: usize, i: u32): i32 {
  return load<i32>(addressOf(e, load<u32>(e, OUT) + i));
}
