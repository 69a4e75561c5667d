// The local address of a connection accepted on a native-handle listener: the
// listener's own when it is bound to a specific address (no getsockname per
// connection), the interface the connection arrived on when bound to a wildcard.
import { deepStrictEqual as eq } from "node:assert/strict";
import { listen, TcpTransport } from "../../mod.ts";

async function acceptedAddrs(
  hostname: string,
): Promise<{ local: Deno.NetAddr; remote: Deno.NetAddr; seen: Deno.NetAddr }> {
  await using listener = listen({
    hostname,
    backlog: 4,
    transport: new TcpTransport({ listener: "handle" }),
  });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  try {
    const conn = await listener.accept();
    try {
      await client.write(new Uint8Array([1])); // the connection works once moved to a Deno.TcpConn
      eq(await conn.read(new Uint8Array(1)), 1);
      return { local: conn.localAddr, remote: conn.remoteAddr, seen: client.localAddr as Deno.NetAddr };
    } finally {
      conn.close();
    }
  } finally {
    client.close();
  }
}

Deno.test("tcp handle listener: an accepted connection's local address is the listener's, or the interface it arrived on", async () => {
  for (const hostname of ["127.0.0.1", "0.0.0.0"]) {
    const { local, remote, seen } = await acceptedAddrs(hostname);
    eq(
      { hostname: local.hostname, transport: local.transport },
      { hostname: "127.0.0.1", transport: "tcp" },
      hostname,
    );
    eq(
      { hostname: remote.hostname, port: remote.port },
      { hostname: seen.hostname, port: seen.port },
      hostname,
    );
  }
});
