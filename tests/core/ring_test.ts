// The accept queue's battery, in the spirit of crossbeam's ArrayQueue tests:
// smoke, capacity, len/empty/full, FIFO order, wrap-around laps, close hands back.
import { deepStrictEqual as eq, strictEqual as is } from "node:assert/strict";
import { StatField } from "../../src/core/_abi.ts";
import { WSA } from "../../src/shared/errors.ts";
import { listenerOn, testEachCore } from "./_cores.ts";

testEachCore("smoke: an admitted handle is taken with a new descriptor", (core) => {
  is(core.init(16, 256), 0);
  const l = listenerOn(core, 4);
  is(core.admit(l, 7), 0);
  const d = core.take(l);
  is(d > 0 && d !== l, true);
  is(core.takenHandle(), 7);
  is(core.stat(d, StatField.State), 5); // CONNECTED
  is(core.take(l), -WSA.WSAEWOULDBLOCK);
});

testEachCore("the backlog, not the ring capacity, limits the queue", (core) => {
  core.init(16, 256);
  const l = listenerOn(core, 5);
  is(core.stat(l, StatField.RingCapacity), 8);
  for (let h = 0; h < 5; h++) is(core.admit(l, h), 0);
  is(core.admit(l, 5), -WSA.WSAECONNREFUSED);
  is(core.stat(l, StatField.Queued), 5);
  is(core.stat(l, StatField.Refused), 1);
});

testEachCore("backlog 0 behaves as 1", (core) => {
  core.init(16, 256);
  const l = listenerOn(core, 0);
  is(core.stat(l, StatField.Backlog), 1);
  is(core.admit(l, 1), 0);
  is(core.admit(l, 2), -WSA.WSAECONNREFUSED);
});

testEachCore("backlog 1 holds exactly one pending connection", (core) => {
  core.init(16, 256);
  const l = listenerOn(core, 1);
  is(core.stat(l, StatField.RingCapacity), 1);
  for (let lap = 0; lap < 100; lap++) {
    is(core.admit(l, lap), 0);
    is(core.admit(l, 1000 + lap), -WSA.WSAECONNREFUSED);
    const d = core.take(l);
    is(core.takenHandle(), lap);
    is(core.take(l), -WSA.WSAEWOULDBLOCK);
    is(core.close(d), 0);
  }
});

testEachCore("a negative backlog is a SOMAXCONN_HINT and a huge one is the provider maximum", (core) => {
  core.init(16, 1 << 17);
  is(core.stat(listenerOn(core, -1), StatField.Backlog), 200);
  is(core.stat(listenerOn(core, -70000), StatField.Backlog), 65535);
  is(core.stat(listenerOn(core, 2 ** 31 - 1), StatField.Backlog), 512);
});

testEachCore("len, empty and full are reported as the queue moves", (core) => {
  core.init(16, 256);
  const l = listenerOn(core, 3);
  const queued = () => core.stat(l, StatField.Queued);
  is(queued(), 0);
  core.admit(l, 1);
  core.admit(l, 2);
  is(queued(), 2);
  core.admit(l, 3);
  is(core.admit(l, 4), -WSA.WSAECONNREFUSED); // full
  core.take(l);
  is(queued(), 2);
  core.take(l);
  core.take(l);
  is(queued(), 0);
  is(core.take(l), -WSA.WSAEWOULDBLOCK); // empty
  is(core.stat(l, StatField.HighWater), 3);
});

testEachCore("handles come out in the order they went in", (core) => {
  core.init(64, 256);
  const l = listenerOn(core, 32);
  const order = [9, 3, 27, 0, 14, 14, 8, 2_000_000_000];
  for (const h of order) is(core.admit(l, h), 0);
  const taken: number[] = [];
  for (let i = 0; i < order.length; i++) {
    core.take(l);
    taken.push(core.takenHandle());
  }
  eq(taken, order);
});

testEachCore("a million operations lap the ring and leave memory unchanged", (core) => {
  core.init(64, 1024);
  const l = listenerOn(core, 7); // ring of 8: every 8 admits is a lap
  const memory = (core as { memory?: WebAssembly.Memory }).memory;
  const before = memory?.buffer.byteLength;
  let next = 0, expected = 0;
  for (let round = 0; round < 62_500; round++) {
    for (let i = 0; i < 5; i++) core.admit(l, next++);
    for (let i = 0; i < 3; i++) {
      const d = core.take(l);
      if (core.takenHandle() !== expected++) throw new Error(`FIFO broken at ${expected - 1}`);
      core.close(d);
    }
    while (core.stat(l, StatField.Queued) > 0) {
      core.close(core.take(l));
      if (core.takenHandle() !== expected++) throw new Error(`FIFO broken at ${expected - 1}`);
    }
  }
  is(core.stat(l, StatField.Admitted), 312_500);
  is(core.stat(l, StatField.Taken), 312_500);
  is(core.freeDescriptors(), 63);
  is(memory?.buffer.byteLength, before);
});

testEachCore("close hands back every queued handle, oldest first", (core) => {
  core.init(16, 256);
  const l = listenerOn(core, 10);
  for (const h of [5, 6, 7, 8]) core.admit(l, h);
  core.take(l);
  is(core.close(l), 3);
  eq([0, 1, 2, 3].map((i) => core.handback(i)), [6, 7, 8, -1]);
  is(core.admit(l, 1), -WSA.WSAENOTSOCK);
});

testEachCore("a closed listener's ring block is reused by the next listener", (core) => {
  core.init(16, 8); // room for exactly one ring of 8
  const a = listenerOn(core, 8);
  const b = core.socket(1);
  core.bind(b);
  is(core.listen(b, 8, 0), -WSA.WSAENOBUFS);
  core.close(a);
  is(core.listen(b, 8, 0), 0);
});

testEachCore("a large free block is split for smaller rings", (core) => {
  core.init(16, 64);
  const big = listenerOn(core, 64);
  core.close(big);
  // 64 slots are free as one block; 8 + 8 + 16 + 32 fill it exactly by splitting it.
  for (const backlog of [8, 8, 16, 32]) is(core.stat(listenerOn(core, backlog), StatField.Backlog), backlog);
  const one = core.socket(1);
  core.bind(one);
  is(core.listen(one, 1, 0), -WSA.WSAENOBUFS);
});
