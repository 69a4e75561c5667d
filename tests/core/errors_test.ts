// Every error code the core can return, each provoked by a test named after it,
// and Winsock's check order when several things are wrong at once (SPEC 4.1).
import { strictEqual as is } from "node:assert/strict";
import { Profile } from "../../src/core/_abi.ts";
import { WSA } from "../../src/shared/errors.ts";
import { listenerOn, testEachCore } from "./_cores.ts";

testEachCore("WSANOTINITIALISED: every call before init", (core) => {
  const n = -WSA.WSANOTINITIALISED;
  is(core.socket(1), n);
  is(core.bind(1), n);
  is(core.listen(1, 5, 0), n);
  is(core.admit(1, 0), n);
  is(core.take(1), n);
  is(core.close(1), n);
  is(core.beginConnect(1), n);
  is(core.endConnect(1, 1), n);
  is(core.setNonBlocking(1, 1), n);
  is(core.configure(0, 1, 5), n);
  is(core.admitMany(1, 0), n);
  is(core.takeMany(1, 0), n);
  is(core.closeMany(0), n);
  is(core.stat(1, 0), n);
  is(core.freeDescriptors(), n);
});

testEachCore("WSAENOTSOCK: never created, closed, stale, zero and negative descriptors", (core) => {
  core.init(4, 64);
  const n = -WSA.WSAENOTSOCK;
  const s = core.socket(1);
  is(core.close(s), 0);
  const reused = core.socket(1); // same slot, next generation
  for (const bad of [s, 0, -1, 12345, 2 ** 31 - 1, reused + 1]) {
    is(core.bind(bad), n);
    is(core.listen(bad, 5, 0), n);
    is(core.admit(bad, 0), n);
    is(core.take(bad), n);
    is(core.setNonBlocking(bad, 1), n);
    is(core.stat(bad, 0), n);
  }
  is(core.close(s), n); // double close
});

testEachCore("WSAEOPNOTSUPP: listen and take on a datagram socket", (core) => {
  core.init(4, 64);
  const d = core.socket(2);
  is(core.listen(d, 5, 0), -WSA.WSAEOPNOTSUPP);
  core.bind(d);
  is(core.listen(d, 5, 0), -WSA.WSAEOPNOTSUPP);
  is(core.take(d), -WSA.WSAEOPNOTSUPP);
  is(core.takeMany(d, 1), -WSA.WSAEOPNOTSUPP);
});

testEachCore("WSAEISCONN: listen on a connected socket, connect twice", (core) => {
  core.init(8, 64);
  const l = listenerOn(core, 2);
  core.admit(l, 1);
  const accepted = core.take(l);
  is(core.listen(accepted, 5, 0), -WSA.WSAEISCONN);
  const c = core.socket(1);
  core.beginConnect(c);
  core.endConnect(c, 1);
  is(core.listen(c, 5, 0), -WSA.WSAEISCONN);
  is(core.beginConnect(c), -WSA.WSAEISCONN);
});

testEachCore("WSAEINVAL: listen before bind, bind twice, take and admit on a non-listener", (core) => {
  core.init(8, 64);
  const s = core.socket(1);
  is(core.listen(s, 5, 0), -WSA.WSAEINVAL);
  is(core.bind(s), 0);
  is(core.bind(s), -WSA.WSAEINVAL);
  is(core.take(s), -WSA.WSAEINVAL);
  is(core.admit(s, 1), -WSA.WSAEINVAL);
  is(core.listen(s, 5, 7), -WSA.WSAEINVAL); // unknown profile
  const l = listenerOn(core, 2);
  is(core.admit(l, -1), -WSA.WSAEINVAL); // handles are >= 0
  is(core.beginConnect(l), -WSA.WSAEINVAL); // a listener is committed to listening
  is(core.endConnect(s, 1), -WSA.WSAEINVAL); // no connect in progress
  is(core.stat(l, 99), -WSA.WSAEINVAL);
  is(core.init(0, 64), -WSA.WSAEINVAL);
  is(core.init(8, 0), -WSA.WSAEINVAL);
  is(core.init(2 ** 20 + 1, 64), -WSA.WSAEINVAL);
});

