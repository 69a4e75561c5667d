// The socket table: descriptors, generations, the free list, WSAEMFILE without
// losing the pending connection (SPEC L7), inherited flags and the batch calls.
import { deepStrictEqual as eq, strictEqual as is } from "node:assert/strict";
import { StatField } from "../../src/core/_abi.ts";
import { WSA } from "../../src/shared/errors.ts";
import { listenerOn, testEachCore } from "./_cores.ts";

testEachCore("descriptors are positive, distinct, and freed ones are counted", (core) => {
  core.init(100, 64);
  const all = Array.from({ length: 100 }, () => core.socket(1));
  is(all.every((s) => s > 0), true);
  is(new Set(all).size, 100);
  is(core.freeDescriptors(), 0);
  for (const s of all) is(core.close(s), 0);
  is(core.freeDescriptors(), 100);
});

testEachCore(
  "a closed descriptor stays stale through thousands of reuses, of one slot or of many",
  (core) => {
    // 1 slot: every reuse is of the same slot. 2^20 slots: before freed slots rotated and
    // generations were widened, the same slot came back each time and aliased after 2,047 cycles.
    for (const capacity of [1, 1 << 20]) {
      core.init(capacity, 64, 1);
      const first = core.socket(1);
      core.close(first);
      for (let i = 0; i < 5000; i++) {
        const s = core.socket(1);
        is(s === first, false);
        is(core.bind(first), -WSA.WSAENOTSOCK);
        core.close(s);
      }
    }
  },
);

testEachCore("freed slots are reused oldest first", (core) => {
  core.init(4, 64, 1);
  const [a, b, c, d] = [core.socket(1), core.socket(1), core.socket(1), core.socket(1)];
  const slot = (s: number) => s % 4;
  core.close(c);
  core.close(a);
  core.close(d);
  eq([core.socket(1), core.socket(1), core.socket(1)].map(slot), [c, a, d].map(slot));
  is(core.socket(1), -WSA.WSAEMFILE);
  is(core.bind(b), 0);
});

testEachCore("with one free slot, its descriptor repeats only after 2^genBits - 1 reuses", (core) => {
  // 2^20 slots: 20 index bits, 12 epoch bits, 53 - 32 = 21 generation bits.
  core.init(1 << 20, 64, 5);
  for (let i = 0; i < (1 << 20) - 1; i++) core.socket(1);
  const first = core.socket(1);
  is(core.socket(1), -WSA.WSAEMFILE);
  core.close(first);
  let s = 0;
  for (let i = 1; i < 2 ** 21 - 1; i++) {
    s = core.socket(1);
    if (s === first) throw new Error(`repeated after ${i} reuses`);
    core.close(s);
  }
  is(Number.isInteger(s) && s > 0 && s < 2 ** 53, true);
  is(core.socket(1), first); // the counter wrapped back to the epoch's first generation
});

testEachCore("descriptors are integers below 2^53 that carry the epoch", (core) => {
  const take = (epoch: number) => {
    core.init(16, 64, epoch);
    return Array.from({ length: 40 }, () => {
      const s = core.socket(1);
      core.close(s);
      return s;
    });
  };
  const one = take(1);
  const two = take(2);
  for (const s of [...one, ...two]) is(Number.isInteger(s) && s > 0 && s < 2 ** 53, true);
  is(one.some((s) => two.includes(s)), false);
  eq(take(1 + 4096), one); // the epoch counts modulo 2^12
});

testEachCore("cores initialised without an epoch never share a descriptor", (_, make) => {
  const a = make();
  const b = make();
  a.init(4, 4);
  b.init(4, 4);
  const fromA = [a.socket(1), a.socket(1)];
  const fromB = [b.socket(1), b.socket(1)];
  is(fromA.some((s) => fromB.includes(s)), false);
  is(b.bind(fromA[0]), -WSA.WSAENOTSOCK);
});

testEachCore("WSAEMFILE keeps the pending connection queued until a descriptor is free", (core) => {
  core.init(3, 64);
  const l = listenerOn(core, 4);
  const other = core.socket(1);
  const third = core.socket(1);
  core.admit(l, 41);
  core.admit(l, 42);
  is(core.take(l), -WSA.WSAEMFILE);
  is(core.stat(l, StatField.Queued), 2);
  is(core.admit(l, 43), 0); // listening keeps working (SPEC L7)
  core.close(other);
  const d = core.take(l);
  is(d > 0, true);
  is(core.takenHandle(), 41);
  core.close(third);
  is(core.take(l) > 0, true);
  is(core.takenHandle(), 42);
});

