// Helpers for provider tests: a listening socket on loopback, and a connected pair through it.
import type { Provider } from "../../mod.ts";

const LOOPBACK = { family: 2, address: "127.0.0.1", port: 0 };

/** A stream socket listening on 127.0.0.1 (a free port) with `backlog`. */
export function listening(provider: Provider, backlog = 4): number {
  const l = provider.socket(2, 1, 0, "test");
  provider.bind(l, LOOPBACK);
  provider.listen(l, backlog, 0);
  return l;
}

/** A connected pair [client, accepted] (the listener in between is closed again). */
export async function pair(provider: Provider): Promise<[number, number]> {
  const l = listening(provider);
  const c = provider.socket(2, 1, 0, "test");
  await provider.connect(c, provider.describe(l)!.local!);
  const a = await provider.accept(l);
  provider.closesocket(l);
  return [c, a];
}
