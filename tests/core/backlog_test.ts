// Backlog clamping per profile (SPEC L3, L6, L11): every rule, on every core.
import { deepStrictEqual as eq, strictEqual as is } from "node:assert/strict";
import { Profile, StatField } from "../../src/core/_abi.ts";
import { WSA } from "../../src/shared/errors.ts";
import { listenerOn, testEachCore } from "./_cores.ts";

const SOMAXCONN = 0x7fffffff;
const hint = (n: number) => -n;

function effective(core: Parameters<typeof listenerOn>[0], backlog: number, profile: number): number {
  return core.stat(listenerOn(core, backlog, profile), StatField.Backlog);
}

testEachCore("Winsock 2: SOMAXCONN gives the provider maximum (512 by default)", (core) => {
  core.init(64, 1 << 20);
  is(effective(core, SOMAXCONN, Profile.Winsock2), 512);
});

testEachCore("Winsock 2: SOMAXCONN_HINT(N) is adjusted into [200, 65535]", (core) => {
  core.init(64, 1 << 20);
  is(effective(core, hint(1), Profile.Winsock2), 200);
  is(effective(core, hint(200), Profile.Winsock2), 200);
  is(effective(core, hint(1000), Profile.Winsock2), 1000);
  is(effective(core, hint(65535), Profile.Winsock2), 65535);
  is(effective(core, hint(100000), Profile.Winsock2), 65535);
  is(effective(core, -(2 ** 31), Profile.Winsock2), 65535);
});

testEachCore("Winsock 2: a hint may exceed what SOMAXCONN gives", (core) => {
  core.init(64, 1 << 20);
  is(effective(core, hint(1000), Profile.Winsock2) > effective(core, SOMAXCONN, Profile.Winsock2), true);
});

testEachCore("Winsock 2: values in range are kept, 0 becomes 1, too large becomes the maximum", (core) => {
  core.init(64, 1 << 20);
  eq([1, 2, 5, 100, 512].map((b) => effective(core, b, Profile.Winsock2)), [1, 2, 5, 100, 512]);
  is(effective(core, 0, Profile.Winsock2), 1);
  is(effective(core, 513, Profile.Winsock2), 512);
});

testEachCore("Winsock 1.1: everything is clamped to [1, 5] and negatives are not hints", (core) => {
  core.init(64, 1 << 20);
  eq([0, 1, 3, 5, 6, SOMAXCONN, -1, hint(1000)].map((b) => effective(core, b, Profile.Winsock11)), [
    1,
    1,
    3,
    5,
    5,
    5,
    1,
    1,
  ]);
});

testEachCore("SPI: Winsock 2 clamping, hints included", (core) => {
  core.init(64, 1 << 20);
  eq([0, 7, SOMAXCONN, hint(1), hint(100000)].map((b) => effective(core, b, Profile.Spi)), [
    1,
    7,
    512,
    200,
    65535,
  ]);
});

testEachCore("the provider range is configuration, per profile", (core) => {
  core.init(64, 1 << 20);
  is(core.configure(Profile.Winsock2, 2, 4), 0); // the small-backlog preset (Bluetooth advice)
  eq([0, 1, 3, 9, SOMAXCONN].map((b) => effective(core, b, Profile.Winsock2)), [2, 2, 3, 4, 4]);
  is(effective(core, hint(1), Profile.Winsock2), 200); // hints keep their own range
  is(effective(core, SOMAXCONN, Profile.Spi), 512); // other profiles are unchanged
  is(core.configure(Profile.Winsock11, 1, 200), 0);
  is(effective(core, SOMAXCONN, Profile.Winsock11), 200);
});

testEachCore("configure rejects an unusable range with WSAEINVAL and changes nothing", (core) => {
  core.init(64, 1 << 20);
  for (const [p, min, max] of [[0, 0, 5], [0, 5, 4], [0, 1, 65536], [3, 1, 5], [-1, 1, 5]]) {
    is(core.configure(p, min, max), -WSA.WSAEINVAL);
  }
  is(effective(core, SOMAXCONN, Profile.Winsock2), 512);
});

testEachCore("init restores the default ranges", (core) => {
  core.init(64, 1 << 20);
  core.configure(Profile.Winsock2, 2, 4);
  core.init(64, 1 << 20);
  is(effective(core, SOMAXCONN, Profile.Winsock2), 512);
});

