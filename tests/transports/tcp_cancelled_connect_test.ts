// TCP connects ended by closesocket or WSACleanup while the handshake hangs (a
// loopback listener that never accepts, with a one-place OS queue, so that the
// later SYNs are dropped): every connect rejects with WSAEINTR at once, and soon
// after (the transport's grace for a connect that might still land) the process
// holds no TCP socket of them, counted from /proc (the kernel's view, not
// acceptq's counters). Without Deno's abort they would be held until the kernel
// gives up on the handshake (about two minutes).
import { ok, strictEqual as is } from "node:assert/strict";
import { AF_INET, closesocket, connect, MAKEWORD, WSA, WSACleanup, WSAStartup } from "../../mod.ts";
import { sharedProvider } from "../../src/provider/runtime.ts";
import { loopback, settle, sleep, streamSocket } from "../_net.ts";

const CONNECTS = 200;

/** The inodes of the sockets this process holds a descriptor of. */
function socketsHeld(): Set<string> {
  const held = new Set<string>();
  for (const entry of Deno.readDirSync("/proc/self/fd")) {
    let target: string;
    try {
      target = Deno.readLinkSync(`/proc/self/fd/${entry.name}`);
    } catch {
      continue; // closed meanwhile
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) held.add(inode);
  }
  return held;
}

/** Those of `inodes` that are TCP sockets (IPv4 or IPv6): the kernel's tables are long, so read only when needed. */
function tcpOf(inodes: Set<string>): string[] {
  const tcp: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of Deno.readTextFileSync(table).split("\n").slice(1)) {
      const inode = line.trim().split(/\s+/)[9];
      if (inode && inodes.has(inode)) tcp.push(inode);
    }
  }
  return tcp;
}

for (const how of ["closesocket", "WSACleanup"] as const) {
  Deno.test({
    name: `${how} during ${CONNECTS} hanging TCP connects ends them all and leaves no socket behind`,
    ignore: Deno.build.os !== "linux",
    async fn() {
      // Never accepted: past its queue the SYNs are dropped and the connects hang.
      using target = Deno.listen({ hostname: "127.0.0.1", port: 0, tcpBacklog: 1 });
      is(WSAStartup(MAKEWORD(2, 2)), 0);
      const before = socketsHeld();
      const sockets: number[] = [];
      const settled: Promise<unknown>[] = [];
      for (let i = 0; i < CONNECTS; i++) {
        const s = streamSocket();
        sockets.push(s);
        settled.push(connect(s, loopback(AF_INET, target.addr.port)).then(() => 0, (error) => error.code));
      }
      await sleep(100); // the first few complete into the listener's queue, the rest hang
      if (how === "closesocket") {
        for (const s of sockets) is(closesocket(s), 0);
        is(WSACleanup(), 0);
      } else {
        is(WSACleanup(), 0);
      }
      const codes = await Promise.all(settled);
      ok(
        codes.filter((code) => code === WSA.WSAEINTR).length >= CONNECTS - 10,
        `the hanging connects end with WSAEINTR: ${
          codes.filter((code) => code !== WSA.WSAEINTR).length
        } did not`,
      );
      let left: string[] = [];
      for (let i = 0; i < 40; i++) { // up to 2 s: the transport's grace, then Deno's abort
        if (sharedProvider().transport.live() > 0) {
          await sleep(50);
          continue;
        }
        await settle();
        const added = new Set([...socketsHeld()].filter((inode) => !before.has(inode)));
        left = added.size === 0 ? [] : tcpOf(added); // Deno may open other sockets of its own
        if (left.length === 0) break;
        await sleep(50);
      }
      is(sharedProvider().transport.live(), 0, "transport.live()");
      is(left.length, 0, "TCP sockets this process still holds of the connects");
    },
  });
}
