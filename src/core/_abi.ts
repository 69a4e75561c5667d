/**
 * The core's ABI described in TypeScript: the operations both the WebAssembly
 * core (src/core/_core.ts) and the reference model (src/core/_model.ts) implement, and the
 * numbers that cross the boundary. Every result >= 0 is a value; < 0 is a
 * negated Winsock error code. See assembly/index.ts for each operation's contract.
 *
 * @module
 */

import * as ABI from "../../build/acceptq_abi.ts";

/** Which interface's rules a `listen` follows (SPEC L3, L6). */
export const Profile = {
  /** Winsock 2: SOMAXCONN_HINT honoured, re-listen keeps the backlog. */
  Winsock2: ABI.PROFILE_WINSOCK2,
  /** Winsock 1.1: legal range [1, 5] by default, re-listen updates and drops. */
  Winsock11: ABI.PROFILE_WINSOCK11,
  /** Service provider: Winsock 2 clamping, re-listen updates and drops. */
  Spi: ABI.PROFILE_SPI,
} as const;
/** A profile number. */
export type Profile = typeof Profile[keyof typeof Profile];

/** Socket states in the table. */
export const SocketState = {
  Free: ABI.STATE_FREE,
  Created: ABI.STATE_CREATED,
  Bound: ABI.STATE_BOUND,
  Listening: ABI.STATE_LISTENING,
  Connecting: ABI.STATE_CONNECTING,
  Connected: ABI.STATE_CONNECTED,
} as const;
/** A socket state number. */
export type SocketState = typeof SocketState[keyof typeof SocketState];

/** Fields readable with `stat`. */
export const StatField = {
  State: ABI.STAT_STATE,
  Type: ABI.STAT_TYPE,
  NonBlocking: ABI.STAT_NONBLOCKING,
  Backlog: ABI.STAT_BACKLOG,
  Queued: ABI.STAT_QUEUED,
  Admitted: ABI.STAT_ADMITTED,
  Refused: ABI.STAT_REFUSED,
  Dropped: ABI.STAT_DROPPED,
  Taken: ABI.STAT_TAKEN,
  HighWater: ABI.STAT_HIGH_WATER,
  RingCapacity: ABI.STAT_RING_CAPACITY,
} as const;
/** A stat field number. */
export type StatField = typeof StatField[keyof typeof StatField];

/** Socket types the table knows (SOCK_STREAM, SOCK_DGRAM). */
export const SocketType = { Stream: ABI.TYPE_STREAM, Datagram: ABI.TYPE_DGRAM } as const;

/** Limits fixed by the core's layout. */
export const CoreLimits = {
  /** Most descriptors a table may have. */
  maxTableCapacity: ABI.MAX_TABLE_CAPACITY,
  /** Most slots the ring arena may have. */
  maxQueueSlots: ABI.MAX_QUEUE_SLOTS,
  /** Slots (f64) in the I/O area of the batch calls. */
  ioSlots: ABI.IO_SLOTS,
  /** SOMAXCONN_HINT(N) adjusts N into [hintMin, hintMax]. */
  hintMin: ABI.HINT_MIN,
  /** The largest backlog: SOMAXCONN_HINT's and any configured range's upper bound. */
  hintMax: ABI.HINT_MAX,
  /** Largest ring class: 2^16 slots. */
  maxRingClass: ABI.MAX_RING_CLASS,
  /** Descriptors are integers in [1, 2^descriptorBits). */
  descriptorBits: ABI.DESCRIPTOR_BITS,
  /** `init`'s epoch is taken modulo 2^epochBits. */
  epochBits: ABI.EPOCH_BITS,
} as const;

/** Default legal backlog range per profile (SPEC L11). */
export const DefaultRange: Readonly<Record<Profile, readonly [number, number]>> = {
  [Profile.Winsock2]: [ABI.DEFAULT_MIN_WINSOCK2, ABI.DEFAULT_MAX_WINSOCK2],
  [Profile.Winsock11]: [ABI.DEFAULT_MIN_WINSOCK11, ABI.DEFAULT_MAX_WINSOCK11],
  [Profile.Spi]: [ABI.DEFAULT_MIN_SPI, ABI.DEFAULT_MAX_SPI],
};

