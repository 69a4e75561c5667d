// The socket table: one 16-byte entry per descriptor slot, a free list that
// rotates slots (oldest freed first), and descriptors that carry a wide
// generation so a stale one is detected.
//
// Entry layout (byte offsets):
//
//    0                 8      9      10     11     12
//   ┌─────────────────┬──────┬──────┬──────┬──────┬─────────┐
//   │ gen        u64  │state │ type │flags │      │ link u32│
//   └─────────────────┴──────┴──────┴──────┴──────┴─────────┘
//
//   gen    the slot's generation: the core's epoch in its top EPOCH_BITS bits, a
//          counter in the genBits below them (1 .. 2^genBits - 1, bumped when the
//          slot is freed, wrapping back to 1 without touching the epoch)
//   link   FREE: the next free slot (-1 ends the list); LISTENING: the index of the
//          listener's record (listeners.ts); otherwise unused
//
// A descriptor is gen * 2^idxBits + slot: an integer in [1, 2^53), so a JavaScript
// number holds it exactly. genBits = 53 - EPOCH_BITS - idxBits (27 bits for 2^14
// slots, 21 for 2^20).
//
// Guarantee. A closed descriptor names nothing (WSAENOTSOCK) until its slot has
// been handed out again 2^genBits - 1 times. Freed slots go to the tail of the
// free list and are handed out from its head, so with F slots free a slot is
// reused only after the F - 1 before it: a descriptor repeats after at least
// F * (2^genBits - 1) sockets. Two cores initialised with epochs that differ
// modulo 2^EPOCH_BITS never hand out the same descriptor.

import { DESCRIPTOR_BITS, EPOCH_BITS, STATE_FREE } from "./abi";

@inline export const ENTRY_SHIFT: u32 = 4; // 16-byte entries
@inline export const GEN: usize = 0;
@inline export const STATE: usize = 8;
@inline export const TYPE: usize = 9;
@inline export const FLAGS: usize = 10;
@inline export const LINK: usize = 12;

/** flags bit: non-blocking (FIONBIO). */
@inline export const NONBLOCKING: u32 = 1;

let entries: usize = 0;
let capacity: u32 = 0; // 0 until init: every operation then reports WSANOTINITIALISED
let idxBits: u64 = 1;
let idxMask: u64 = 1;
let counterMask: u64 = 1;
let firstGen: u64 = 1;
let freeHead: i32 = -1;
let freeTail: i32 = -1;
let freeCount: u32 = 0;

/** Bytes the table needs for `slots` entries. */
@inline export function tableBytes(slots: u32): usize {
  return <usize>slots << ENTRY_SHIFT;
}

/** Lays the table out at `at` with every slot free, in ascending order, under `epoch`. */
export function resetTable(at: usize, slots: u32, epoch: u32): void {
  entries = at;
  capacity = slots;
  const bits: u32 = slots <= 2 ? 1 : 32 - clz<u32>(slots - 1);
  idxBits = bits;
  idxMask = (<u64>1 << bits) - 1;
  const genBits = <u64>(DESCRIPTOR_BITS - EPOCH_BITS) - bits;
  counterMask = (<u64>1 << genBits) - 1;
  firstGen = ((<u64>epoch & ((1 << EPOCH_BITS) - 1)) << genBits) | 1;
  for (let i: u32 = 0; i < slots; i++) {
    const e = entryAt(i);
    store<u64>(e, firstGen, GEN);
    store<u32>(e, STATE_FREE, STATE); // state, type, flags
    store<i32>(e, i + 1 < slots ? <i32>(i + 1) : -1, LINK);
  }
  freeHead = 0;
  freeTail = <i32>slots - 1;
  freeCount = slots;
}

@inline export function isInitialised(): bool {
  return capacity != 0;
}

@inline export function freeSlots(): u32 {
  return freeCount;
}

/** Address of slot `i`'s entry. */
@inline export function entryAt(i: u32): usize {
  return entries + (<usize>i << ENTRY_SHIFT);
}

/** The entry a live descriptor names, or 0 when `s` is not one (NaN, fractions and stale ones included). */
export function lookup(s: f64): usize {
  // Also false for NaN. Below 2^53 the conversion to u64 is exact for integers.
  if (!(s >= 1 && s < <f64>(<u64>1 << DESCRIPTOR_BITS))) return 0;
  const d = <u64>s;
  if (<f64>d != s) return 0;
  const i = <u32>(d & idxMask);
  if (i >= capacity) return 0;
  const e = entryAt(i);
  if (load<u64>(e, GEN) != d >> idxBits || load<u8>(e, STATE) == STATE_FREE) return 0;
  return e;
}

/** Takes the oldest free slot, gives it `type`, `flags` and `state`, and returns its descriptor; -1 when none is free. */
export function allocate(type: u32, flags: u32, state: u32): f64 {
  const i = freeHead;
  if (i < 0) return -1;
  const e = entryAt(<u32>i);
  freeHead = load<i32>(e, LINK);
  if (freeHead < 0) freeTail = -1;
  freeCount--;
  store<u32>(e, state | (type << 8) | (flags << 16), STATE);
  return <f64>((load<u64>(e, GEN) << idxBits) | <u64>i);
}

/** Frees a live entry: bumps its generation and appends it to the free list. */
export function release(e: usize): void {
  let gen = load<u64>(e, GEN) + 1;
  if ((gen & counterMask) == 0) gen = firstGen; // the counter wrapped: start again, same epoch
  store<u64>(e, gen, GEN);
  store<u32>(e, STATE_FREE, STATE);
  store<i32>(e, -1, LINK);
  const i = <i32>((e - entries) >> ENTRY_SHIFT);
  if (freeTail < 0) freeHead = i;
  else store<i32>(entryAt(<u32>freeTail), i, LINK);
  freeTail = i;
  freeCount++;
}
