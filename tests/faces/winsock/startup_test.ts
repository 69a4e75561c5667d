// WSAStartup / WSACleanup cases ported from Wine's dlls/ws2_32/tests/protocol.c
// (test_startup) and sock.c (test_WithoutWSAStartup, test_WithWSAStartup), and
// ReactOS's modules/rostests/apitests/ws2_32 (WSAStartup.c, nostartup.c, bind.c).
// Each runs on both transports; the results are those the tests record for Windows.
import { deepStrictEqual as eq, strictEqual as is } from "node:assert/strict";
import {
  AF_INET,
  bind,
  getsockname,
  INVALID_SOCKET,
  MAKEWORD,
  send,
  SOCK_STREAM,
  type SockAddr,
  socket,
  SOCKET_ERROR,
  WSA,
  WSACancelBlockingCall,
  WSACleanup,
  type WSADATA,
  WSAGetLastError,
  WSASetLastError,
  WSAStartup,
} from "../../../mod.ts";
import { conformance } from "../../_conformance.ts";
import { client, fails, listener, rejectsWith, succeeds } from "../../_net.ts";

/** A WSADATA filled with markers, as the tests fill theirs with 0xcc / 0x55. */
function marked(): WSADATA & { lpVendorInfo: number } {
  return {
    wVersion: 0xcccc,
    wHighVersion: 0xcccc,
    szDescription: "x",
    szSystemStatus: "x",
    iMaxSockets: 0xcccc,
    iMaxUdpDg: 0xcccc,
    lpVendorInfo: 0xdeadbeef,
  };
}

// protocol.c test_startup's table, with ReactOS WSAStartup.c's extra rows.
const VERSIONS: readonly [number, number][] = [
  [MAKEWORD(1, 0), 0x0001],
  [MAKEWORD(1, 1), 0x0101],
  [MAKEWORD(1, 2), 0x0101],
  [MAKEWORD(1, 15), 0x0101],
  [MAKEWORD(1, 0xff), 0x0101],
  [MAKEWORD(2, 0), 0x0002],
  [MAKEWORD(2, 1), 0x0102],
  [MAKEWORD(2, 2), 0x0202],
  [MAKEWORD(2, 3), 0x0202],
  [MAKEWORD(2, 15), 0x0202],
  [MAKEWORD(2, 0xff), 0x0202],
  [MAKEWORD(3, 0), 0x0202],
  [MAKEWORD(3, 255), 0x0202],
  [MAKEWORD(15, 255), 0x0202],
  [MAKEWORD(0xff, 0), 0x0202],
  [MAKEWORD(255, 255), 0x0202],
];

conformance(
  "test_startup: each version negotiates what Windows gives, and fills WSADATA as Windows does",
  () => {
    for (const [version, negotiated] of VERSIONS) {
      const data = marked();
      is(WSAStartup(version, data), 0, `WSAStartup(${version.toString(16)})`);
      const winsock1 = (negotiated & 0xff) === 1;
      eq(data, {
        wVersion: negotiated,
        wHighVersion: 0x0202,
        szDescription: "WinSock 2.0",
        szSystemStatus: "Running",
        iMaxSockets: winsock1 ? 64 : 0, // Windows: 32767; acceptq: its table, 64 here
        iMaxUdpDg: winsock1 ? 65467 : 0,
        lpVendorInfo: 0xdeadbeef, // not touched
      }, `version ${version.toString(16)}`);
      is(WSAStartup(version, data), 0, "a second WSAStartup");
      WSASetLastError(0xdead);
      succeeds(WSACleanup()); // test_startup (todo_wine): each WSACleanup clears the last error
      WSASetLastError(0xdead);
      succeeds(WSACleanup());
      fails(WSACleanup(), WSA.WSANOTINITIALISED);
    }
  },
  null,
);

conformance(
  "test_startup: a major version of 0 is WSAVERNOTSUPPORTED, fills WSADATA with 2.2 and counts nothing",
  () => {
    for (const version of [MAKEWORD(0, 0), MAKEWORD(0, 1), MAKEWORD(0, 9)]) {
      const data = marked();
      WSASetLastError(WSA.WSANOTINITIALISED);
      is(WSAStartup(version, data), WSA.WSAVERNOTSUPPORTED);
      is(data.wVersion, 0x0202);
      is(data.wHighVersion, 0x0202);
      is(data.szDescription, "WinSock 2.0");
      is(WSAGetLastError(), WSA.WSANOTINITIALISED, "ReactOS WSAStartup: a failure leaves the last error");
      fails(WSACleanup(), WSA.WSANOTINITIALISED);
    }
  },
  null,
);

