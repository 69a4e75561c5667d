// The reset of a connection accepted on Deno.listen (src/transports/_abort_connection.ts), with the
// ffi permission these tests have (--allow-all): the peer's read fails with ConnectionReset, where a
// plain close gives it the end of the stream; anything that is not a Deno.TcpConn is left alone.
import { rejects, strictEqual as is } from "node:assert/strict";
import { abortConnection, canAbortConnections } from "../../src/transports/_abort_connection.ts";

async function pair(): Promise<{ listener: Deno.TcpListener; client: Deno.TcpConn; server: Deno.TcpConn }> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const [client, server] = await Promise.all([
    Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port }),
    listener.accept(),
  ]);
  return { listener, client, server };
}

/** Resets an accepted connection with abortConnection, closes it, and checks the peer's read fails with a reset. */
async function resetsItsPeer(): Promise<void> {
  const { listener, client, server } = await pair();
  try {
    is(abortConnection(server), true);
    server.close();
    await rejects(client.read(new Uint8Array(8)), Deno.errors.ConnectionReset);
  } finally {
    client.close();
    listener.close();
  }
}

// First in the file: what it is given first must not decide for the connections after it.
Deno.test("abortConnection leaves an object that is not a Deno.TcpConn alone (false), and still resets real ones after", async () => {
  is(abortConnection({} as Deno.TcpConn), false);
  await resetsItsPeer();
});

Deno.test("abortConnection resets a Deno.TcpConn before its close: the peer reads ConnectionReset, not the end", async () => {
  is(canAbortConnections(), true, "Linux with the ffi permission");
  await resetsItsPeer();
});

Deno.test("without abortConnection the same close is an orderly end of stream (the control)", async () => {
  const { listener, client, server } = await pair();
  try {
    server.close();
    is(await client.read(new Uint8Array(8)), null);
  } finally {
    client.close();
    listener.close();
  }
});
