// The WebAssembly ABI of the acceptq core: every export of the module is here.
//
// Conventions (STYLE.md):
// - A descriptor is an integer in [1, 2^53) passed as f64 (exact in a JavaScript
//   number); anything else (NaN, a fraction, a stale or never-made one) is
//   WSAENOTSOCK. Other arguments are i32 (JavaScript converts them with ToInt32),
//   except listen's backlog, an f64 so that NaN reaches the core's check order.
// - A result >= 0 is a value (descriptor, count); a result < 0 is a negated
//   Winsock error code (libuv's convention). `stat` returns f64 so that u64
//   counters stay exact up to 2^53.
// - A second result comes back through a getter (`takenHandle`, `handback`) or the
//   I/O area, never through an allocation. Storage is laid out by `init`; after it
//   only a listen that needs a listener record beyond the peak so far grows memory.
// - Nothing traps on bad input. Before `init` every call reports WSANOTINITIALISED.
//
// Memory layout after init (all addresses 16-byte aligned):
//
//   __heap_base ┌──────────────┬──────────────┬──────────────────┬──────────────────────┬─────────────────┐
//               │ socket table │ I/O area     │ hand-back buffer │ ring arena           │ listener records│
//               │ 16 B × slots │ IO_SLOTS × 8 │ ≤ 2^16 × 4       │ heads + queueSlots×4 │ 64 B each, grows│
//               └──────────────┴──────────────┴──────────────────┴──────────────────────┴─────────────────┘
//
// The hand-back buffer holds the handles a close or re-listen gives back (to be
// reset by the caller): min(queueSlots, 2^16) slots, enough for the queue of any
// one listener (at most HINT_MAX), and for all queues when the arena is no larger.

import {
  IO_SLOTS,
  MAX_QUEUE_SLOTS,
  MAX_TABLE_CAPACITY,
  STAT_ADMITTED,
  STAT_BACKLOG,
  STAT_DROPPED,
  STAT_HIGH_WATER,
  STAT_NONBLOCKING,
  STAT_QUEUED,
  STAT_REFUSED,
  STAT_RING_CAPACITY,
  STAT_STATE,
  STAT_TAKEN,
  STAT_TYPE,
  STATE_BOUND,
  STATE_CONNECTED,
  STATE_CONNECTING,
  STATE_CREATED,
  STATE_LISTENING,
  TYPE_DGRAM,
  TYPE_STREAM,
} from "./abi";
import { clampBacklog, isProfile, relistenUpdates, resetProfiles, setRange } from "./backlog";
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
import { allocBlock, arenaBytes, classFor, freeBlock, resetArena, slotAddress } from "./arena";
import {
  ADMITTED,
  allocRecord,
  BACKLOG,
  DROPPED,
  freeRecord,
  HIGH_WATER,
  IN,
  OUT,
  reach,
  recordAt,
  REFUSED,
  resetListeners,
  RING_AT,
  RING_CLS,
  TAKEN,
} from "./listeners";
import { peek, popNewest, pushNewest, queued, shiftOldest } from "./ring";
import {
  allocate,
  FLAGS,
  freeSlots,
  isInitialised,
  LINK,
  lookup,
  NONBLOCKING,
  release,
  resetTable,
  STATE,
  tableBytes,
  TYPE,
} from "./table";

let ioArea: usize = 0;
let handbackArea: usize = 0;
let handbackCapacity: u32 = 0;
let handbackCount: u32 = 0;
let lastHandle: i32 = -1;

// ─── Setup ──────────────────────────────────────────────────────────────────

/**
 * Lays out storage for `tableCapacity` descriptors and `queueSlots` queued
 * connections (shared by all listeners' rings), growing memory if needed, and
 * resets all state and profile ranges. `epoch` (its low EPOCH_BITS bits) goes
 * into every descriptor, so cores given different epochs never share one.
 * Calling it again starts over. Returns 0, -WSAEINVAL for sizes outside
 * [1, 2^20] and [1, 2^24], or -WSAENOBUFS when memory cannot grow.
 */
export function init(tableCapacity: i32, queueSlots: i32, epoch: i32): i32 {
  if (tableCapacity < 1 || tableCapacity > MAX_TABLE_CAPACITY) return -WSAEINVAL;
  if (queueSlots < 1 || queueSlots > MAX_QUEUE_SLOTS) return -WSAEINVAL;
  const table = align16(__heap_base);
  const io = align16(table + tableBytes(<u32>tableCapacity));
  const handback = align16(io + (<usize>IO_SLOTS << 3));
  const handbackSlots = min<u32>(<u32>queueSlots, HANDBACK_MAX);
  const arena = align16(handback + (<usize>handbackSlots << 2));
  const end = align16(arena + arenaBytes(<u32>queueSlots));
  if (!reach(end)) return -WSAENOBUFS;
  resetTable(table, <u32>tableCapacity, <u32>epoch);
  resetArena(arena, <u32>queueSlots);
  resetListeners(end);
  resetProfiles();
  ioArea = io;
  handbackArea = handback;
  handbackCapacity = handbackSlots;
  handbackCount = 0;
  lastHandle = -1;
  return 0;
}

