// accept cases ported from Wine's dlls/ws2_32/tests/sock.c (test_accept, test_select)
// and ReactOS's modules/rostests/apitests/ws2_32/nonblocking.c. Both transports.
import { strictEqual as is } from "node:assert/strict";
import {
  accept,
  AF_INET,
  closesocket,
  FIONBIO,
  ioctlsocket,
  recv,
  send,
  type SockAddr,
  WinsockError,
  WSA,
} from "../../../mod.ts";
import { conformance } from "../../_conformance.ts";
import { client, listener, rejectsWith, sleep, succeeds } from "../../_net.ts";

conformance(
  "test_accept (AcceptKillThread) / ReactOS Test_CloseWhileSelectSameSocket: closesocket of the listener succeeds and wakes a pending accept",
  async () => {
    const l = listener(5);
    const pending = accept(l.s);
    await sleep(20);
    succeeds(closesocket(l.s));
    await rejectsWith(pending, WSA.WSAEINTR);
  },
);

conformance(
  "test_accept: accept with no address takes a connection; with one it fills the family",
  async () => {
    const l = listener(5);
    await client(l.name);
    const first = await accept(l.s);
    is(first > 0, true);
    await client(l.name);
    const ss = {} as SockAddr;
    await accept(l.s, ss);
    is(ss.family, AF_INET);
  },
);

/** accept on a non-blocking listener, retried while it says WSAEWOULDBLOCK (nonblocking.c polls with select). */
async function acceptWhenReady(s: number): Promise<number> {
  const deadline = performance.now() + 5000;
  while (true) {
    try {
      return await accept(s);
    } catch (error) {
      const waiting = error instanceof WinsockError && error.code === WSA.WSAEWOULDBLOCK;
      if (!waiting || performance.now() > deadline) throw error;
      await sleep(5);
    }
  }
}

conformance(
  "ReactOS nonblocking / test_select: a non-blocking listener hands over a connection once it arrives; data flows",
  async () => {
    const l = listener(2);
    succeeds(ioctlsocket(l.s, FIONBIO, { value: 1 }));
    await rejectsWith(accept(l.s), WSA.WSAEWOULDBLOCK);
    const c = await client(l.name);
    const a = await acceptWhenReady(l.s);
    is(await send(a, new TextEncoder().encode("127.0.0.1")), 9);
    const buf = new Uint8Array(16);
    is(await recv(c, buf), 9);
  },
);
