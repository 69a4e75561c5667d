// shutdown cases ported from Wine's dlls/ws2_32/tests/sock.c test_shutdown
// (its TCP and UDP parts without overlapped I/O). Both transports.
import { strictEqual as is } from "node:assert/strict";
import {
  accept,
  AF_INET,
  connect,
  getpeername,
  getsockname,
  IPPROTO_UDP,
  recv,
  SD_BOTH,
  SD_RECEIVE,
  SD_SEND,
  send,
  shutdown,
  SOCK_DGRAM,
  type SockAddr,
  socket,
  WSA,
} from "../../../mod.ts";
import { conformance } from "../../_conformance.ts";
import { client, fails, listener, rejectsWith, streamSocket, succeeds } from "../../_net.ts";

const encoder = new TextEncoder();

/** A connected pair: client and accepted server socket, as tcp_socketpair makes. */
async function pair(): Promise<{ listener: number; name: SockAddr; client: number; server: number }> {
  const l = listener(1);
  const c = await client(l.name);
  return { listener: l.s, name: l.name, client: c, server: await accept(l.s) };
}

conformance("test_shutdown: an unconnected socket is WSAENOTCONN for SD_SEND and SD_RECEIVE", () => {
  const c = streamSocket();
  fails(shutdown(c, SD_SEND), WSA.WSAENOTCONN);
  fails(shutdown(c, SD_RECEIVE), WSA.WSAENOTCONN);
});

conformance(
  "test_shutdown: SD_SEND twice succeeds; send is WSAESHUTDOWN; the peer reads 0, twice",
  async () => {
    const { client, server } = await pair();
    succeeds(shutdown(client, SD_SEND));
    succeeds(shutdown(client, SD_SEND));
    await rejectsWith(send(client, encoder.encode("test\0")), WSA.WSAESHUTDOWN);
    const buffer = new Uint8Array(5);
    is(await recv(server, buffer), 0);
    is(await recv(server, buffer), 0);
  },
);

conformance(
  "test_shutdown: SD_RECEIVE makes recv WSAESHUTDOWN (each time); sending still works both ways",
  async () => {
    const { client, server } = await pair();
    succeeds(shutdown(client, SD_SEND));
    succeeds(shutdown(server, SD_RECEIVE));
    await rejectsWith(recv(server, new Uint8Array(5)), WSA.WSAESHUTDOWN);
    is(await send(server, encoder.encode("test\0")), 5);
    const buffer = new Uint8Array(5);
    is(await recv(client, buffer), 5);
    is(new TextDecoder().decode(buffer), "test\0");
    succeeds(shutdown(client, SD_RECEIVE));
    await rejectsWith(recv(client, buffer), WSA.WSAESHUTDOWN);
    await rejectsWith(recv(client, buffer), WSA.WSAESHUTDOWN);
    succeeds(shutdown(server, SD_SEND));
    await rejectsWith(send(server, encoder.encode("test\0")), WSA.WSAESHUTDOWN);
  },
);

conformance(
  "test_shutdown: after shutdown getpeername and getsockname still work, connect is WSAEISCONN, a bad how is WSAEINVAL",
  async () => {
    const { name, client, server } = await pair();
    succeeds(shutdown(client, SD_BOTH));
    const addr = {} as SockAddr;
    succeeds(getpeername(client, addr));
    is(addr.port, name.port);
    const clientAddr = {} as SockAddr;
    succeeds(getsockname(client, clientAddr));
    succeeds(getpeername(server, addr));
    is(addr.port, clientAddr.port);
    await rejectsWith(connect(client, name), WSA.WSAEISCONN);
    fails(shutdown(client, 0xdeadbeef), WSA.WSAEINVAL);
  },
);

conformance(
  "test_shutdown: SD_BOTH makes recv and send WSAESHUTDOWN on both sides; the peer first reads 0",
  async () => {
    const { client, server } = await pair();
    succeeds(shutdown(client, SD_BOTH));
    const buffer = new Uint8Array(5);
    await rejectsWith(recv(client, buffer), WSA.WSAESHUTDOWN);
    await rejectsWith(send(client, encoder.encode("test\0")), WSA.WSAESHUTDOWN);
    is(await recv(server, buffer), 0);
    succeeds(shutdown(server, SD_BOTH));
    await rejectsWith(recv(server, buffer), WSA.WSAESHUTDOWN);
    await rejectsWith(send(server, encoder.encode("test\0")), WSA.WSAESHUTDOWN);
  },
);

conformance(
  "test_shutdown: a recv pending before SD_RECEIVE still completes with the data; the next is WSAESHUTDOWN",
  async () => {
    const { client, server } = await pair();
    const buffer = new Uint8Array(5);
    const pending = recv(client, buffer);
    succeeds(shutdown(client, SD_RECEIVE));
    await rejectsWith(recv(client, buffer), WSA.WSAESHUTDOWN);
    is(await send(server, encoder.encode("test\0")), 5);
    is(await pending, 5);
    is(new TextDecoder().decode(buffer), "test\0");
  },
);

conformance("test_shutdown: the data sent before SD_SEND arrives before the end of the stream", async () => {
  const { client, server } = await pair();
  const sent = send(client, encoder.encode("data\0"));
  succeeds(shutdown(client, SD_SEND));
  is(await sent, 5);
  const buffer = new Uint8Array(8);
  let got = 0;
  for (let n = await recv(server, buffer); n > 0; n = await recv(server, buffer.subarray(got))) got += n;
  is(got, 5);
});

conformance("test_shutdown: a listening socket is WSAENOTCONN for SD_SEND and SD_RECEIVE", () => {
  const l = listener(1);
  fails(shutdown(l.s, SD_SEND), WSA.WSAENOTCONN);
  fails(shutdown(l.s, SD_RECEIVE), WSA.WSAENOTCONN);
});

conformance("test_shutdown: datagram sockets, bound or not, shut down with success", () => {
  const server = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  const c = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  succeeds(shutdown(server, SD_RECEIVE));
  succeeds(shutdown(c, SD_SEND));
  succeeds(shutdown(c, SD_SEND));
});