/**
 * Sets a profile's legal backlog range (SPEC L11). Returns 0, or -WSAEINVAL for an
 * unknown profile or a range that is not 1 <= min <= max <= HINT_MAX (65535).
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
export function socket(type: i32): f64 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  if (type != <i32>TYPE_STREAM && type != <i32>TYPE_DGRAM) return -WSAESOCKTNOSUPPORT;
  const s = allocate(<u32>type, 0, STATE_CREATED);
  return s < 0 ? -WSAEMFILE : s;
}

/** bind(): CREATED → BOUND. Errors: WSAENOTSOCK; WSAEINVAL when already bound or in use. */
export function bind(s: f64): i32 {
  const e = find(s);
  if (e < FOUND) return <i32>e;
  if (load<u8>(e, STATE) != STATE_CREATED) return -WSAEINVAL;
  store<u8>(e, STATE_BOUND, STATE);
  return 0;
}

/**
 * Start of connect(): CREATED or BOUND → CONNECTING. Errors in this order:
 * WSAENOTSOCK; WSAEINVAL on a listener (committed to listening, SPEC L10);
 * WSAEISCONN when connected; WSAEALREADY while a connect is in progress.
 */
export function beginConnect(s: f64): i32 {
  const e = find(s);
  if (e < FOUND) return <i32>e;
  const state = load<u8>(e, STATE);
  if (state == STATE_LISTENING) return -WSAEINVAL;
  if (state == STATE_CONNECTED) return -WSAEISCONN;
  if (state == STATE_CONNECTING) return -WSAEALREADY;
  store<u8>(e, STATE_CONNECTING, STATE);
  return 0;
}

/**
 * End of connect(): CONNECTING → CONNECTED when `ok` is non-zero, else → BOUND
 * (the attempt bound it implicitly; the caller may retry or close). Errors:
 * WSAENOTSOCK; WSAEINVAL when no connect is in progress.
 */
export function endConnect(s: f64, ok: i32): i32 {
  const e = find(s);
  if (e < FOUND) return <i32>e;
  if (load<u8>(e, STATE) != STATE_CONNECTING) return -WSAEINVAL;
  store<u8>(e, ok != 0 ? STATE_CONNECTED : STATE_BOUND, STATE);
  return 0;
}

/** FIONBIO: sets (`on` != 0) or clears the non-blocking flag. Errors: WSAENOTSOCK. */
export function setNonBlocking(s: f64, on: i32): i32 {
  const e = find(s);
  if (e < FOUND) return <i32>e;
  store<u8>(e, on != 0 ? NONBLOCKING : 0, FLAGS);
  return 0;
}

/**
 * closesocket(): frees the descriptor. A listener's queued handles, oldest first,
 * go to the hand-back buffer for the caller to reset. Returns how many (>= 0), or
 * -WSAENOTSOCK (a double close included).
 */
export function close(s: f64): i32 {
  const e = find(s);
  if (e < FOUND) return <i32>e;
  handbackCount = 0;
  closeEntry(e);
  return <i32>handbackCount;
}

// ─── Listening ──────────────────────────────────────────────────────────────

/**
 * listen(): makes a bound stream socket a listener with the backlog clamped for
 * `profile` (0 Winsock 2, 1 Winsock 1.1, 2 SPI), a listener record and a ring
 * from the arena. The backlog is converted as C converts a double to int,
 * truncated toward zero and saturated to i32. On a listener: Winsock 2 changes
 * nothing; Winsock 1.1 and SPI set the new backlog and hand back the excess
 * pending handles, newest first (SPEC L6). Returns the number handed back
 * (>= 0). Errors in Winsock's order: WSAENOTSOCK, WSAEOPNOTSUPP (not a stream
 * socket), WSAEISCONN, WSAEINVAL (an unknown profile, a NaN backlog, not bound,
 * or a connect in progress), WSAENOBUFS (no ring block or record).
 */