conformance(
  "test_startup: WSAStartup(version, NULL) is WSAEFAULT (WSAVERNOTSUPPORTED for 0.x) and counts nothing",
  () => {
    for (const [version] of VERSIONS) {
      is(WSAStartup(version, null), WSA.WSAEFAULT, `WSAStartup(${version.toString(16)}, NULL)`);
      fails(WSACleanup(), WSA.WSANOTINITIALISED);
    }
    is(WSAStartup(MAKEWORD(0, 0), null), WSA.WSAVERNOTSUPPORTED);
    WSASetLastError(WSA.WSANOTINITIALISED);
    is(WSAStartup(MAKEWORD(2, 2), null), WSA.WSAEFAULT);
    is(WSAGetLastError(), WSA.WSANOTINITIALISED, "ReactOS WSAStartup: the last error is left as it was");
    fails(socket(AF_INET, SOCK_STREAM, 0), WSA.WSANOTINITIALISED, INVALID_SOCKET);
  },
  null,
);

conformance("ReactOS WSAStartup: a successful WSAStartup sets the last error to 0", () => {
  WSASetLastError(WSA.WSANOTINITIALISED);
  is(WSAStartup(MAKEWORD(2, 2), marked()), 0);
  is(WSAGetLastError(), 0);
  succeeds(WSACleanup());
}, null);

conformance(
  "ReactOS WSAStartup AreLegacyFunctionsSupported: WSACancelBlockingCall is WSAEOPNOTSUPP under 2.x, WSAEINVAL under 1.x",
  () => {
    for (
      const [version, legacy] of [[MAKEWORD(2, 2), false], [MAKEWORD(2, 0), false], [
        MAKEWORD(1, 1),
        true,
      ]] as const
    ) {
      is(WSAStartup(version), 0);
      fails(WSACancelBlockingCall(), legacy ? WSA.WSAEINVAL : WSA.WSAEOPNOTSUPP);
      succeeds(WSACleanup());
    }
  },
  null,
);

conformance(
  "ReactOS WSAStartup upgrade and downgrade: a 1.x start keeps the 1.1 calls; each call reports its own version",
  () => {
    for (const [first, second] of [[MAKEWORD(1, 1), MAKEWORD(2, 2)], [MAKEWORD(2, 2), MAKEWORD(1, 1)]]) {
      const data = marked();
      is(WSAStartup(first, data), 0);
      is(data.wVersion, first);
      is(WSAStartup(second, data), 0);
      is(data.wVersion, second);
      is(data.iMaxSockets, second === MAKEWORD(1, 1) ? 64 : 0);
      fails(WSACancelBlockingCall(), WSA.WSAEINVAL); // supported: nothing is blocking
      succeeds(WSACleanup());
      succeeds(WSACleanup());
    }
  },
  null,
);

conformance(
  "test_WithoutWSAStartup / ReactOS nostartup and bind: calls before WSAStartup are WSANOTINITIALISED",
  () => {
    WSASetLastError(0xdeadbeef);
    fails(socket(0, 0, 0), WSA.WSANOTINITIALISED, INVALID_SOCKET);
    is(bind(INVALID_SOCKET, null as unknown as SockAddr), SOCKET_ERROR);
    is(WSAGetLastError(), WSA.WSANOTINITIALISED);
  },
  null,
);

conformance(
  "test_WithWSAStartup: the last WSACleanup destroys every socket; a later session sees WSAENOTSOCK",
  async () => {
    is(WSAStartup(MAKEWORD(2, 2)), 0);
    const l = listener(4);
    const src = await client(l.name);
    is(await send(src, new TextEncoder().encode("TEST")), 4);
    succeeds(WSACleanup());
    is(WSAStartup(MAKEWORD(2, 2)), 0);
    WSASetLastError(0xdeadbeef);
    await rejectsWith(send(src, new TextEncoder().encode("TEST")), WSA.WSAENOTSOCK);
    for (const s of [l.s, src]) fails(getsockname(s, {} as SockAddr), WSA.WSAENOTSOCK);
    succeeds(WSACleanup());
    WSASetLastError(0xdeadbeef);
    fails(WSACleanup(), WSA.WSANOTINITIALISED);
  },
  null,
);
