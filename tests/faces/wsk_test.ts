// The WSK face: every status seed 004 lists for WskListen, the listening-flow
// commitment, IRP completion order, and accepts through the same ring as the
// Winsock calls.
import { deepStrictEqual as eq, strictEqual as is, throws } from "node:assert/strict";
import {
  AF_INET,
  connect,
  IRP,
  MAKEWORD,
  NTSTATUS,
  SOCK_DGRAM,
  SOCK_STREAM,
  type SockAddr,
  socket,
  STATUS_FILE_FORCED_CLOSED,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_PENDING,
  STATUS_SUCCESS,
  type WinsockError,
  WSACleanup,
  WSAStartup,
  type WSK_SOCKET,
  WskAccept,
  WskBind,
  WskCloseSocket,
  WskConnect,
  WskGetLocalAddress,
  WskListen,
  WskReceive,
  WskSend,
  WskSocket,
} from "../../mod.ts";
import { configure, sharedProvider } from "../../src/provider/runtime.ts";
import { TcpTransport } from "../../src/transports/tcp_transport.ts";
import { FaultyTransport } from "../_faulty_transport.ts";

const LOOPBACK = { family: AF_INET, address: "127.0.0.1", port: 0 };
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function wskSocket(type = SOCK_STREAM): WSK_SOCKET {
  const irp = new IRP();
  is(WskSocket(AF_INET, type, 0, irp), STATUS_SUCCESS);
  return irp.information as WSK_SOCKET;
}

/** A listening WSK socket on loopback whose address is committed, and that address. */
async function wskListener(): Promise<[WSK_SOCKET, SockAddr]> {
  const listener = wskSocket();
  is(WskBind(listener, LOOPBACK), STATUS_SUCCESS);
  const irp = new IRP();
  const status = WskListen(listener, irp);
  if (status === STATUS_PENDING) is(await irp.completion, STATUS_SUCCESS);
  else is(status, STATUS_SUCCESS);
  const local = {} as SockAddr;
  is(WskGetLocalAddress(listener, local), STATUS_SUCCESS);
  return [listener, local];
}

async function finish(): Promise<void> {
  sharedProvider().closeAll();
  await tick();
  is(sharedProvider().openSockets(), 0);
}

Deno.test("WskListen returns STATUS_SUCCESS when the transport commits the address at once (TCP)", async () => {
  const listener = wskSocket();
  WskBind(listener, LOOPBACK);
  const irp = new IRP();
  is(WskListen(listener, irp), STATUS_SUCCESS);
  is(irp.pending, false);
  is(irp.status, STATUS_SUCCESS);
  is(WskCloseSocket(listener), STATUS_SUCCESS);
  await finish();
});

Deno.test("WskListen returns STATUS_PENDING while the transport commits later, then the IRP completes with STATUS_SUCCESS", async () => {
  configure({ transport: new FaultyTransport(new TcpTransport(), { commitDelayMs: 5 }) });
  try {
    const listener = wskSocket();
    WskBind(listener, LOOPBACK);
    const irp = new IRP();
    is(WskListen(listener, irp), STATUS_PENDING);
    is(irp.pending, true);
    is(irp.status, STATUS_PENDING);
    is(await irp.completion, STATUS_SUCCESS);
    is(irp.status, STATUS_SUCCESS);
    WskCloseSocket(listener);
    await finish();
  } finally {
    configure({});
  }
});

Deno.test("WskListen's pending IRP completes with another failure status when the commit fails", async () => {
  configure({ transport: new FaultyTransport(new TcpTransport(), { commitDelayMs: 1, commitFails: true }) });
  try {
    const listener = wskSocket();
    WskBind(listener, LOOPBACK);
    const irp = new IRP();
    is(WskListen(listener, irp), STATUS_PENDING);
    is(await irp.completion, NTSTATUS.STATUS_ADDRESS_ALREADY_EXISTS);
    WskCloseSocket(listener);
    await finish();
  } finally {
    configure({});
  }
});

Deno.test("WskListen returns STATUS_SUCCESS at once on a socket whose address is already committed", async () => {
  const [listener] = await wskListener();
  const irp = new IRP();
  is(WskListen(listener, irp), STATUS_SUCCESS);
  is(irp.pending, false);
  is(irp.status, STATUS_SUCCESS);
  WskCloseSocket(listener);
  await finish();
});