export function listen(s: f64, backlog: f64, profile: i32): i32 {
  const e = find(s);
  if (e < FOUND) return <i32>e;
  if (load<u8>(e, TYPE) != TYPE_STREAM) return -WSAEOPNOTSUPP;
  const state = load<u8>(e, STATE);
  if (state == STATE_CONNECTED) return -WSAEISCONN;
  if (!isProfile(profile) || isNaN(backlog)) return -WSAEINVAL;
  const requested = <i32>backlog; // i32.trunc_sat_f64_s
  if (state == STATE_LISTENING) return relisten(recordOf(e), requested, profile);
  if (state != STATE_BOUND) return -WSAEINVAL;
  const effective = clampBacklog(profile, requested);
  const cls = classFor(<u32>effective);
  const at = allocBlock(cls);
  if (at < 0) return -WSAENOBUFS;
  const i = allocRecord();
  if (i < 0) {
    freeBlock(cls, <u32>at);
    return -WSAENOBUFS;
  }
  const r = recordAt(<u32>i);
  store<u32>(r, <u32>effective, BACKLOG);
  store<i32>(r, at, RING_AT);
  store<i32>(r, cls, RING_CLS);
  store<i32>(e, i, LINK);
  store<u8>(e, STATE_LISTENING, STATE);
  return 0;
}

function relisten(r: usize, backlog: i32, profile: i32): i32 {
  handbackCount = 0;
  if (!relistenUpdates(profile)) return 0;
  const effective = <u32>clampBacklog(profile, backlog);
  const cls = load<i32>(r, RING_CLS);
  const wanted = classFor(effective);
  if (wanted > cls) {
    // A larger ring: copy the queue, oldest first, into a new block.
    const at = allocBlock(wanted);
    if (at < 0) return -WSAENOBUFS;
    const n = queued(r);
    for (let i: u32 = 0; i < n; i++) store<i32>(slotAddress(<u32>at + i), peek(r, i));
    freeBlock(cls, load<u32>(r, RING_AT));
    store<i32>(r, at, RING_AT);
    store<i32>(r, wanted, RING_CLS);
    store<u32>(r, 0, OUT);
    store<u32>(r, n, IN);
  }
  while (queued(r) > effective) {
    handBack(popNewest(r));
    store<u64>(r, load<u64>(r, DROPPED) + 1, DROPPED);
  }
  store<u32>(r, effective, BACKLOG);
  return <i32>handbackCount;
}

// ─── The accept queue ───────────────────────────────────────────────────────

/**
 * A pending connection arrives at listener `s`: queue `handle` (any value >= 0 the
 * caller uses to find the connection). Returns 0, or -WSAECONNREFUSED when the
 * queue already holds `backlog` handles (counted as refused). Errors: WSAENOTSOCK;
 * WSAEINVAL when `s` is not listening or `handle` is negative.
 */
export function admit(s: f64, handle: i32): i32 {
  const e = find(s);
  if (e < FOUND) return <i32>e;
  if (load<u8>(e, STATE) != STATE_LISTENING || handle < 0) return -WSAEINVAL;
  return admitInto(recordOf(e), handle);
}

/**
 * accept(): takes the oldest pending handle and, in the same call, a new
 * CONNECTED descriptor for it (returned; the handle is then `takenHandle()`).
 * The new socket inherits the listener's non-blocking flag. Errors in order:
 * WSAENOTSOCK, WSAEOPNOTSUPP (datagram), WSAEINVAL (not listening),
 * WSAEWOULDBLOCK (queue empty), WSAEMFILE (table full: the handle stays queued).
 */
export function take(s: f64): f64 {
  const e = findListener(s);
  if (e < FOUND) return <f64><i32>e;
  return takeFrom(e);
}

/** The handle the last successful `take` dequeued (-1 before any). */
export function takenHandle(): i32 {
  return lastHandle;
}

// ─── Batch calls over the I/O area (one crossing for many operations) ───────

/**
 * `admit` for the `n` handles in io[0 .. n), in order; each io[i] is replaced by
 * that admit's result (a handle that is not an integer in [0, 2^31) gets
 * -WSAEINVAL). Returns how many were queued, -WSAEFAULT when n is not in
 * [0, 1024], or the error `admit` gives for `s` itself.
 */
