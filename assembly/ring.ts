// The accept queue of one listener: a ring in the arena, driven by the
// free-running counters `in` and `out` of its listener record (Linux kfifo's
// scheme).
//
//   queued = in - out        (u32 arithmetic, correct across wrap-around)
//   slot   = ringAt + (counter & (2^ringCls - 1))
//
// The ring's capacity is a power of two >= the backlog; the backlog, not the
// capacity, is the limit on what `admit` accepts. Callers check emptiness and
// fullness; these helpers only move handles. `r` is a record's address.

import { slotAddress } from "./arena";
import { IN, OUT, RING_AT, RING_CLS } from "./listeners";

@inline export function queued(r: usize): u32 {
  return load<u32>(r, IN) - load<u32>(r, OUT);
}

@inline function addressOf(r: usize, counter: u32): usize {
  const mask = (<u32>1 << load<u32>(r, RING_CLS)) - 1;
  return slotAddress(load<u32>(r, RING_AT) + (counter & mask));
}

/** Appends `handle` as the newest entry. */
@inline export function pushNewest(r: usize, handle: i32): void {
  const at = load<u32>(r, IN);
  store<i32>(addressOf(r, at), handle);
  store<u32>(r, at + 1, IN);
}

/** Removes and returns the oldest entry. */
@inline export function shiftOldest(r: usize): i32 {
  const at = load<u32>(r, OUT);
  store<u32>(r, at + 1, OUT);
  return load<i32>(addressOf(r, at));
}

/** Removes and returns the newest entry. */
@inline export function popNewest(r: usize): i32 {
  const at = load<u32>(r, IN) - 1;
  store<u32>(r, at, IN);
  return load<i32>(addressOf(r, at));
}

/** The entry `i` places after the oldest (0 is the oldest). */
@inline export function peek(r: usize, i: u32): i32 {
  return load<i32>(addressOf(r, load<u32>(r, OUT) + i));
}
