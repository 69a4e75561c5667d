/**
 * A plain TypeScript model of the WebAssembly core: the same operations, the
 * same results, the same descriptor numbers and the same ring-arena decisions.
 * It is the oracle of the differential tests and the baseline of the benchmarks;
 * it favours clarity, but is written as a competent TypeScript ring would be.
 *
 * Arguments go through ToInt32 (`| 0`) exactly as WebAssembly's i32 parameters do;
 * descriptors and listen's backlog through ToNumber (`+`), as its f64 parameters do.
 *
 * @module
 */

import {
  CoreLimits,
  type CoreOps,
  DefaultRange,
  nextEpoch,
  Profile,
  SocketState,
  SocketType,
  StatField,
} from "./_abi.ts";
import { WSA } from "../shared/errors.ts";

const { Free, Created, Bound, Listening, Connecting, Connected } = SocketState;

/** One socket table slot. */
class Slot {
  constructor(readonly index: number) {}
  gen = 1;
  state: number = Free;
  type = 0;
  nonBlocking = false;
  backlog = 0;
  /** The listener's ring, its arena block and class (-1: none). */
  ring: Int32Array | null = null;
  ringAt = 0;
  ringClass = -1;
  in = 0;
  out = 0;
  highWater = 0;
  admitted = 0;
  refused = 0;
  dropped = 0;
  taken = 0;
  next = -1;

  reset(gen: number, next: number): void {
    this.gen = gen;
    this.state = Free;
    this.type = 0;
    this.nonBlocking = false;
    this.backlog = 0;
    this.ring = null;
    this.ringAt = 0;
    this.ringClass = -1;
    this.in = this.out = this.highWater = 0;
    this.admitted =
      this.refused =
      this.dropped =
      this.taken =
        0;
    this.next = next;
  }
}

/** The arena's bookkeeping (which offsets a listener's ring gets), without its storage. */
class ArenaModel {
  #size = 0;
  #bump = 0;
  #free: number[][] = [];

  reset(size: number): void {
    this.#size = size;
    this.#bump = 0;
    this.#free = Array.from({ length: CoreLimits.maxRingClass + 1 }, () => []);
  }

  alloc(cls: number): number {
    const reused = this.#free[cls].pop();
    if (reused !== undefined) return reused;
    const n = 1 << cls;
    if (n <= this.#size - this.#bump) {
      const at = this.#bump;
      this.#bump += n;
      return at;
    }
    for (let j = cls + 1; j <= CoreLimits.maxRingClass; j++) {
      const at = this.#free[j].pop();
      if (at === undefined) continue;
      for (let k = j - 1; k >= cls; k--) this.#free[k].push(at + (1 << k));
      return at;
    }
    return -1;
  }

  release(cls: number, at: number): void {
    this.#free[cls].push(at);
  }
}

/** A number converted as WebAssembly's i32.trunc_sat_f64_s does (toward zero, saturated; NaN is 0). */
function toInt32Saturated(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x >= 2 ** 31 - 1) return 2 ** 31 - 1;
  if (x <= -(2 ** 31)) return -(2 ** 31);
  return Math.trunc(x);
}

function classFor(n: number): number {
  return n <= 1 ? 0 : 32 - Math.clz32(n - 1);
}

/** The reference model of the accept-queue core. */
export class CoreModel implements CoreOps {
  readonly io: Float64Array = new Float64Array(CoreLimits.ioSlots);
  #slots: Slot[] = [];
  /** 2^idxBits: a descriptor is gen * #slotSpan + slot index. */
  #slotSpan = 2;
  #firstGen = 1;
  /** One past the epoch's last generation: the counter wraps there, back to #firstGen. */
  #genEnd = 2;
  #freeHead = -1;
  #freeTail = -1;
  #freeCount = 0;
  #arena = new ArenaModel();
  #ranges: [number, number][] = [];
  #handback: number[] = [];
  #handbackCapacity = 0;
  #lastHandle = -1;

