/**
 * The core's ABI described in TypeScript: the operations both the WebAssembly
 * core (src/core/_core.ts) and the reference model (src/core/_model.ts) implement, and the
 * numbers that cross the boundary. Every result >= 0 is a value; < 0 is a
 * negated Winsock error code. See assembly/index.ts for each operation's contract.
 *
 * @module
 */

/** Which interface's rules a `listen` follows (SPEC L3, L6). */
export const Profile = {
  /** Winsock 2: SOMAXCONN_HINT honoured, re-listen keeps the backlog. */
  Winsock2: 0,
  /** Winsock 1.1: legal range [1, 5] by default, re-listen updates and drops. */
  Winsock11: 1,
  /** Service provider: Winsock 2 clamping, re-listen updates and drops. */
  Spi: 2,
} as const;
/** A profile number. */
export type Profile = typeof Profile[keyof typeof Profile];

/** Socket states in the table. */
export const SocketState = {
  Free: 0,
  Created: 1,
  Bound: 2,
  Listening: 3,
  Connecting: 4,
  Connected: 5,
} as const;
/** A socket state number. */
export type SocketState = typeof SocketState[keyof typeof SocketState];

/** Fields readable with `stat`. */
export const StatField = {
  State: 0,
  Type: 1,
  NonBlocking: 2,
  Backlog: 3,
  Queued: 4,
  Admitted: 5,
  Refused: 6,
  Dropped: 7,
  Taken: 8,
  HighWater: 9,
  RingCapacity: 10,
} as const;
/** A stat field number. */
export type StatField = typeof StatField[keyof typeof StatField];

/** Socket types the table knows (SOCK_STREAM, SOCK_DGRAM). */
export const SocketType = { Stream: 1, Datagram: 2 } as const;

/** Limits fixed by the core's layout. */
export const CoreLimits = {
  /** Most descriptors a table may have. */
  maxTableCapacity: 1 << 20,
  /** Most slots the ring arena may have. */
  maxQueueSlots: 1 << 24,
  /** Slots in the I/O area of the batch calls. */
  ioSlots: 1024,
  /** SOMAXCONN_HINT(N) adjusts N into [hintMin, hintMax]. */
  hintMin: 200,
  hintMax: 65535,
  /** Largest ring class: 2^16 slots. */
  maxRingClass: 16,
} as const;

/** Default legal backlog range per profile (SPEC L11). */
export const DefaultRange: Readonly<Record<Profile, readonly [number, number]>> = {
  [Profile.Winsock2]: [1, 512],
  [Profile.Winsock11]: [1, 5],
  [Profile.Spi]: [1, 512],
};

/**
 * The operations of the accept-queue core. Arguments are converted with
 * ToInt32 by both implementations, so any number gives a defined result.
 */
export interface CoreOps {
  /** Lays out storage and resets all state: 0, or -WSAEINVAL / -WSAENOBUFS. */
  init(tableCapacity: number, queueSlots: number): number;
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
  /** Makes a bound stream socket a listener (or re-listens per profile); returns the handles handed back. */
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
  /** The I/O area of the batch calls (a view; re-read it after `init`). */
  readonly io: Int32Array;
}

/** Every export of the core module that src/core/_core.ts binds (a module lacking one is not the core). */
export const CORE_EXPORTS: readonly string[] = [
  "memory",
  "ioOffset",
  "ioSlots",
  "handbackOffset",
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
