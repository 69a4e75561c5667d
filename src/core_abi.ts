/**
 * The core's ABI described in TypeScript: the operations both the WebAssembly
 * core (src/core.ts) and the reference model (src/model.ts) implement, and the
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
  init(tableCapacity: number, queueSlots: number): number;
  configure(profile: number, minBacklog: number, maxBacklog: number): number;
  socket(type: number): number;
  bind(s: number): number;
  beginConnect(s: number): number;
  endConnect(s: number, ok: number): number;
  setNonBlocking(s: number, on: number): number;
  close(s: number): number;
  listen(s: number, backlog: number, profile: number): number;
  admit(s: number, handle: number): number;
  take(s: number): number;
  takenHandle(): number;
  admitMany(s: number, n: number): number;
  takeMany(s: number, max: number): number;
  closeMany(n: number): number;
  handback(i: number): number;
  stat(s: number, field: number): number;
  freeDescriptors(): number;
  /** The I/O area of the batch calls (a view; re-read it after `init`). */
  readonly io: Int32Array;
}
