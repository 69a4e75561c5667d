// A complete Winsock accept loop: an echo server with an explicit backlog.
//
//   deno run --allow-net examples/echo_server.ts [--port 27015] [--backlog 16] [--count N]
//
// Each connection is served concurrently: whatever it sends comes back, until
// it closes. Connections beyond the backlog that arrive while the loop is busy
// are refused at once (see the README for what a refused client sees). Ctrl-C
// closes the listener, which ends the pending accept with WSAEINTR; --count N
// stops after N connections (used by the tests).

import { parseArgs } from "node:util";
import {
  accept,
  AF_INET,
  bind,
  closesocket,
  getsockname,
  listen,
  MAKEWORD,
  recv,
  send,
  SOCK_STREAM,
  type SockAddr,
  type SOCKET,
  socket,
  SOCKET_ERROR,
  WinsockError,
  WSACleanup,
  WSAEINTR,
  WSAGetLastError,
  WSAStartup,
} from "../mod.ts";

async function serve(client: SOCKET, peer: string): Promise<void> {
  const buf = new Uint8Array(16 * 1024);
  let total = 0;
  try {
    while (true) {
      const n = await recv(client, buf);
      if (n === 0) break;
      await send(client, buf.subarray(0, n));
      total += n;
    }
  } catch (error) {
    console.error(`${peer}: ${(error as WinsockError).wsaName ?? error}`);
  } finally {
    closesocket(client);
    console.log(`${peer}: echoed ${total} bytes, closed`);
  }
}

async function main(): Promise<number> {
  const args = parseArgs({
    args: Deno.args,
    options: {
      port: { type: "string", default: "27015" },
      backlog: { type: "string", default: "16" },
      count: { type: "string" },
    },
  });
  const port = Number(args.values.port);
  const backlog = Number(args.values.backlog);
  const limit = args.values.count === undefined ? Infinity : Number(args.values.count);

  if (WSAStartup(MAKEWORD(2, 2)) !== 0) return 1;
  const listener = socket(AF_INET, SOCK_STREAM, 0);
  if (bind(listener, { family: AF_INET, address: "127.0.0.1", port }) === SOCKET_ERROR) {
    console.error(`bind failed with error ${WSAGetLastError()}`);
    WSACleanup();
    return 1;
  }
  if (listen(listener, backlog) === SOCKET_ERROR) {
    console.error(`listen failed with error ${WSAGetLastError()}`);
    WSACleanup();
    return 1;
  }
  const name = {} as SockAddr;
  getsockname(listener, name);
  console.log(`echo server listening on ${name.address}:${name.port}, backlog ${backlog}`);

  const stop = () => closesocket(listener);
  Deno.addSignalListener("SIGINT", stop);
  const sessions: Promise<void>[] = [];
  try {
    for (let served = 0; served < limit; served++) {
      const peer = {} as SockAddr;
      const client = await accept(listener, peer);
      sessions.push(serve(client, `${peer.address}:${peer.port}`));
    }
  } catch (error) {
    if (!(error instanceof WinsockError && error.code === WSAEINTR)) throw error;
    console.log("listener closed");
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
  }
  await Promise.all(sessions);
  WSACleanup();
  return 0;
}

if (import.meta.main) Deno.exit(await main());
