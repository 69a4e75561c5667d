// The provider's named option values.
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { MemoryTransport, Profile, Provider, SMALL_BACKLOG_PRESET, SOMAXCONN } from "../../mod.ts";

Deno.test("SMALL_BACKLOG_PRESET clamps every profile's backlog into [2, 4]", () => {
  const provider = new Provider({ ...SMALL_BACKLOG_PRESET, transport: new MemoryTransport() });
  for (const profile of [Profile.Winsock2, Profile.Winsock11, Profile.Spi]) {
    for (const [asked, effective] of [[SOMAXCONN, 4], [1, 2], [3, 3], [0, 2], [100, 4]]) {
      const s = provider.socket(2, 1, 6, "test");
      provider.bind(s, { family: 2, address: "127.0.0.1", port: 0 });
      assertEquals(provider.listen(s, asked, profile), 0);
      assertEquals(provider.stats(s)?.backlog, effective, `profile ${profile}, backlog ${asked}`);
      provider.closesocket(s);
    }
  }
});