  init(tableCapacity: number, queueSlots: number, epoch: number = nextEpoch()): number {
    tableCapacity |= 0;
    queueSlots |= 0;
    epoch |= 0;
    if (tableCapacity < 1 || tableCapacity > CoreLimits.maxTableCapacity) return -WSA.WSAEINVAL;
    if (queueSlots < 1 || queueSlots > CoreLimits.maxQueueSlots) return -WSA.WSAEINVAL;
    const idxBits = tableCapacity <= 2 ? 1 : 32 - Math.clz32(tableCapacity - 1);
    const genBits = CoreLimits.descriptorBits - CoreLimits.epochBits - idxBits;
    this.#slotSpan = 2 ** idxBits;
    const epochBase = (epoch & (2 ** CoreLimits.epochBits - 1)) * 2 ** genBits;
    this.#firstGen = epochBase + 1;
    this.#genEnd = epochBase + 2 ** genBits;
    this.#slots = Array.from({ length: tableCapacity }, (_, i) => new Slot(i));
    this.#slots.forEach((slot, i) => slot.reset(this.#firstGen, i + 1 < tableCapacity ? i + 1 : -1));
    this.#freeHead = 0;
    this.#freeTail = tableCapacity - 1;
    this.#freeCount = tableCapacity;
    this.#arena.reset(queueSlots);
    this.#handbackCapacity = Math.min(queueSlots, 2 ** 16);
    this.#ranges = [0, 1, 2].map((p) => [...DefaultRange[p as Profile]]);
    this.#handback = [];
    this.#lastHandle = -1;
    return 0;
  }

