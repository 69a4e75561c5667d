// The WebAssembly ABI of the acceptq core: every export of the module is here.
//
// Conventions (STYLE.md):
// - Integers only. A result >= 0 is a value (descriptor, count); a result < 0 is a
//   negated Winsock error code (libuv's convention). `stat` returns f64 so that u64
//   counters stay exact up to 2^53.
// - A second result comes back through a getter (`takenHandle`, `handback`) or the
//   I/O area, never through an allocation. Storage is laid out once by `init`; no
//   operation after it allocates or grows memory.
// - Nothing traps on bad input: JavaScript converts every argument with ToInt32, and
//   each export checks what it gets. Before `init` every call reports WSANOTINITIALISED.
//
// Memory layout after init (all addresses 16-byte aligned):
//
//   __heap_base ┌───────────────┬──────────────┬──────────────────┬──────────────────────┐
//               │ socket table  │ I/O area     │ hand-back buffer │ ring arena           │
//               │ 128 B × slots │ IO_SLOTS × 4 │ queueSlots × 4   │ heads + queueSlots×4 │
//               └───────────────┴──────────────┴──────────────────┴──────────────────────┘
//
// The hand-back buffer holds the handles a close or re-listen gives back (to be
// reset by the caller); it is as large as the arena, so it holds every queued handle.

import {
  clampBacklog,
  isProfile,
  relistenUpdates,
  resetProfiles,
  setRange,
} from "./backlog";
import {
  WSAEALREADY,
  WSAEFAULT,
  WSAEINVAL,
  WSAEISCONN,
  WSAEMFILE,
  WSAENOBUFS,
  WSAENOTSOCK,
  WSAEOPNOTSUPP,
  WSAESOCKTNOSUPPORT,
  WSAEWOULDBLOCK,
  WSAECONNREFUSED,
  WSANOTINITIALISED,
} from "./errors";
import {
  allocBlock,
  arenaBytes,
  classFor,
  freeBlock,
  MAX_ARENA_SLOTS,
  resetArena,
  slotAddress,
} from "./arena";
import { peek, popNewest, pushNewest, queued, shiftOldest } from "./ring";
import {
  ADMITTED,
  allocate,
  BACKLOG,
  BOUND,
  CONNECTED,
  CONNECTING,
  CREATED,
  DGRAM,
  DROPPED,
  ENTRY_SHIFT,
  entryAt,
  FLAGS,
  freeSlots,
  HIGH_WATER,
  IN,
  isInitialised,
  LISTENING,
  lookup,
  MAX_CAPACITY,
  NONBLOCKING,
  OUT,
  REFUSED,
  release,
  resetTable,
  RING_AT,
  RING_CLS,
  STATE,
  STREAM,
  tableBytes,
  TAKEN,
  TYPE,
} from "./table";

/** Slots in the I/O area used by the batch calls. */
@inline const IO_SLOTS: i32 = 1024;

let ioArea: usize = 0;
let handbackArea: usize = 0;
let handbackCount: u32 = 0;
let lastHandle: i32 = -1;

// ─── Setup ──────────────────────────────────────────────────────────────────

/**
 * Lays out storage for `tableCapacity` descriptors and `queueSlots` queued
 * connections (shared by all listeners' rings), growing memory if needed, and
 * resets all state and profile ranges. Called once by src/core/_core.ts; calling it
 * again starts over. Returns 0, -WSAEINVAL for sizes outside [1, 2^20] and
 * [1, 2^24], or -WSAENOBUFS when memory cannot grow.
 */
