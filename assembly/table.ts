// The socket table: one 128-byte entry per descriptor slot, a free list of
// slots, and descriptors that carry a generation so a stale one is detected.
//
// Entry layout (byte offsets; u32 unless marked):
//
//    0        4        8        12       16       20       24       28
//   ┌────────┬────────┬────────┬────────┬────────┬────────┬────────┬────────┐
//   │ gen    │ state  │ type   │ flags  │ backlog│ ringAt │ ringCls│ next   │  0
//   ├────────┼────────┼────────┼────────┼────────┴────────┼────────┴────────┤
//   │ in     │ out    │ highW  │ (free) │ admitted   u64  │ refused    u64  │ 32
//   ├────────┴────────┼────────┴────────┼─────────────────┴─────────────────┤
//   │ dropped    u64  │ taken      u64  │ (free to 128)                     │ 64
//   └─────────────────┴─────────────────┴───────────────────────────────────┘
//
//   gen      generation of the slot, 1 .. genLimit-1; bumped when the slot is freed
//   ringAt   first arena slot of the listener's ring; ringCls its log2 capacity (-1: none)
//   next     next free slot (-1 ends the list); meaningful only while FREE
//   in, out  free-running ring counters (kfifo): queued = in - out, index = counter & mask
//
// A descriptor is (gen << idxBits) | slot. It is always > 0 because gen >= 1, and it
// fits in a positive i32 because gen < 2^(31 - idxBits).

/** Slot is unused. */
@inline export const FREE: u32 = 0;
/** Created by socket(), not bound. */
@inline export const CREATED: u32 = 1;
/** Bound to a local address. */
@inline export const BOUND: u32 = 2;
/** Passive: has a ring and counters. */
@inline export const LISTENING: u32 = 3;
/** A connect has begun and not ended. */
@inline export const CONNECTING: u32 = 4;
/** Connected: accepted from a listener, or a connect succeeded. */
@inline export const CONNECTED: u32 = 5;

/** SOCK_STREAM */
@inline export const STREAM: u32 = 1;
/** SOCK_DGRAM */
@inline export const DGRAM: u32 = 2;

/** flags bit: non-blocking (FIONBIO). */
@inline export const NONBLOCKING: u32 = 1;

@inline export const ENTRY_SHIFT: u32 = 7; // 128-byte entries
@inline export const GEN: usize = 0;
@inline export const STATE: usize = 4;
@inline export const TYPE: usize = 8;
@inline export const FLAGS: usize = 12;
@inline export const BACKLOG: usize = 16;
@inline export const RING_AT: usize = 20;
@inline export const RING_CLS: usize = 24;
@inline export const NEXT: usize = 28;
@inline export const IN: usize = 32;
@inline export const OUT: usize = 36;
@inline export const HIGH_WATER: usize = 40;
@inline export const ADMITTED: usize = 48;
@inline export const REFUSED: usize = 56;
@inline export const DROPPED: usize = 64;
@inline export const TAKEN: usize = 72;

/** Largest table the descriptor encoding allows (2^20 slots leaves 11 generation bits). */
@inline export const MAX_CAPACITY: i32 = 1 << 20;

let entries: usize = 0;
let capacity: u32 = 0; // 0 until init: every operation then reports WSANOTINITIALISED
let idxBits: u32 = 1;
let idxMask: u32 = 1;
let genLimit: u32 = 1 << 30;
let freeHead: i32 = -1;
let freeCount: u32 = 0;

/** Bytes the table needs for `slots` entries. */
@inline export function tableBytes(slots: u32): usize {
  return <usize>slots << ENTRY_SHIFT;
}

/** Lays the table out at `at` with every slot free, in ascending order. */
export function resetTable(at: usize, slots: u32): void {
  entries = at;
  capacity = slots;
  idxBits = slots <= 2 ? 1 : 32 - clz<u32>(slots - 1);
  idxMask = (1 << idxBits) - 1;
  genLimit = 1 << (31 - idxBits);
  memory.fill(at, 0, tableBytes(slots));
  for (let i: u32 = 0; i < slots; i++) {
    const e = entryAt(i);
    store<u32>(e, 1, GEN);
    store<i32>(e, i + 1 < slots ? <i32>(i + 1) : -1, NEXT);
    store<i32>(e, -1, RING_CLS);
  }
  freeHead = 0;
  freeCount = slots;
}

@inline export function isInitialised(): bool {
  return capacity != 0;
}

@inline export function freeSlots(): u32 {
  return freeCount;
}

@inline export function tableCapacity(): u32 {
  return capacity;
}

/** Address of slot `i`'s entry. */
@inline export function entryAt(i: u32): usize {
  return entries + (<usize>i << ENTRY_SHIFT);
}

/** The entry a live descriptor names, or 0 when `s` is not a live socket. */
export function lookup(s: i32): usize {
  if (s <= 0) return 0;
  const i = <u32>s & idxMask;
  if (i >= capacity) return 0;
  const e = entryAt(i);
  if (load<u32>(e, GEN) != <u32>s >>> idxBits) return 0;
  if (load<u32>(e, STATE) == FREE) return 0;
  return e;
}

/** Takes a free slot, gives it `type`, `flags` and `state`, and returns its descriptor; -1 when none is free. */
export function allocate(type: u32, flags: u32, state: u32): i32 {
  const i = freeHead;
  if (i < 0) return -1;
  const e = entryAt(<u32>i);
  freeHead = load<i32>(e, NEXT);
  freeCount--;
  store<u32>(e, state, STATE);
  store<u32>(e, type, TYPE);
  store<u32>(e, flags, FLAGS);
  return <i32>((load<u32>(e, GEN) << idxBits) | <u32>i);
}

/** Frees a live entry: bumps its generation, clears it and pushes it on the free list. */
export function release(e: usize): void {
  let gen = load<u32>(e, GEN) + 1;
  if (gen >= genLimit) gen = 1;
  memory.fill(e, 0, 1 << ENTRY_SHIFT);
  store<u32>(e, gen, GEN);
  store<i32>(e, -1, RING_CLS);
  store<i32>(e, freeHead, NEXT);
  freeHead = <i32>((e - entries) >> ENTRY_SHIFT);
  freeCount++;
}