testEachCore("WSAEINVAL: listen while a connect is in progress", (core) => {
  core.init(8, 64);
  const s = core.socket(1);
  core.bind(s);
  core.beginConnect(s);
  is(core.listen(s, 5, 0), -WSA.WSAEINVAL);
});

testEachCore("WSAEALREADY: a second connect while one is in progress", (core) => {
  core.init(8, 64);
  const s = core.socket(1);
  is(core.beginConnect(s), 0);
  is(core.beginConnect(s), -WSA.WSAEALREADY);
  is(core.endConnect(s, 0), 0); // failed: back to bound, may retry
  is(core.beginConnect(s), 0);
});

testEachCore("WSAEMFILE: socket and take when the table is full", (core) => {
  core.init(2, 64);
  const l = listenerOn(core, 4);
  core.socket(1);
  is(core.socket(1), -WSA.WSAEMFILE);
  core.admit(l, 9);
  is(core.take(l), -WSA.WSAEMFILE);
  is(core.takeMany(l, 4), -WSA.WSAEMFILE);
});

testEachCore("WSAEWOULDBLOCK: take on an empty queue", (core) => {
  core.init(8, 64);
  is(core.take(listenerOn(core, 2)), -WSA.WSAEWOULDBLOCK);
});

testEachCore("WSAECONNREFUSED: admit to a full queue", (core) => {
  core.init(8, 64);
  const l = listenerOn(core, 1);
  core.admit(l, 1);
  is(core.admit(l, 2), -WSA.WSAECONNREFUSED);
});

testEachCore("WSAENOBUFS: listen when the arena has no block for the ring", (core) => {
  core.init(8, 100);
  const big = core.socket(1);
  core.bind(big);
  is(core.listen(big, -1000, Profile.Winsock2), -WSA.WSAENOBUFS); // SOMAXCONN_HINT(1000) needs 1024
  is(core.listen(big, 64, Profile.Winsock2), 0); // nothing changed: a smaller one still fits
});

testEachCore("WSAESOCKTNOSUPPORT: socket of an unknown type", (core) => {
  core.init(8, 64);
  for (const type of [0, 3, -1, 5]) is(core.socket(type), -WSA.WSAESOCKTNOSUPPORT);
});

testEachCore("WSAEFAULT: batch counts outside the I/O area", (core) => {
  core.init(8, 64);
  const l = listenerOn(core, 2);
  is(core.admitMany(l, 1025), -WSA.WSAEFAULT);
  is(core.admitMany(l, -1), -WSA.WSAEFAULT);
  is(core.takeMany(l, 513), -WSA.WSAEFAULT);
  is(core.closeMany(1025), -WSA.WSAEFAULT);
});

testEachCore("check order: NOTSOCK before OPNOTSUPP before ISCONN before EINVAL", (core) => {
  core.init(8, 64);
  // An unbound datagram socket is "not stream" and "not bound": OPNOTSUPP wins.
  is(core.listen(core.socket(2), 5, 0), -WSA.WSAEOPNOTSUPP);
  // A connected socket is also not bound by bind(): ISCONN wins over EINVAL.
  const c = core.socket(1);
  core.beginConnect(c);
  core.endConnect(c, 1);
  is(core.listen(c, 5, 99), -WSA.WSAEISCONN);
  // A stale descriptor of a datagram socket: NOTSOCK wins.
  const d = core.socket(2);
  core.close(d);
  is(core.listen(d, 5, 0), -WSA.WSAENOTSOCK);
  // take: OPNOTSUPP (datagram) before EINVAL (not listening).
  is(core.take(core.socket(2)), -WSA.WSAEOPNOTSUPP);
});