  configure(profile: number, minBacklog: number, maxBacklog: number): number {
    profile |= 0;
    minBacklog |= 0;
    maxBacklog |= 0;
    if (!this.#ready()) return -WSA.WSANOTINITIALISED;
    if (profile >>> 0 > 2 || minBacklog < 1 || maxBacklog < minBacklog || maxBacklog > CoreLimits.hintMax) {
      return -WSA.WSAEINVAL;
    }
    this.#ranges[profile] = [minBacklog, maxBacklog];
    return 0;
  }

  socket(type: number): number {
    type |= 0;
    if (!this.#ready()) return -WSA.WSANOTINITIALISED;
    if (type !== SocketType.Stream && type !== SocketType.Datagram) return -WSA.WSAESOCKTNOSUPPORT;
    const s = this.#allocate(type, false, Created);
    return s < 0 ? -WSA.WSAEMFILE : s;
  }

  bind(s: number): number {
    const e = this.#lookup(s);
    if (typeof e === "number") return e;
    if (e.state !== Created) return -WSA.WSAEINVAL;
    e.state = Bound;
    return 0;
  }

  beginConnect(s: number): number {
    const e = this.#lookup(s);
    if (typeof e === "number") return e;
    if (e.state === Listening) return -WSA.WSAEINVAL;
    if (e.state === Connected) return -WSA.WSAEISCONN;
    if (e.state === Connecting) return -WSA.WSAEALREADY;
    e.state = Connecting;
    return 0;
  }

  endConnect(s: number, ok: number): number {
    ok |= 0;
    const e = this.#lookup(s);
    if (typeof e === "number") return e;
    if (e.state !== Connecting) return -WSA.WSAEINVAL;
    e.state = ok !== 0 ? Connected : Bound;
    return 0;
  }

  setNonBlocking(s: number, on: number): number {
    on |= 0;
    const e = this.#lookup(s);
    if (typeof e === "number") return e;
    e.nonBlocking = on !== 0;
    return 0;
  }

  close(s: number): number {
    const e = this.#lookup(s);
    if (typeof e === "number") return e;
    this.#handback = [];
    this.#closeSlot(e);
    return this.#handback.length;
  }

  listen(s: number, backlog: number, profile: number): number {
    backlog = +backlog;
    profile |= 0;
    const e = this.#lookup(s);
    if (typeof e === "number") return e;
    if (e.type !== SocketType.Stream) return -WSA.WSAEOPNOTSUPP;
    if (e.state === Connected) return -WSA.WSAEISCONN;
    if (profile >>> 0 > 2 || Number.isNaN(backlog)) return -WSA.WSAEINVAL;
    backlog = toInt32Saturated(backlog);
    if (e.state === Listening) return this.#relisten(e, backlog, profile);
    if (e.state !== Bound) return -WSA.WSAEINVAL;
    const effective = this.#clamp(profile, backlog);
    const cls = classFor(effective);
    const at = this.#arena.alloc(cls);
    if (at < 0) return -WSA.WSAENOBUFS;
    e.backlog = effective;
    e.ring = new Int32Array(1 << cls);
    e.ringAt = at;
    e.ringClass = cls;
    e.state = Listening;
    return 0;
  }

  admit(s: number, handle: number): number {
    handle |= 0;
    const e = this.#lookup(s);
    if (typeof e === "number") return e;
    if (e.state !== Listening || handle < 0) return -WSA.WSAEINVAL;
    return this.#admitInto(e, handle);
  }

  take(s: number): number {
    const e = this.#listener(s);
    return typeof e === "number" ? e : this.#takeFrom(e);
  }

  takenHandle(): number {
    return this.#lastHandle;
  }

  admitMany(s: number, n: number): number {
    n |= 0;
    const e = this.#lookup(s);
    if (typeof e === "number") return e;
    if (e.state !== Listening) return -WSA.WSAEINVAL;
    if (n >>> 0 > CoreLimits.ioSlots) return -WSA.WSAEFAULT;
    let admitted = 0;
    for (let i = 0; i < n; i++) {
      const value = this.io[i];
      const handle = toInt32Saturated(value);
      const result = handle !== value || handle < 0 ? -WSA.WSAEINVAL : this.#admitInto(e, handle);
      if (result === 0) admitted++;
      this.io[i] = result;
    }
    return admitted;
  }

  takeMany(s: number, max: number): number {
    max |= 0;
    const e = this.#listener(s);
    if (typeof e === "number") return e;
    if (max >>> 0 > CoreLimits.ioSlots >> 1) return -WSA.WSAEFAULT;
    let k = 0;
    while (k < max) {
      const d = this.#takeFrom(e);
      if (d < 0) {
        if (d === -WSA.WSAEMFILE && k === 0) return d;
        break;
      }
      this.io[2 * k] = d;
      this.io[2 * k + 1] = this.#lastHandle;
      k++;
    }
    return k;
  }

  closeMany(n: number): number {
    n |= 0;
    if (!this.#ready()) return -WSA.WSANOTINITIALISED;
    if (n >>> 0 > CoreLimits.ioSlots) return -WSA.WSAEFAULT;
    this.#handback = [];
    for (let i = 0; i < n; i++) {
      const e = this.#lookup(this.io[i]);
      if (typeof e === "number") {
        this.io[i] = e;
        continue;
      }
      // The hand-back buffer holds min(queueSlots, 2^16) handles: a listener whose queue
      // would not fit stays open.
      if (e.state === Listening && this.#handback.length + (e.in - e.out) > this.#handbackCapacity) {
        this.io[i] = -WSA.WSAENOBUFS;
        continue;
      }
      const before = this.#handback.length;
      this.#closeSlot(e);
      this.io[i] = this.#handback.length - before;
    }
    return this.#handback.length;
  }

  handback(i: number): number {
    i |= 0;
    return i >>> 0 < this.#handback.length ? this.#handback[i] : -1;
  }

  stat(s: number, field: number): number {
    field |= 0;
    const e = this.#lookup(s);
    if (typeof e === "number") return e;
    switch (field) {
      case StatField.State:
        return e.state;
      case StatField.Type:
        return e.type;
      case StatField.NonBlocking:
        return e.nonBlocking ? 1 : 0;
      case StatField.Backlog:
        return e.backlog;
      case StatField.Queued:
        return e.in - e.out;
      case StatField.Admitted:
        return e.admitted;
      case StatField.Refused:
        return e.refused;
      case StatField.Dropped:
        return e.dropped;
      case StatField.Taken:
        return e.taken;
      case StatField.HighWater:
        return e.highWater;
      case StatField.RingCapacity:
        return e.ringClass < 0 ? 0 : 1 << e.ringClass;
    }
    return -WSA.WSAEINVAL;
  }

  freeDescriptors(): number {
    return this.#ready() ? this.#freeCount : -WSA.WSANOTINITIALISED;
  }

  #ready(): boolean {
    return this.#slots.length !== 0;
  }

  /** The live slot `s` names, or a negated error code. */
  #lookup(s: number): Slot | number {
    s = +s;
    if (!this.#ready()) return -WSA.WSANOTINITIALISED;
    if (!(s >= 1 && s < 2 ** CoreLimits.descriptorBits) || !Number.isInteger(s)) return -WSA.WSAENOTSOCK;
    const gen = Math.floor(s / this.#slotSpan); // exact: the span is a power of two
    const slot = this.#slots[s - gen * this.#slotSpan];
    if (slot === undefined || slot.gen !== gen || slot.state === Free) {
      return -WSA.WSAENOTSOCK;
    }
    return slot;
  }

  /** The slot of a listening stream socket, or take's error in Winsock's order. */
  #listener(s: number): Slot | number {
    const e = this.#lookup(s);
    if (typeof e === "number") return e;
    if (e.type !== SocketType.Stream) return -WSA.WSAEOPNOTSUPP;
    if (e.state !== Listening) return -WSA.WSAEINVAL;
    return e;
  }

  #allocate(type: number, nonBlocking: boolean, state: number): number {
    const i = this.#freeHead;
    if (i < 0) return -1;
    const slot = this.#slots[i];
    this.#freeHead = slot.next;
    if (this.#freeHead < 0) this.#freeTail = -1;
    this.#freeCount--;
    slot.state = state;
    slot.type = type;
    slot.nonBlocking = nonBlocking;
    return slot.gen * this.#slotSpan + i;
  }

  #closeSlot(e: Slot): void {
    if (e.state === Listening) {
      while (e.in !== e.out) this.#handback.push(e.ring![e.out++ & (e.ring!.length - 1)]);
      this.#arena.release(e.ringClass, e.ringAt);
    }
    // The counter wraps within its bits, back to the epoch's first generation.
    const gen = e.gen + 1 === this.#genEnd ? this.#firstGen : e.gen + 1;
    e.reset(gen, -1);
    // Freed slots join the tail of the free list: they are reused oldest first.
    if (this.#freeTail < 0) this.#freeHead = e.index;
    else this.#slots[this.#freeTail].next = e.index;
    this.#freeTail = e.index;
    this.#freeCount++;
  }

  #clamp(profile: number, requested: number): number {
    const [min, max] = this.#ranges[profile];
    if (requested < 0 && profile !== Profile.Winsock11) {
      if (requested < -CoreLimits.hintMax) return CoreLimits.hintMax;
      return Math.max(-requested, CoreLimits.hintMin);
    }
    return Math.min(Math.max(requested, min), max);
  }

  #relisten(e: Slot, backlog: number, profile: number): number {
    this.#handback = [];
    if (profile === Profile.Winsock2) return 0;
    const effective = this.#clamp(profile, backlog);
    const wanted = classFor(effective);
    if (wanted > e.ringClass) {
      const at = this.#arena.alloc(wanted);
      if (at < 0) return -WSA.WSAENOBUFS;
      const ring = new Int32Array(1 << wanted);
      const n = e.in - e.out;
      for (let i = 0; i < n; i++) ring[i] = e.ring![(e.out + i) & (e.ring!.length - 1)];
      this.#arena.release(e.ringClass, e.ringAt);
      e.ring = ring;
      e.ringAt = at;
      e.ringClass = wanted;
      e.out = 0;
      e.in = n;
    }
    while (e.in - e.out > effective) {
      this.#handback.push(e.ring![--e.in & (e.ring!.length - 1)]);
      e.dropped++;
    }
    e.backlog = effective;
    return this.#handback.length;
  }

  #admitInto(e: Slot, handle: number): number {
    const n = e.in - e.out;
    if (n >= e.backlog) {
      e.refused++;
      return -WSA.WSAECONNREFUSED;
    }
    e.ring![e.in++ & (e.ring!.length - 1)] = handle;
    e.admitted++;
    if (n + 1 > e.highWater) e.highWater = n + 1;
    return 0;
  }

  #takeFrom(e: Slot): number {
    if (e.in === e.out) return -WSA.WSAEWOULDBLOCK;
    const d = this.#allocate(SocketType.Stream, e.nonBlocking, Connected);
    if (d < 0) return -WSA.WSAEMFILE;
    this.#lastHandle = e.ring![e.out++ & (e.ring!.length - 1)];
    e.taken++;
    return d;
  }
}