let lastEpoch = 0;

/**
 * The epoch for the next core of this process (1, 2, ... modulo 2^epochBits):
 * `init` without an epoch takes this one, so the descriptors of two cores made
 * fewer than 4,096 cores apart (a provider and the one `configure` makes after
 * it, say) never coincide.
 */
export function nextEpoch(): number {
  lastEpoch = (lastEpoch + 1) % 2 ** CoreLimits.epochBits;
  return lastEpoch;
}

/**
 * The operations of the accept-queue core. Descriptors and listen's backlog are
 * converted with ToNumber (a descriptor that is not an exact integer below 2^53
 * is WSAENOTSOCK), every other argument with ToInt32, by both implementations,
 * so any number gives a defined result.
 */
export interface CoreOps {
  /**
   * Lays out storage and resets all state: 0, or -WSAEINVAL / -WSAENOBUFS.
   * `epoch` (default: `nextEpoch()`) goes into every descriptor: cores with
   * different epochs never share one.
   */
  init(tableCapacity: number, queueSlots: number, epoch?: number): number;
  /** Sets a profile's legal backlog range: 0 or -WSAEINVAL. */
  configure(profile: number, minBacklog: number, maxBacklog: number): number;
  /** A new descriptor of type 1 (stream) or 2 (datagram), or -WSAESOCKTNOSUPPORT / -WSAEMFILE. */
  socket(type: number): number;
  /** CREATED → BOUND: 0, -WSAENOTSOCK or -WSAEINVAL. */
  bind(s: number): number;
  /** CREATED/BOUND → CONNECTING: 0, -WSAENOTSOCK, -WSAEINVAL, -WSAEISCONN or -WSAEALREADY. */
  beginConnect(s: number): number;
  /** CONNECTING → CONNECTED (ok != 0) or BOUND: 0, -WSAENOTSOCK or -WSAEINVAL. */
  endConnect(s: number, ok: number): number;
  /** Sets or clears the non-blocking flag: 0 or -WSAENOTSOCK. */
  setNonBlocking(s: number, on: number): number;
  /** Frees the descriptor; a listener hands back its queued handles (returns how many). */
  close(s: number): number;
  /**
   * Makes a bound stream socket a listener (or re-listens per profile); returns the handles handed back.
   * The backlog is truncated toward zero and saturated to i32; NaN is WSAEINVAL in Winsock's order.
   */
  listen(s: number, backlog: number, profile: number): number;
  /** Queues a pending-connection handle: 0, or -WSAECONNREFUSED when the queue is full. */
  admit(s: number, handle: number): number;
  /** Dequeues the oldest handle with a new descriptor (returned); -WSAEWOULDBLOCK when empty, -WSAEMFILE when the table is full. */
  take(s: number): number;
  /** The handle the last successful take dequeued. */
  takenHandle(): number;
  /** admit for the n handles in io[0..n); results replace them; returns how many were queued. */
  admitMany(s: number, n: number): number;
  /** take up to max times into io as (descriptor, handle) pairs; returns the count. */
  takeMany(s: number, max: number): number;
  /** close for the n descriptors in io[0..n); returns the total handed back. */
  closeMany(n: number): number;
  /** The i-th handle handed back by the last close, closeMany or re-listen (-1 past the end). */
  handback(i: number): number;
  /** One field (StatField) of a socket's entry, or a negated error code. */
  stat(s: number, field: number): number;
  /** Free descriptors left in the table. */
  freeDescriptors(): number;
  /** The I/O area of the batch calls (a view; re-read it after `init` and after a `listen`). */
  readonly io: Float64Array;
}

/** Every export of the core module that src/core/_core.ts binds (a module lacking one is not the core). */
export const CORE_EXPORTS: readonly string[] = [
  "memory",
  "ioOffset",
  "init",
  "configure",
  "socket",
  "bind",
  "beginConnect",
  "endConnect",
  "setNonBlocking",
  "close",
  "listen",
  "admit",
  "take",
  "takenHandle",
  "admitMany",
  "takeMany",
  "closeMany",
  "handback",
  "stat",
  "freeDescriptors",
];