export function init(tableCapacity: i32, queueSlots: i32): i32 {
  if (tableCapacity < 1 || tableCapacity > MAX_CAPACITY) return -WSAEINVAL;
  if (queueSlots < 1 || queueSlots > MAX_ARENA_SLOTS) return -WSAEINVAL;
  const table = align16(__heap_base);
  const io = align16(table + tableBytes(<u32>tableCapacity));
  const handback = align16(io + (<usize>IO_SLOTS << 2));
  const arena = align16(handback + (<usize>queueSlots << 2));
  const end = arena + arenaBytes(<u32>queueSlots);
  const have = <usize>memory.size() << 16;
  if (end > have && memory.grow(<i32>((end - have + 0xffff) >> 16)) < 0) return -WSAENOBUFS;
  resetTable(table, <u32>tableCapacity);
  resetArena(arena, <u32>queueSlots);
  resetProfiles();
  ioArea = io;
  handbackArea = handback;
  handbackCount = 0;
  lastHandle = -1;
  return 0;
}

/**
 * Sets a profile's legal backlog range (SPEC L11). Returns 0, or -WSAEINVAL for an
 * unknown profile or a range that is not 1 <= min <= max <= 65535.
 */
export function configure(profile: i32, minBacklog: i32, maxBacklog: i32): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  return setRange(profile, minBacklog, maxBacklog) ? 0 : -WSAEINVAL;
}

// ─── Socket lifetime ────────────────────────────────────────────────────────

/**
 * socket(): a new descriptor of `type` (1 stream, 2 datagram) in state CREATED.
 * Errors: WSAESOCKTNOSUPPORT for another type, WSAEMFILE when the table is full.
 */
export function socket(type: i32): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  if (type != <i32>STREAM && type != <i32>DGRAM) return -WSAESOCKTNOSUPPORT;
  const s = allocate(<u32>type, 0, CREATED);
  return s < 0 ? -WSAEMFILE : s;
}

/** bind(): CREATED → BOUND. Errors: WSAENOTSOCK; WSAEINVAL when already bound or in use. */
export function bind(s: i32): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  const e = lookup(s);
  if (e == 0) return -WSAENOTSOCK;
  if (load<u32>(e, STATE) != CREATED) return -WSAEINVAL;
  store<u32>(e, BOUND, STATE);
  return 0;
}

/**
 * Start of connect(): CREATED or BOUND → CONNECTING. Errors in this order:
 * WSAENOTSOCK; WSAEINVAL on a listener (committed to listening, SPEC L10);
 * WSAEISCONN when connected; WSAEALREADY while a connect is in progress.
 */
export function beginConnect(s: i32): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  const e = lookup(s);
  if (e == 0) return -WSAENOTSOCK;
  const state = load<u32>(e, STATE);
  if (state == LISTENING) return -WSAEINVAL;
  if (state == CONNECTED) return -WSAEISCONN;
  if (state == CONNECTING) return -WSAEALREADY;
  store<u32>(e, CONNECTING, STATE);
  return 0;
}

/**
 * End of connect(): CONNECTING → CONNECTED when `ok` is non-zero, else → BOUND
 * (the attempt bound it implicitly; the caller may retry or close). Errors:
 * WSAENOTSOCK; WSAEINVAL when no connect is in progress.
 */
export function endConnect(s: i32, ok: i32): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  const e = lookup(s);
  if (e == 0) return -WSAENOTSOCK;
  if (load<u32>(e, STATE) != CONNECTING) return -WSAEINVAL;
  store<u32>(e, ok != 0 ? CONNECTED : BOUND, STATE);
  return 0;
}

/** FIONBIO: sets (`on` != 0) or clears the non-blocking flag. Errors: WSAENOTSOCK. */
export function setNonBlocking(s: i32, on: i32): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  const e = lookup(s);
  if (e == 0) return -WSAENOTSOCK;
  const flags = load<u32>(e, FLAGS);
  store<u32>(e, on != 0 ? flags | NONBLOCKING : flags & ~NONBLOCKING, FLAGS);
  return 0;
}

/**
 * closesocket(): frees the descriptor. A listener's queued handles, oldest first,
 * go to the hand-back buffer for the caller to reset. Returns how many (>= 0), or
 * -WSAENOTSOCK (a double close included).
 */
export function close(s: i32): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  const e = lookup(s);
  if (e == 0) return -WSAENOTSOCK;
  handbackCount = 0;
  closeEntry(e);
  return <i32>handbackCount;
}

// ─── Listening ──────────────────────────────────────────────────────────────

