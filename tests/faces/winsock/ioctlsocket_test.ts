// ioctlsocket cases ported from Wine's dlls/ws2_32/tests/sock.c (test_fionbio,
// test_fionread_siocatmark, test_unsupported_ioctls, set_blocking) and ReactOS's
// modules/rostests/apitests/ws2_32/ioctlsocket.c (Test_ioctlsocket). Both transports.
import { strictEqual as is } from "node:assert/strict";
import { accept, FIONBIO, FIONREAD, ioctlsocket, recv, send, WSA } from "../../../mod.ts";
import { sharedProvider } from "../../../src/provider/runtime.ts";
import { conformance } from "../../_conformance.ts";
import {
  boundSocket,
  client,
  fails,
  listener,
  rejectsWith,
  sleep,
  streamSocket,
  succeeds,
} from "../../_net.ts";

// deno-lint-ignore no-explicit-any
type Any = any;
const FIOASYNC = 0x8004667d;
const SIO_FLUSH = 0x28000004;

/** FIONREAD's value, polled (as the tests poll with WSAPoll) until it is `n`, within a bound. */
async function fionreadReaches(s: number, n: number): Promise<number> {
  const bytes = { value: -1 };
  const deadline = performance.now() + 5000;
  while (true) {
    succeeds(ioctlsocket(s, FIONREAD, bytes));
    if (bytes.value === n || performance.now() > deadline) return bytes.value;
    await sleep(5);
  }
}

function nonBlocking(s: number): number {
  const mode = { value: -1 };
  sharedProvider().nonBlocking(s, mode);
  return mode.value;
}

conformance(
  "set_blocking as ported C passes it: FIONBIO as a signed long (-2147195266) sets and clears non-blocking mode",
  async () => {
    const l = listener(2);
    succeeds(ioctlsocket(l.s, -2147195266, { value: 1 }));
    is(nonBlocking(l.s), 1);
    await rejectsWith(accept(l.s), WSA.WSAEWOULDBLOCK);
    succeeds(ioctlsocket(l.s, -2147195266, { value: 0 }));
    is(nonBlocking(l.s), 0);
    succeeds(ioctlsocket(l.s, FIONBIO, { value: 0xffffffff })); // u_long: non-zero
    is(nonBlocking(l.s), 1);
  },
);

conformance(
  "test_fionbio / test_fionread_siocatmark: a value where the pointer goes ((u_long *)1) is WSAEFAULT",
  () => {
    const s = streamSocket();
    fails(ioctlsocket(s, FIONBIO, 1 as Any), WSA.WSAEFAULT);
    fails(ioctlsocket(s, FIONREAD, 1 as Any), WSA.WSAEFAULT);
    fails(ioctlsocket(s, FIONBIO, null as Any), WSA.WSAEFAULT);
    is(nonBlocking(s), 0, "nothing changed");
  },
);

conformance(
  "test_unsupported_ioctls: 0xdeadbeef, FIOASYNC, 0x667e and SIO_FLUSH are WSAEOPNOTSUPP (the docs say WSAEINVAL)",
  () => {
    const s = streamSocket();
    for (const code of [0xdeadbeef, FIOASYNC, 0x667e, SIO_FLUSH]) {
      fails(ioctlsocket(s, code, { value: 1 }), WSA.WSAEOPNOTSUPP);
      fails(ioctlsocket(s, code | 0, { value: 1 }), WSA.WSAEOPNOTSUPP);
    }
    is(nonBlocking(s), 0);
  },
);

conformance("ReactOS Test_ioctlsocket: FIONREAD on a non-socket fails and leaves the value", () => {
  const bytes = { value: 0xdeadbeef };
  fails(ioctlsocket(0, FIONREAD, bytes), WSA.WSAENOTSOCK);
  is(bytes.value, 0xdeadbeef);
});

conformance(
  "test_fionread_siocatmark / ReactOS Test_ioctlsocket: FIONREAD is 0 on a new, a bound and an idle connected socket",
  async () => {
    for (const s of [streamSocket(), boundSocket().s]) {
      const bytes = { value: 0xdeadbeef };
      succeeds(ioctlsocket(s, FIONREAD, bytes));
      is(bytes.value, 0);
    }
    const l = listener(2);
    const c = await client(l.name);
    const a = await accept(l.s);
    const bytes = { value: 0xdeadbeef };
    succeeds(ioctlsocket(c, FIONREAD, bytes));
    is(bytes.value, 0);
    succeeds(ioctlsocket(a, FIONREAD, bytes));
    is(bytes.value, 0);
  },
);

conformance(
  "test_fionread_siocatmark / ReactOS Test_ioctlsocket: FIONREAD counts what arrived, what a recv took away, and 0 when all is read",
  async () => {
    const l = listener(2);
    const server = await client(l.name);
    const c = await accept(l.s);
    is(await send(server, new TextEncoder().encode("data\0")), 5);
    is(await fionreadReaches(c, 5), 5);
    const buffer = new Uint8Array(5);
    is(await recv(c, buffer.subarray(0, 3)), 3);
    is(await fionreadReaches(c, 2), 2);
    is(await recv(c, buffer.subarray(3)), 2);
    is(new TextDecoder().decode(buffer), "data\0");
    const bytes = { value: -1 };
    succeeds(ioctlsocket(c, FIONREAD, bytes));
    is(bytes.value, 0);
  },
);