export function admitMany(s: f64, n: i32): i32 {
  const e = find(s);
  if (e < FOUND) return <i32>e;
  if (load<u8>(e, STATE) != STATE_LISTENING) return -WSAEINVAL;
  if (<u32>n > <u32>IO_SLOTS) return -WSAEFAULT;
  // admitInto, with the record's fields in locals for the whole batch.
  const r = recordOf(e);
  const backlog = load<u32>(r, BACKLOG);
  const ring = slotAddress(load<u32>(r, RING_AT));
  const mask = (<u32>1 << load<u32>(r, RING_CLS)) - 1;
  const out = load<u32>(r, OUT);
  let at = load<u32>(r, IN);
  let high = load<u32>(r, HIGH_WATER);
  let refused: u32 = 0;
  for (let i = 0; i < n; i++) {
    const slot = ioArea + (<usize>i << 3);
    const value = load<f64>(slot);
    const handle = <i32>value;
    let result = -WSAEINVAL;
    if (<f64>handle == value && handle >= 0) {
      if (at - out >= backlog) {
        refused++;
        result = -WSAECONNREFUSED;
      } else {
        store<i32>(ring + (<usize>(at & mask) << 2), handle);
        at++;
        if (at - out > high) high = at - out;
        result = 0;
      }
    }
    store<f64>(slot, result);
  }
  const admitted = at - load<u32>(r, IN);
  store<u32>(r, at, IN);
  store<u32>(r, high, HIGH_WATER);
  store<u64>(r, load<u64>(r, ADMITTED) + admitted, ADMITTED);
  store<u64>(r, load<u64>(r, REFUSED) + refused, REFUSED);
  return <i32>admitted;
}

/**
 * `take` up to `max` times, stopping when the queue is empty or the table is
 * full; pair k is io[2k] = descriptor, io[2k+1] = handle. Returns the count
 * (0 when empty), -WSAEMFILE when nothing could be taken for want of a
 * descriptor, -WSAEFAULT when max is not in [0, 512], or `take`'s error for `s`.
 */
export function takeMany(s: f64, max: i32): i32 {
  const e = findListener(s);
  if (e < FOUND) return <i32>e;
  if (<u32>max > <u32>(IO_SLOTS >> 1)) return -WSAEFAULT;
  // takeFrom, with the record's fields in locals for the whole batch.
  const r = recordOf(e);
  const flags = load<u8>(e, FLAGS);
  const ring = slotAddress(load<u32>(r, RING_AT));
  const mask = (<u32>1 << load<u32>(r, RING_CLS)) - 1;
  const first = load<u32>(r, OUT);
  const n = min<u32>(queued(r), <u32>max);
  let k: u32 = 0;
  for (; k < n; k++) {
    const d = allocate(TYPE_STREAM, flags, STATE_CONNECTED);
    if (d < 0) break;
    const handle = load<i32>(ring + (<usize>((first + k) & mask) << 2));
    const slot = ioArea + (<usize>k << 4);
    store<f64>(slot, d);
    store<f64>(slot, <f64>handle, 8);
    lastHandle = handle;
  }
  if (k == 0 && n != 0) return -WSAEMFILE;
  store<u32>(r, first + k, OUT);
  store<u64>(r, load<u64>(r, TAKEN) + k, TAKEN);
  return <i32>k;
}

/**
 * `close` for the `n` descriptors in io[0 .. n); each io[i] is replaced by that
 * close's result. All handed-back handles go, in order, to one hand-back list;
 * a listener whose queue would not fit in what is left of it stays open, with
 * result -WSAENOBUFS (close it alone). Returns the total count handed back, or
 * -WSAEFAULT when n is not in [0, 1024].
 */
export function closeMany(n: i32): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  if (<u32>n > <u32>IO_SLOTS) return -WSAEFAULT;
  handbackCount = 0;
  for (let i = 0; i < n; i++) {
    const slot = ioArea + (<usize>i << 3);
    const e = lookup(load<f64>(slot));
    let result: i32 = -WSAENOTSOCK;
    if (e != 0 && load<u8>(e, STATE) == STATE_LISTENING && handbackCount + queued(recordOf(e)) > handbackCapacity) {
      result = -WSAENOBUFS;
    } else if (e != 0) {
      const before = handbackCount;
      closeEntry(e);
      result = <i32>(handbackCount - before);
    }
    store<f64>(slot, result);
  }
  return <i32>handbackCount;
}

/** Byte offset of the I/O area in memory (IO_SLOTS f64 slots). */
export function ioOffset(): i32 {
  return <i32>ioArea;
}

/** The i-th handle handed back by the last close, closeMany or re-listen; -1 past the end. */
export function handback(i: i32): i32 {
  if (<u32>i >= handbackCount) return -1;
  return load<i32>(handbackArea + (<usize>i << 2));
}

// ─── Observation ────────────────────────────────────────────────────────────

/**
 * One field of a socket's entry: 0 state, 1 type, 2 non-blocking (0/1),
 * 3 effective backlog, 4 queued now, 5 admitted, 6 refused, 7 dropped,
 * 8 taken, 9 high-water mark, 10 ring capacity. Listener fields are 0 on other
 * sockets. Errors: WSAENOTSOCK; WSAEINVAL for an unknown field.
 */
