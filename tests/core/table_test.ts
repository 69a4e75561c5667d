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

testEachCore("a closed descriptor stays stale when its slot is reused many times", (core) => {
  core.init(1, 64);
  const first = core.socket(1);
  core.close(first);
  for (let i = 0; i < 5000; i++) {
    const s = core.socket(1);
    is(s === first, false);
    is(core.bind(first), -WSA.WSAENOTSOCK);
    core.close(s);
  }
});

testEachCore("the generation wraps and descriptors stay positive i32 values", (core) => {
  core.init(1 << 20, 64); // 20 index bits leave generations 1 .. 2047
  const seen = new Set<number>();
  for (let i = 0; i < 2100; i++) {
    const s = core.socket(1);
    is(s > 0 && s <= 0x7fffffff, true);
    seen.add(s);
    core.close(s);
  }
  is(seen.size, 2047); // every generation of slot 0, then it starts again at 1
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
