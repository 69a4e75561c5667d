// closesocket cases ported from Wine's dlls/ws2_32/tests/sock.c (test_select). ReactOS's
// close.c Test_CloseWhileSelectSameSocket is the AcceptKillThread case in accept_test.ts.
// Both transports.
import { closesocket, recv, WSA } from "../../../mod.ts";
import { conformance } from "../../_conformance.ts";
import { client, fails, listener, rejectsWith, succeeds } from "../../_net.ts";

conformance(
  "test_select: recv on a socket closed meanwhile fails (WSAENOTSOCK); a second closesocket too",
  async () => {
    const l = listener(1);
    const fdRead = await client(l.name);
    succeeds(closesocket(fdRead));
    await rejectsWith(recv(fdRead, new Uint8Array(1)), WSA.WSAENOTSOCK);
    fails(closesocket(fdRead), WSA.WSAENOTSOCK);
  },
);