/**
 * listen(): makes a bound stream socket a listener with the backlog clamped for
 * `profile` (0 Winsock 2, 1 Winsock 1.1, 2 SPI) and a ring from the arena.
 * On a listener: Winsock 2 changes nothing; Winsock 1.1 and SPI set the new
 * backlog and hand back the excess pending handles, newest first (SPEC L6).
 * Returns the number handed back (>= 0). Errors in Winsock's order: WSAENOTSOCK,
 * WSAEOPNOTSUPP (not a stream socket), WSAEISCONN, WSAEINVAL (not bound, or a
 * connect in progress, or an unknown profile), WSAENOBUFS (no ring block).
 */
export function listen(s: i32, backlog: i32, profile: i32): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  const e = lookup(s);
  if (e == 0) return -WSAENOTSOCK;
  if (load<u32>(e, TYPE) != STREAM) return -WSAEOPNOTSUPP;
  const state = load<u32>(e, STATE);
  if (state == CONNECTED) return -WSAEISCONN;
  if (!isProfile(profile)) return -WSAEINVAL;
  if (state == LISTENING) return relisten(e, backlog, profile);
  if (state != BOUND) return -WSAEINVAL;
  const effective = clampBacklog(profile, backlog);
  const cls = classFor(<u32>effective);
  const at = allocBlock(cls);
  if (at < 0) return -WSAENOBUFS;
  store<u32>(e, <u32>effective, BACKLOG);
  store<i32>(e, at, RING_AT);
  store<i32>(e, cls, RING_CLS);
  store<u32>(e, LISTENING, STATE);
  return 0;
}

function relisten(e: usize, backlog: i32, profile: i32): i32 {
  handbackCount = 0;
  if (!relistenUpdates(profile)) return 0;
  const effective = <u32>clampBacklog(profile, backlog);
  const cls = load<i32>(e, RING_CLS);
  const wanted = classFor(effective);
  if (wanted > cls) {
    // A larger ring: copy the queue, oldest first, into a new block.
    const at = allocBlock(wanted);
    if (at < 0) return -WSAENOBUFS;
    const n = queued(e);
    for (let i: u32 = 0; i < n; i++) store<i32>(slotAddress(<u32>at + i), peek(e, i));
    freeBlock(cls, load<u32>(e, RING_AT));
    store<i32>(e, at, RING_AT);
    store<i32>(e, wanted, RING_CLS);
    store<u32>(e, 0, OUT);
    store<u32>(e, n, IN);
  }
  while (queued(e) > effective) {
    handBack(popNewest(e));
    store<u64>(e, load<u64>(e, DROPPED) + 1, DROPPED);
  }
  store<u32>(e, effective, BACKLOG);
  return <i32>handbackCount;
}

// ─── The accept queue ───────────────────────────────────────────────────────

/**
 * A pending connection arrives at listener `s`: queue `handle` (any value >= 0 the
 * caller uses to find the connection). Returns 0, or -WSAECONNREFUSED when the
 * queue already holds `backlog` handles (counted as refused). Errors: WSAENOTSOCK;
 * WSAEINVAL when `s` is not listening or `handle` is negative.
 */
export function admit(s: i32, handle: i32): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  const e = lookup(s);
  if (e == 0) return -WSAENOTSOCK;
  if (load<u32>(e, STATE) != LISTENING || handle < 0) return -WSAEINVAL;
  return admitInto(e, handle);
}

/**
 * accept(): takes the oldest pending handle and, in the same call, a new
 * CONNECTED descriptor for it (returned; the handle is then `takenHandle()`).
 * The new socket inherits the listener's non-blocking flag. Errors in order:
 * WSAENOTSOCK, WSAEOPNOTSUPP (datagram), WSAEINVAL (not listening),
 * WSAEWOULDBLOCK (queue empty), WSAEMFILE (table full: the handle stays queued).
 */