testEachCore("an accepted socket inherits the listener's non-blocking flag", (core) => {
  core.init(8, 64);
  const l = listenerOn(core, 4);
  core.admit(l, 1);
  is(core.stat(core.take(l), StatField.NonBlocking), 0);
  is(core.setNonBlocking(l, 1), 0);
  core.admit(l, 2);
  is(core.stat(core.take(l), StatField.NonBlocking), 1);
  core.setNonBlocking(l, 0);
  is(core.stat(l, StatField.NonBlocking), 0);
});

testEachCore("counters: admitted = taken + dropped + queued, and the high-water mark", (core) => {
  core.init(32, 256);
  const l = listenerOn(core, 6, 2);
  for (let h = 0; h < 9; h++) core.admit(l, h); // 6 admitted, 3 refused
  core.take(l);
  core.take(l);
  core.listen(l, 2, 2); // drops 2 of the 4 queued
  const [admitted, refused, taken, dropped, queued, high] = [
    StatField.Admitted,
    StatField.Refused,
    StatField.Taken,
    StatField.Dropped,
    StatField.Queued,
    StatField.HighWater,
  ].map((f) => core.stat(l, f));
  eq([admitted, refused, taken, dropped, queued, high], [6, 3, 2, 2, 2, 6]);
});

testEachCore("admitMany, takeMany and closeMany do what their single calls do", (core) => {
  core.init(32, 256);
  const l = listenerOn(core, 3);
  core.io.set([10, 11, -5, 12, 13]);
  is(core.admitMany(l, 5), 3);
  eq([...core.io.subarray(0, 5)], [0, 0, -WSA.WSAEINVAL, 0, -WSA.WSAECONNREFUSED]);
  is(core.takeMany(l, 8), 3);
  const pairs = [...core.io.subarray(0, 6)];
  eq([pairs[1], pairs[3], pairs[5]], [10, 11, 12]);
  const descriptors = [pairs[0], pairs[2], pairs[4]];
  is(descriptors.every((d) => core.stat(d, StatField.State) === 5), true);
  is(core.takeMany(l, 8), 0); // empty
  core.admit(l, 99);
  core.io.set([...descriptors, descriptors[0], l]);
  is(core.closeMany(5), 1); // the listener hands back 99
  eq([...core.io.subarray(0, 5)], [0, 0, 0, -WSA.WSAENOTSOCK, 1]);
  is(core.handback(0), 99);
  is(core.freeDescriptors(), 32);
});

testEachCore("takeMany stops at a full table and reports WSAEMFILE only when it took nothing", (core) => {
  core.init(3, 64);
  const l = listenerOn(core, 8);
  for (let h = 0; h < 4; h++) core.admit(l, h);
  is(core.takeMany(l, 4), 2); // two free descriptors
  is(core.takeMany(l, 4), -WSA.WSAEMFILE);
  is(core.stat(l, StatField.Queued), 2);
});

testEachCore("a failed connect returns the socket to bound; a good one makes it connected", (core) => {
  core.init(8, 64);
  const s = core.socket(1);
  core.beginConnect(s);
  is(core.stat(s, StatField.State), 4);
  core.endConnect(s, 0);
  is(core.stat(s, StatField.State), 2);
  core.beginConnect(s);
  core.endConnect(s, 1);
  is(core.stat(s, StatField.State), 5);
});

testEachCore("closeMany leaves open a listener whose queue would overflow the hand-back buffer", (core) => {
  // 2^17 queue slots: the hand-back buffer holds 2^16 handles, one full listener's worth.
  core.init(8, 1 << 17, 1);
  const [a, b] = [listenerOn(core, -40000), listenerOn(core, -40000)]; // SOMAXCONN_HINT(40000)
  for (let h = 0; h < 40000; h++) {
    core.admit(a, h);
    core.admit(b, 100000 + h);
  }
  core.io.set([a, b]);
  is(core.closeMany(2), 40000);
  eq([core.io[0], core.io[1]], [40000, -WSA.WSAENOBUFS]);
  eq([core.handback(0), core.handback(39999), core.handback(40000)], [0, 39999, -1]);
  is(core.stat(a, StatField.State), -WSA.WSAENOTSOCK);
  is(core.stat(b, StatField.Queued), 40000);
  is(core.close(b), 40000); // alone it fits
  is(core.handback(0), 100000);
});