Deno.test("WskListen on a socket that is not bound fails with STATUS_INVALID_DEVICE_STATE", async () => {
  const s = wskSocket();
  const irp = new IRP();
  is(WskListen(s, irp), STATUS_INVALID_DEVICE_STATE);
  is(irp.status, STATUS_INVALID_DEVICE_STATE); // the IRP completes with the failure too
  WskCloseSocket(s);
  await finish();
});

Deno.test("WskListen on a datagram socket fails with STATUS_NOT_SUPPORTED", async () => {
  const s = wskSocket(SOCK_DGRAM);
  WskBind(s, LOOPBACK);
  is(WskListen(s), NTSTATUS.STATUS_NOT_SUPPORTED);
  WskCloseSocket(s);
  await finish();
});

Deno.test("WskListen on a closed socket fails with STATUS_INVALID_HANDLE", async () => {
  const s = wskSocket();
  WskCloseSocket(s);
  is(WskListen(s), NTSTATUS.STATUS_INVALID_HANDLE);
  await finish();
});

Deno.test("STATUS_FILE_FORCED_CLOSED: the listener's endpoint dies underneath; the caller must close it", async () => {
  const faulty = new FaultyTransport(new TcpTransport());
  configure({ transport: faulty });
  try {
    const [listener] = await wskListener();
    const accept = new IRP();
    is(WskAccept(listener, accept), STATUS_PENDING);
    faulty.kill(); // the fault: the accept pump's endpoint reports WSAENETDOWN
    is(await accept.completion, STATUS_FILE_FORCED_CLOSED);
    is(WskListen(listener), STATUS_FILE_FORCED_CLOSED); // no longer functional
    is(WskAccept(listener, new IRP()), STATUS_FILE_FORCED_CLOSED);
    is(WskCloseSocket(listener), STATUS_SUCCESS); // what the caller must do
    await finish();
  } finally {
    configure({});
  }
});

Deno.test("STATUS_FILE_FORCED_CLOSED: the provider is shut down under a pending WskAccept", async () => {
  const [listener] = await wskListener();
  const accept = new IRP();
  is(WskAccept(listener, accept), STATUS_PENDING);
  sharedProvider().shutdown();
  is(await accept.completion, STATUS_FILE_FORCED_CLOSED);
  is(WskListen(listener), STATUS_FILE_FORCED_CLOSED);
  is(WskCloseSocket(listener), STATUS_SUCCESS);
  await finish();
  configure({}); // a fresh provider for the tests that follow
});

Deno.test("after WskListen the socket is committed to listening: connect, send and receive fail", async () => {
  const [listener, local] = await wskListener();
  const irp = new IRP();
  is(WskConnect(listener, local, irp), STATUS_INVALID_DEVICE_STATE);
  is(irp.status, STATUS_INVALID_DEVICE_STATE);
  is(WskSend(listener, new Uint8Array(1)), STATUS_INVALID_DEVICE_STATE);
  is(WskReceive(listener, new Uint8Array(1)), STATUS_INVALID_DEVICE_STATE);
  WskCloseSocket(listener);
  await finish();
});

Deno.test("pending WskAccept IRPs complete in the order they were issued", async () => {
  const [listener, local] = await wskListener();
  const irps = [new IRP(), new IRP(), new IRP()];
  const order: number[] = [];
  irps.forEach((irp, i) => {
    is(WskAccept(listener, irp), STATUS_PENDING);
    irp.completion.then(() => order.push(i));
  });
  const clients: WSK_SOCKET[] = [];
  for (let i = 0; i < 3; i++) {
    const client = wskSocket();
    clients.push(client);
    const connecting = new IRP();
    WskConnect(client, local, connecting);
    is(await connecting.completion, STATUS_SUCCESS);
  }
  await Promise.all(irps.map((irp) => irp.completion));
  eq(order, [0, 1, 2]);
  eq(irps.map((irp) => irp.status), [STATUS_SUCCESS, STATUS_SUCCESS, STATUS_SUCCESS]);
  is(new Set(irps.map((irp) => (irp.information as WSK_SOCKET).handle)).size, 3);
  await finish();
});