export function take(s: i32): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  const e = lookup(s);
  if (e == 0) return -WSAENOTSOCK;
  if (load<u32>(e, TYPE) != STREAM) return -WSAEOPNOTSUPP;
  if (load<u32>(e, STATE) != LISTENING) return -WSAEINVAL;
  return takeFrom(e);
}

/** The handle the last successful `take` dequeued (-1 before any). */
export function takenHandle(): i32 {
  return lastHandle;
}

// ─── Batch calls over the I/O area (one crossing for many operations) ───────

/**
 * `admit` for the `n` handles in io[0 .. n), in order; each io[i] is replaced by
 * that admit's result. Returns how many were queued, -WSAEFAULT when n is not in
 * [0, 1024], or the error `admit` gives for `s` itself.
 */
export function admitMany(s: i32, n: i32): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  const e = lookup(s);
  if (e == 0) return -WSAENOTSOCK;
  if (load<u32>(e, STATE) != LISTENING) return -WSAEINVAL;
  if (<u32>n > <u32>IO_SLOTS) return -WSAEFAULT;
  let admitted = 0;
  for (let i = 0; i < n; i++) {
    const slot = ioArea + (<usize>i << 2);
    const handle = load<i32>(slot);
    const result = handle < 0 ? -WSAEINVAL : admitInto(e, handle);
    if (result == 0) admitted++;
    store<i32>(slot, result);
  }
  return admitted;
}

/**
 * `take` up to `max` times, stopping when the queue is empty or the table is
 * full; pair k is io[2k] = descriptor, io[2k+1] = handle. Returns the count
 * (0 when empty), -WSAEMFILE when nothing could be taken for want of a
 * descriptor, -WSAEFAULT when max is not in [0, 512], or `take`'s error for `s`.
 */
export function takeMany(s: i32, max: i32): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  const e = lookup(s);
  if (e == 0) return -WSAENOTSOCK;
  if (load<u32>(e, TYPE) != STREAM) return -WSAEOPNOTSUPP;
  if (load<u32>(e, STATE) != LISTENING) return -WSAEINVAL;
  if (<u32>max > <u32>(IO_SLOTS >> 1)) return -WSAEFAULT;
  let k = 0;
  while (k < max) {
    const d = takeFrom(e);
    if (d < 0) {
      if (d == -WSAEMFILE && k == 0) return d;
      break;
    }
    const slot = ioArea + (<usize>k << 3);
    store<i32>(slot, d);
    store<i32>(slot, lastHandle, 4);
    k++;
  }
  return k;
}

/**
 * `close` for the `n` descriptors in io[0 .. n); each io[i] is replaced by that
 * close's result. All handed-back handles go, in order, to one hand-back list.
 * Returns their total count, or -WSAEFAULT when n is not in [0, 1024].
 */
export function closeMany(n: i32): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  if (<u32>n > <u32>IO_SLOTS) return -WSAEFAULT;
  handbackCount = 0;
  for (let i = 0; i < n; i++) {
    const slot = ioArea + (<usize>i << 2);
    const e = lookup(load<i32>(slot));
    if (e == 0) {
      store<i32>(slot, -WSAENOTSOCK);
      continue;
    }
    const before = handbackCount;
    closeEntry(e);
    store<i32>(slot, <i32>(handbackCount - before));
  }
  return <i32>handbackCount;
}

/** Byte offset of the I/O area in memory (IO_SLOTS i32 slots). */
export function ioOffset(): i32 {
  return <i32>ioArea;
}

/** Slots in the I/O area. */
export function ioSlots(): i32 {
  return IO_SLOTS;
}

/** The i-th handle handed back by the last close, closeMany or re-listen; -1 past the end. */
export function handback(i: i32): i32 {
  if (<u32>i >= handbackCount) return -1;
  return load<i32>(handbackArea + (<usize>i << 2));
}

/** Byte offset of the hand-back buffer, for a typed-array view of it. */
export function handbackOffset(): i32 {
  return <i32>handbackArea;
}

// ─── Observation ────────────────────────────────────────────────────────────

