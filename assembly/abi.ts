// The numbers of the core's ABI that TypeScript needs too: profiles, socket
// states and types, `stat` fields, limits and the default backlog ranges.
//
// This file is their one source. scripts/build.ts reads every exported constant
// below (an integer literal, or `1 << n`) and writes build/acceptq_abi.ts, which
// src/core/_abi.ts imports; `deno task build` regenerates it and the build
// check fails when it is stale. Keep each on one line in this form.

// Profiles: which interface's rules a listen follows (SPEC L3, L6, L11).
/** Winsock 2 (ws2_32, winsock2.h): the default profile. */
@inline export const PROFILE_WINSOCK2: i32 = 0;
/** Winsock 1.1 (winsock.h): SOMAXCONN is 5, re-listen updates the backlog. */
@inline export const PROFILE_WINSOCK11: i32 = 1;
/** Service provider interface (ws2spi.h): Winsock 2 clamping, 1.1 re-listen. */
@inline export const PROFILE_SPI: i32 = 2;
/** Number of profiles. */
@inline export const PROFILE_COUNT: i32 = 3;

// Default legal backlog range per profile (`configure` changes it).
@inline export const DEFAULT_MIN_WINSOCK2: i32 = 1;
@inline export const DEFAULT_MAX_WINSOCK2: i32 = 512;
@inline export const DEFAULT_MIN_WINSOCK11: i32 = 1;
@inline export const DEFAULT_MAX_WINSOCK11: i32 = 5;
@inline export const DEFAULT_MIN_SPI: i32 = 1;
@inline export const DEFAULT_MAX_SPI: i32 = 512;

// Socket states in the table.
/** Slot is unused. */
@inline export const STATE_FREE: u32 = 0;
/** Created by socket(), not bound. */
@inline export const STATE_CREATED: u32 = 1;
/** Bound to a local address. */
@inline export const STATE_BOUND: u32 = 2;
/** Passive: has a listener record (ring and counters). */
@inline export const STATE_LISTENING: u32 = 3;
/** A connect has begun and not ended. */
@inline export const STATE_CONNECTING: u32 = 4;
/** Connected: accepted from a listener, or a connect succeeded. */
@inline export const STATE_CONNECTED: u32 = 5;

// Socket types.
/** SOCK_STREAM */
@inline export const TYPE_STREAM: u32 = 1;
/** SOCK_DGRAM */
@inline export const TYPE_DGRAM: u32 = 2;

// `stat` fields.
@inline export const STAT_STATE: i32 = 0;
@inline export const STAT_TYPE: i32 = 1;
@inline export const STAT_NONBLOCKING: i32 = 2;
@inline export const STAT_BACKLOG: i32 = 3;
@inline export const STAT_QUEUED: i32 = 4;
@inline export const STAT_ADMITTED: i32 = 5;
@inline export const STAT_REFUSED: i32 = 6;
@inline export const STAT_DROPPED: i32 = 7;
@inline export const STAT_TAKEN: i32 = 8;
@inline export const STAT_HIGH_WATER: i32 = 9;
@inline export const STAT_RING_CAPACITY: i32 = 10;

// Limits.
/** Most descriptors a table may have (20 index bits). */
@inline export const MAX_TABLE_CAPACITY: i32 = 1 << 20;
/** Most slots the ring arena may have (64 MiB). */
@inline export const MAX_QUEUE_SLOTS: i32 = 1 << 24;
/** Slots (f64) in the I/O area of the batch calls. */
@inline export const IO_SLOTS: i32 = 1024;
/** SOMAXCONN_HINT(N) adjusts N into [HINT_MIN, HINT_MAX]; HINT_MAX is also the largest backlog. */
@inline export const HINT_MIN: i32 = 200;
@inline export const HINT_MAX: i32 = 65535;
/** Largest ring class: 2^16 slots hold HINT_MAX pending connections. */
@inline export const MAX_RING_CLASS: i32 = 16;
/** Bits of a descriptor: it is an integer in [1, 2^53), exact in a JavaScript number. */
@inline export const DESCRIPTOR_BITS: i32 = 53;
/** Bits of the epoch `init` takes; cores with different epochs (mod 2^EPOCH_BITS) never share a descriptor. */
@inline export const EPOCH_BITS: i32 = 12;
