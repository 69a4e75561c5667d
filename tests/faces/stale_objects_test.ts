// A closed face object never touches a later socket: a Connection or Listener
// whose descriptor was closed underneath (closesocket, WSACleanup) keeps its own
// socket's identity, so when the descriptor names another socket it fails with
// WSAENOTSOCK instead of reading, writing, accepting or closing that one.
import { ok, rejects, strictEqual as is, throws } from "node:assert/strict";
import {
  AF_INET,
  configure,
  IRP,
  listen,
  MemoryTransport,
  NTSTATUS,
  Provider,
  SOCK_STREAM,
  WSA,
  type WSK_SOCKET,
  WskAccept,
  WskBind,
  WskCloseSocket,
  WskListen,
  WskSocket,
} from "../../mod.ts";

const encoder = new TextEncoder();

function setup() {
  const transport = new MemoryTransport();
  const provider = new Provider({ transport, maxSockets: 8 });
  const connect = (port: number) =>
    transport.connect({ family: 2, address: "127.0.0.1", port }, new AbortController().signal);
  return { provider, connect };
}

Deno.test("a Connection whose descriptor was closed underneath never reaches the socket given its number", async () => {
  const { provider, connect } = setup();
  const listener = listen({ hostname: "127.0.0.1", backlog: 4, provider });
  const first = await connect(listener.addr.port);
  const stale = await listener.accept();
  is(provider.closesocket(stale.socket), 0); // closed underneath, as WSACleanup does
  const second = await connect(listener.addr.port);
  const fresh = await listener.accept();
  await rejects(stale.write(encoder.encode("leak")), (e: { code?: number }) => e.code === WSA.WSAENOTSOCK);
  await rejects(stale.read(new Uint8Array(8)), (e: { code?: number }) => e.code === WSA.WSAENOTSOCK);
  stale.close(); // closes nothing of the new connection
  await fresh.write(encoder.encode("ok"));
  const buf = new Uint8Array(8);
  is(new TextDecoder().decode(buf.subarray(0, (await second.read(buf))!)), "ok"); // and not "leak"
  fresh.close();
  first.close();
  second.close();
  listener.close();
});

Deno.test("a Listener whose descriptor was closed underneath never accepts another listener's connections", async () => {
  const { provider, connect } = setup();
  const stale = listen({ hostname: "127.0.0.1", backlog: 4, provider });
  is(provider.closesocket(stale.socket), 0);
  const other = listen({ hostname: "127.0.0.1", backlog: 4, provider });
  const client = await connect(other.addr.port);
  await rejects(stale.accept(), (e: { code?: number }) => e.code === WSA.WSAENOTSOCK);
  stale.close(); // closes nothing of the other listener
  is(other.stats().queued, 1);
  const conn = await other.accept();
  ok(conn.socket >= 0);
  conn.close();
  client.close();
  other.close();
});

Deno.test("a WSK socket object closed before configure() never reaches the new provider's socket with its number", () => {
  const irp = new IRP();
  is(WskSocket(AF_INET, SOCK_STREAM, 0, irp), NTSTATUS.STATUS_SUCCESS);
  const old = irp.information as WSK_SOCKET;
  is(WskCloseSocket(old), NTSTATUS.STATUS_SUCCESS);
  configure({ transport: new MemoryTransport() }); // a new provider: descriptors are numbered afresh
  try {
    is(WskSocket(AF_INET, SOCK_STREAM, 0, irp), NTSTATUS.STATUS_SUCCESS);
    const fresh = irp.information as WSK_SOCKET;
    is(WskCloseSocket(old), NTSTATUS.STATUS_INVALID_HANDLE);
    is(WskBind(old, { family: AF_INET, address: "127.0.0.1", port: 0 }), NTSTATUS.STATUS_INVALID_HANDLE);
    is(WskCloseSocket(fresh), NTSTATUS.STATUS_SUCCESS); // still open until now
  } finally {
    configure({});
  }
});

Deno.test("WskAccept with a RemoteAddress it cannot write throws a TypeError and completes its IRP", async () => {
  const irp = new IRP();
  is(WskSocket(AF_INET, SOCK_STREAM, 0, irp), NTSTATUS.STATUS_SUCCESS);
  const listener = irp.information as WSK_SOCKET;
  is(WskBind(listener, { family: AF_INET, address: "127.0.0.1", port: 0 }), NTSTATUS.STATUS_SUCCESS);
  WskListen(listener);
  const accept = new IRP();
  const frozen = Object.freeze({ family: 0, address: "", port: 0 });
  throws(() => WskAccept(listener, accept, frozen), TypeError);
  is(accept.pending, false);
  is(await accept.completion, NTSTATUS.STATUS_INVALID_PARAMETER);
  is(WskCloseSocket(listener), NTSTATUS.STATUS_SUCCESS);
});
