/**
 * The conformance runner: a test written once against the Winsock calls runs on
 * TCP over loopback and on the in-memory transport, and must behave the same
 * (the transport is configuration, not API). Each run has its own provider, its
 * own WSAStartup (unless `version` is null) and checks that nothing is left open.
 */

import { strictEqual as is } from "node:assert/strict";
import {
  configure,
  MAKEWORD,
  MemoryTransport,
  TcpTransport,
  type Transport,
  WSACleanup,
  WSAStartup,
} from "../mod.ts";
import { sharedProvider } from "../src/provider/runtime.ts";
import { settle } from "./_net.ts";

/** The transports every conformance test runs on. */
export const TRANSPORTS: readonly [string, () => Transport][] = [
  ["tcp", () => new TcpTransport()],
  ["tcp on native handles", () => new TcpTransport({ listener: "handle" })],
  ["memory", () => new MemoryTransport()],
];

/**
 * Registers `name` once per transport. `fn` runs between WSAStartup(version)
 * and WSACleanup (MAKEWORD(2, 2) by default); with `version` null it runs
 * without a WSAStartup and must leave the count at zero.
 */
export function conformance(
  name: string,
  fn: (transport: Transport) => Promise<void> | void,
  version: number | null = MAKEWORD(2, 2),
): void {
  for (const [kind, make] of TRANSPORTS) {
    Deno.test(`${name} (${kind})`, async () => {
      const transport = make();
      configure({ transport, maxSockets: 64 });
      if (version !== null) is(WSAStartup(version), 0, "WSAStartup");
      try {
        await fn(transport);
      } finally {
        if (version !== null) WSACleanup();
        await settle();
        is(sharedProvider().openSockets(), 0, "openSockets()");
        is(sharedProvider().pendingConnections(), 0, "pendingConnections()");
        is(transport.live(), 0, "transport.live()");
        configure({});
      }
    });
  }
}
