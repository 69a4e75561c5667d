// Ring storage: one arena of i32 slots, sized at init, lent to listeners in
// power-of-two blocks (a ring of capacity 2^c is a block of class c).
//
//   arena  ┌──────────── blocks in use or on free lists ────────────┬── untouched ──┐
//          │ c=3 │ c=0│c=0│     c=5 (free)     │ c=3 │ ...           │               │
//          └─────────────────────────────────────────────────────────┴───────────────┘
//                                                                    ^ bump
//
// A request for class c is served, in this order, from class c's free list, from
// the untouched tail, or by splitting the smallest larger free block (its upper
// halves go on the free lists of the classes in between). Free blocks are never
// merged again, so a long mix of sizes can fragment the arena; a listen that finds
// no block gets WSAENOBUFS. Free lists are threaded through each free block's
// first slot.

import { MAX_RING_CLASS as MAX_CLASS } from "./abi";

let slots: usize = 0; // address of slot 0
let size: u32 = 0;
let bump: u32 = 0;
let heads: usize = 0; // MAX_CLASS + 1 list heads (i32 slot index, -1 empty)

/** Bytes the arena needs: its slots plus the list heads. */
@inline export function arenaBytes(slotCount: u32): usize {
  return (<usize>slotCount << 2) + ((<usize>MAX_CLASS + 1) << 2);
}

/** Lays out an empty arena of `slotCount` slots at `at`. */
export function resetArena(at: usize, slotCount: u32): void {
  heads = at;
  slots = at + ((<usize>MAX_CLASS + 1) << 2);
  size = slotCount;
  bump = 0;
  for (let c = 0; c <= MAX_CLASS; c++) store<i32>(heads + (<usize>c << 2), -1);
}

/** Address of arena slot `index`. */
@inline export function slotAddress(index: u32): usize {
  return slots + (<usize>index << 2);
}

/** Smallest class whose capacity holds `n` (n >= 1). */
@inline export function classFor(n: u32): i32 {
  return n <= 1 ? 0 : <i32>(32 - clz<u32>(n - 1));
}

@inline function headOf(c: i32): i32 {
  return load<i32>(heads + (<usize>c << 2));
}

@inline function push(c: i32, at: u32): void {
  store<i32>(slotAddress(at), headOf(c));
  store<i32>(heads + (<usize>c << 2), <i32>at);
}

@inline function pop(c: i32): i32 {
  const at = headOf(c);
  if (at >= 0) store<i32>(heads + (<usize>c << 2), load<i32>(slotAddress(<u32>at)));
  return at;
}

/** First slot of a new block of class `c`, or -1 when the arena cannot serve it. */
export function allocBlock(c: i32): i32 {
  const reused = pop(c);
  if (reused >= 0) return reused;
  const n: u32 = 1 << c;
  if (n <= size - bump) {
    const at = bump;
    bump += n;
    return <i32>at;
  }
  for (let j = c + 1; j <= MAX_CLASS; j++) {
    const at = pop(j);
    if (at < 0) continue;
    for (let k = j - 1; k >= c; k--) push(k, <u32>at + (1 << k));
    return at;
  }
  return -1;
}

/** Returns a block of class `c` starting at `at` to its free list. */
export function freeBlock(c: i32, at: u32): void {
  push(c, at);
}