Deno.test("WskAccept takes from the same ring the Winsock calls fill: SUCCESS when queued, refusals counted", async () => {
  WSAStartup(MAKEWORD(2, 2));
  const [listener, local] = await wskListener();
  sharedProvider().listen(listener.handle, 2, 2); // the same descriptor, re-listened through the provider: backlog 2
  const results = await Promise.all(
    [0, 1, 2, 3].map(() =>
      connect(socket(AF_INET, SOCK_STREAM, 0), local).then(() => 0, (e: WinsockError) => e.code)
    ),
  );
  eq(results.sort(), [0, 0, 10061, 10061]);
  const stats = sharedProvider().stats(listener.handle)!;
  eq([stats.admitted, stats.refused, stats.queued], [2, 2, 2]);
  const first = new IRP();
  const peer = {} as SockAddr;
  is(WskAccept(listener, first, peer), STATUS_SUCCESS); // already queued: completes at once
  is(peer.address, "127.0.0.1");
  is(WskAccept(listener, new IRP()), STATUS_SUCCESS);
  is(WskAccept(listener, new IRP()), STATUS_PENDING); // now empty
  is(sharedProvider().stats(listener.handle)!.accepted, 2);
  WSACleanup();
  await finish();
});

Deno.test("data moves through WskSend and WskReceive, and the IRP's information is the byte count", async () => {
  const [listener, local] = await wskListener();
  const accept = new IRP();
  WskAccept(listener, accept);
  const client = wskSocket();
  const connecting = new IRP();
  WskConnect(client, local, connecting);
  is(await connecting.completion, STATUS_SUCCESS);
  is(await accept.completion, STATUS_SUCCESS);
  const server = accept.information as WSK_SOCKET;
  const sending = new IRP();
  is(WskSend(client, new TextEncoder().encode("kernel"), sending), STATUS_PENDING);
  is(await sending.completion, STATUS_SUCCESS);
  is(sending.information, 6);
  const buffer = new Uint8Array(16);
  const receiving = new IRP();
  WskReceive(server, buffer, receiving);
  is(await receiving.completion, STATUS_SUCCESS);
  is(new TextDecoder().decode(buffer.subarray(0, receiving.information as number)), "kernel");
  await finish();
});

Deno.test("an IRP in use is refused with STATUS_INVALID_PARAMETER; a cancelled accept completes with STATUS_CANCELLED", async () => {
  const [listener] = await wskListener();
  const irp = new IRP();
  is(WskAccept(listener, irp), STATUS_PENDING);
  is(WskAccept(listener, irp), NTSTATUS.STATUS_INVALID_PARAMETER);
  is(irp.cancel(), true);
  is(await irp.completion, NTSTATUS.STATUS_CANCELLED);
  is(irp.cancel(), false);
  is(WskAccept(listener, irp), STATUS_PENDING); // reusable once completed
  WskCloseSocket(listener);
  is(await irp.completion, NTSTATUS.STATUS_CANCELLED);
  await finish();
});

Deno.test("WSK calls reject objects that are not WSK sockets or IRPs with TypeError", () => {
  throws(() => WskListen({} as WSK_SOCKET), TypeError);
  throws(() => WskAccept(wskSocket(), undefined as unknown as IRP), TypeError);
  throws(() => WskSocket(AF_INET, SOCK_STREAM, 0, undefined as unknown as IRP), TypeError);
  throws(() => WskSocket("2" as unknown as number, SOCK_STREAM, 0, new IRP()), TypeError);
  const irp = new IRP();
  throws(() => WskBind(wskSocket(), "127.0.0.1:80" as unknown as SockAddr, irp), TypeError);
  is(irp.pending, false); // the IRP completed all the same
  is(irp.status, NTSTATUS.STATUS_INVALID_PARAMETER);
  sharedProvider().closeAll();
});

Deno.test("WskAccept with a RemoteAddress it cannot write throws a TypeError and still completes its IRP", async () => {
  const [listener, address] = await wskListener();
  const frozen = Object.freeze({ family: 0, address: "", port: 0 }) as SockAddr;
  const accept = new IRP();
  throws(() => WskAccept(listener, accept, frozen), TypeError); // nothing queued: it would have waited
  is(accept.pending, false, "the accept IRP completed all the same");
  is(await accept.completion, NTSTATUS.STATUS_INVALID_PARAMETER);
  const connecting = new IRP();
  WskConnect(wskSocket(), address, connecting);
  is(await connecting.completion, STATUS_SUCCESS);
  throws(() => WskAccept(listener, accept, frozen), TypeError); // one queued: it stays queued
  is(await accept.completion, NTSTATUS.STATUS_INVALID_PARAMETER);
  is(WskAccept(listener, accept), STATUS_SUCCESS, "the connection stayed queued");
  await finish();
});