testEachCore("re-listen under Winsock 2 keeps the backlog, even listen(s, 0)", (core) => {
  core.init(64, 1024);
  const l = listenerOn(core, 10, Profile.Winsock2);
  for (let h = 0; h < 6; h++) core.admit(l, h);
  is(core.listen(l, 0, Profile.Winsock2), 0);
  is(core.listen(l, 100, Profile.Winsock2), 0);
  is(core.stat(l, StatField.Backlog), 10);
  is(core.stat(l, StatField.Queued), 6);
});

for (const profile of [Profile.Winsock11, Profile.Spi]) {
  const name = profile === Profile.Spi ? "SPI" : "Winsock 1.1";
  testEachCore(`re-listen under ${name} updates the backlog and drops the newest excess`, (core) => {
    core.init(64, 1024);
    const l = listenerOn(core, 5, profile);
    for (let h = 10; h < 15; h++) core.admit(l, h);
    is(core.listen(l, 2, profile), 3);
    eq([0, 1, 2, 3].map((i) => core.handback(i)), [14, 13, 12, -1]); // newest first
    is(core.stat(l, StatField.Backlog), 2);
    is(core.stat(l, StatField.Dropped), 3);
    core.take(l);
    is(core.takenHandle(), 10); // the oldest survive, in order
    core.take(l);
    is(core.takenHandle(), 11);
  });
}

testEachCore("re-listen to a larger backlog moves the queue to a larger ring in order", (core) => {
  core.init(64, 1024);
  const l = listenerOn(core, 3, Profile.Spi);
  for (const h of [1, 2, 3]) core.admit(l, h);
  core.take(l); // out moves, so the copy has to follow the counters
  core.admit(l, 4);
  is(core.listen(l, 100, Profile.Spi), 0);
  is(core.stat(l, StatField.RingCapacity), 128);
  for (let h = 5; h < 50; h++) is(core.admit(l, h), 0);
  const taken: number[] = [];
  while (core.take(l) > 0) taken.push(core.takenHandle());
  eq(taken.slice(0, 4), [2, 3, 4, 5]);
  is(taken.length, 48);
});

testEachCore(
  "re-listen that needs a larger ring and finds none fails with WSAENOBUFS and keeps everything",
  (core) => {
    core.init(64, 8);
    const l = listenerOn(core, 4, Profile.Spi);
    core.admit(l, 1);
    is(core.listen(l, 100, Profile.Spi), -WSA.WSAENOBUFS);
    is(core.stat(l, StatField.Backlog), 4);
    is(core.stat(l, StatField.Queued), 1);
  },
);

testEachCore("the backlog converts as C's double to int: toward zero, saturated beyond 32 bits", (core) => {
  core.init(64, 1 << 20);
  is(effective(core, 5.9, Profile.Winsock2), 5);
  is(effective(core, 2 ** 40, Profile.Winsock2), 512); // SOMAXCONN and beyond: the maximum
  is(effective(core, Infinity, Profile.Winsock2), 512);
  is(effective(core, -(2 ** 40), Profile.Winsock2), 65535); // the largest SOMAXCONN_HINT
  is(effective(core, -250.7, Profile.Winsock2), 250);
  is(effective(core, -0.5, Profile.Winsock2), 1); // truncates to 0, then the range's minimum
});

testEachCore("a NaN backlog is WSAEINVAL after WSAENOTSOCK, WSAEOPNOTSUPP and WSAEISCONN", (core) => {
  core.init(64, 1 << 20);
  is(core.listen(12345, NaN, 0), -WSA.WSAENOTSOCK);
  const dgram = core.socket(2);
  core.bind(dgram);
  is(core.listen(dgram, NaN, 0), -WSA.WSAEOPNOTSUPP);
  const connected = core.socket(1);
  core.beginConnect(connected);
  core.endConnect(connected, 1);
  is(core.listen(connected, NaN, 0), -WSA.WSAEISCONN);
  const bound = core.socket(1);
  core.bind(bound);
  is(core.listen(bound, NaN, 0), -WSA.WSAEINVAL);
  const listener = listenerOn(core, 3, Profile.Spi);
  is(core.listen(listener, NaN, Profile.Spi), -WSA.WSAEINVAL);
  is(core.stat(listener, StatField.Backlog), 3); // unchanged
});