/** `stat` fields. */
@inline const STAT_STATE: i32 = 0;
@inline const STAT_TYPE: i32 = 1;
@inline const STAT_NONBLOCKING: i32 = 2;
@inline const STAT_BACKLOG: i32 = 3;
@inline const STAT_QUEUED: i32 = 4;
@inline const STAT_ADMITTED: i32 = 5;
@inline const STAT_REFUSED: i32 = 6;
@inline const STAT_DROPPED: i32 = 7;
@inline const STAT_TAKEN: i32 = 8;
@inline const STAT_HIGH_WATER: i32 = 9;
@inline const STAT_RING_CAPACITY: i32 = 10;

/**
 * One field of a socket's entry: 0 state, 1 type, 2 non-blocking (0/1),
 * 3 effective backlog, 4 queued now, 5 admitted, 6 refused, 7 dropped,
 * 8 taken, 9 high-water mark, 10 ring capacity. Listener fields are 0 on other
 * sockets. Errors: WSAENOTSOCK; WSAEINVAL for an unknown field.
 */
export function stat(s: i32, field: i32): f64 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  const e = lookup(s);
  if (e == 0) return -WSAENOTSOCK;
  switch (field) {
    case STAT_STATE:
      return <f64>load<u32>(e, STATE);
    case STAT_TYPE:
      return <f64>load<u32>(e, TYPE);
    case STAT_NONBLOCKING:
      return <f64>(load<u32>(e, FLAGS) & NONBLOCKING);
    case STAT_BACKLOG:
      return <f64>load<u32>(e, BACKLOG);
    case STAT_QUEUED:
      return <f64>queued(e);
    case STAT_ADMITTED:
      return <f64>load<u64>(e, ADMITTED);
    case STAT_REFUSED:
      return <f64>load<u64>(e, REFUSED);
    case STAT_DROPPED:
      return <f64>load<u64>(e, DROPPED);
    case STAT_TAKEN:
      return <f64>load<u64>(e, TAKEN);
    case STAT_HIGH_WATER:
      return <f64>load<u32>(e, HIGH_WATER);
    case STAT_RING_CAPACITY: {
      const cls = load<i32>(e, RING_CLS);
      return cls < 0 ? 0 : <f64>(1 << cls);
    }
  }
  return -WSAEINVAL;
}

/** Free descriptors left in the table (-WSANOTINITIALISED before init). */
export function freeDescriptors(): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  return <i32>freeSlots();
}

// ─── Internals ──────────────────────────────────────────────────────────────

@inline function align16(at: usize): usize {
  return (at + 15) & ~<usize>15;
}

function handBack(handle: i32): void {
  store<i32>(handbackArea + (<usize>handbackCount << 2), handle);
  handbackCount++;
}

function admitInto(e: usize, handle: i32): i32 {
  const n = queued(e);
  if (n >= load<u32>(e, BACKLOG)) {
    store<u64>(e, load<u64>(e, REFUSED) + 1, REFUSED);
    return -WSAECONNREFUSED;
  }
  pushNewest(e, handle);
  store<u64>(e, load<u64>(e, ADMITTED) + 1, ADMITTED);
  if (n + 1 > load<u32>(e, HIGH_WATER)) store<u32>(e, n + 1, HIGH_WATER);
  return 0;
}

function takeFrom(e: usize): i32 {
  if (queued(e) == 0) return -WSAEWOULDBLOCK;
  const d = allocate(STREAM, load<u32>(e, FLAGS), CONNECTED);
  if (d < 0) return -WSAEMFILE;
  lastHandle = shiftOldest(e);
  store<u64>(e, load<u64>(e, TAKEN) + 1, TAKEN);
  assert(load<u64>(e, TAKEN) + load<u64>(e, DROPPED) + <u64>queued(e) == load<u64>(e, ADMITTED));
  return d;
}

function closeEntry(e: usize): void {
  if (load<u32>(e, STATE) == LISTENING) {
    while (queued(e) != 0) handBack(shiftOldest(e));
    freeBlock(load<i32>(e, RING_CLS), load<u32>(e, RING_AT));
  }
  release(e);
}
