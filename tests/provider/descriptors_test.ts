// Descriptors across providers: the core of every provider takes its own epoch,
// so a descriptor of a provider that `configure` replaced names no socket of the
// new one (before, both tables started at the same numbers and aliased at once).
import { strictEqual as is } from "node:assert/strict";
import {
  AF_INET,
  bind,
  closesocket,
  configure,
  getsockname,
  IPPROTO_TCP,
  MAKEWORD,
  MemoryTransport,
  SOCK_STREAM,
  type SockAddr,
  socket,
  SOCKET_ERROR,
  WSACleanup,
  WSAENOTSOCK,
  WSAGetLastError,
  WSAStartup,
} from "../../mod.ts";
import { Provider } from "../../src/provider/provider.ts";

Deno.test("after configure, the old provider's descriptors name none of the new one's sockets", () => {
  configure({ transport: new MemoryTransport() });
  WSAStartup(MAKEWORD(2, 2));
  const old = Array.from({ length: 4 }, () => socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
  for (const s of old) closesocket(s);
  WSACleanup();
  configure({ transport: new MemoryTransport() });
  WSAStartup(MAKEWORD(2, 2));
  const fresh = Array.from({ length: 4 }, () => socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
  try {
    for (const s of fresh) is(old.includes(s), false);
    const name: SockAddr = { family: AF_INET, address: "", port: 0 };
    for (const s of old) {
      is(bind(s, { family: AF_INET, address: "127.0.0.1", port: 0 }), SOCKET_ERROR);
      is(WSAGetLastError(), WSAENOTSOCK);
      is(getsockname(s, name), SOCKET_ERROR);
    }
  } finally {
    for (const s of fresh) closesocket(s);
    WSACleanup();
    configure({});
  }
});

Deno.test("two live providers hand out different descriptors", () => {
  const a = new Provider({ transport: new MemoryTransport() });
  const b = new Provider({ transport: new MemoryTransport() });
  const fromA = Array.from({ length: 8 }, () => a.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, "test"));
  const fromB = Array.from({ length: 8 }, () => b.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, "test"));
  for (const s of fromB) is(fromA.includes(s), false);
  for (const s of fromA) is(a.closesocket(s), 0);
  for (const s of fromB) is(b.closesocket(s), 0);
});