export function stat(s: f64, field: i32): f64 {
  const e = find(s);
  if (e < FOUND) return <f64><i32>e;
  if (field == STAT_STATE) return <f64>load<u8>(e, STATE);
  if (field == STAT_TYPE) return <f64>load<u8>(e, TYPE);
  if (field == STAT_NONBLOCKING) return <f64>load<u8>(e, FLAGS);
  if (<u32>field > <u32>STAT_RING_CAPACITY) return -WSAEINVAL;
  if (load<u8>(e, STATE) != STATE_LISTENING) return 0;
  const r = recordOf(e);
  if (field == STAT_BACKLOG) return <f64>load<u32>(r, BACKLOG);
  if (field == STAT_QUEUED) return <f64>queued(r);
  if (field == STAT_HIGH_WATER) return <f64>load<u32>(r, HIGH_WATER);
  if (field == STAT_RING_CAPACITY) return <f64>(1 << load<i32>(r, RING_CLS));
  // STAT_ADMITTED .. STAT_TAKEN: the record's four u64 counters, in the same order.
  return <f64>load<u64>(r + ADMITTED + (<usize>(field - STAT_ADMITTED) << 3));
}

/** Free descriptors left in the table (-WSANOTINITIALISED before init). */
export function freeDescriptors(): i32 {
  if (!isInitialised()) return -WSANOTINITIALISED;
  return <i32>freeSlots();
}

// ─── Internals ──────────────────────────────────────────────────────────────

/** Most slots of the hand-back buffer: 2^16 hold any one listener's queue (HINT_MAX). */
@inline const HANDBACK_MAX: u32 = 1 << 16;

/** Results of `find` below this are negated error codes; entries live above it. */
@inline const FOUND: isize = 1;

/**
 * The entry `s` names, or -WSANOTINITIALISED / -WSAENOTSOCK. Not inlined: one copy
 * of the lookup serves every export (the call costs less than a nanosecond, and
 * the module stays under 4 KiB, which browsers compile synchronously).
 */
function find(s: f64): isize {
  if (!isInitialised()) return -WSANOTINITIALISED;
  const e = lookup(s);
  return e == 0 ? -WSAENOTSOCK : <isize>e;
}

/** The entry of a listening stream socket, or take's error in Winsock's order. */
function findListener(s: f64): isize {
  const e = find(s);
  if (e < FOUND) return e;
  if (load<u8>(e, TYPE) != TYPE_STREAM) return -WSAEOPNOTSUPP;
  if (load<u8>(e, STATE) != STATE_LISTENING) return -WSAEINVAL;
  return e;
}

@inline function recordOf(e: usize): usize {
  return recordAt(load<u32>(e, LINK));
}

@inline function align16(at: usize): usize {
  return (at + 15) & ~<usize>15;
}

function handBack(handle: i32): void {
  store<i32>(handbackArea + (<usize>handbackCount << 2), handle);
  handbackCount++;
}

function admitInto(r: usize, handle: i32): i32 {
  const n = queued(r);
  if (n >= load<u32>(r, BACKLOG)) {
    store<u64>(r, load<u64>(r, REFUSED) + 1, REFUSED);
    return -WSAECONNREFUSED;
  }
  pushNewest(r, handle);
  store<u64>(r, load<u64>(r, ADMITTED) + 1, ADMITTED);
  if (n + 1 > load<u32>(r, HIGH_WATER)) store<u32>(r, n + 1, HIGH_WATER);
  return 0;
}

function takeFrom(e: usize): f64 {
  const r = recordOf(e);
  if (queued(r) == 0) return -WSAEWOULDBLOCK;
  const d = allocate(TYPE_STREAM, load<u8>(e, FLAGS), STATE_CONNECTED);
  if (d < 0) return -WSAEMFILE;
  lastHandle = shiftOldest(r);
  store<u64>(r, load<u64>(r, TAKEN) + 1, TAKEN);
  assert(load<u64>(r, TAKEN) + load<u64>(r, DROPPED) + <u64>queued(r) == load<u64>(r, ADMITTED));
  return d;
}

function closeEntry(e: usize): void {
  if (load<u8>(e, STATE) == STATE_LISTENING) {
    const i = load<u32>(e, LINK);
    const r = recordAt(i);
    while (queued(r) != 0) handBack(shiftOldest(r));
    freeBlock(load<i32>(r, RING_CLS), load<u32>(r, RING_AT));
    freeRecord(i);
  }
  release(e);
}
