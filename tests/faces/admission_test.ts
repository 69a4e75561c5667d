// Admission control without sockets: the core's bounded queue as a gate, and a
// Deno.serve handler that answers 503 with Retry-After when the gate is full.
import { deepStrictEqual as eq, strictEqual as is, throws } from "node:assert/strict";
import { admissionControl, AdmissionGate } from "../../mod.ts";

Deno.test("the gate admits up to its limit, refuses the rest at once, and counts", () => {
  const gate = new AdmissionGate({ limit: 3 });
  const tickets = [0, 1, 2, 3, 4].map(() => gate.tryEnter());
  eq(tickets.map((t) => t !== undefined), [true, true, true, false, false]);
  tickets[0]!.release();
  tickets[0]!.release(); // idempotent
  is(gate.tryEnter() !== undefined, true);
  eq(gate.stats(), { limit: 3, inFlight: 3, admitted: 4, refused: 2, released: 1, highWater: 3 });
});

Deno.test("a ticket is released by `using`", () => {
  const gate = new AdmissionGate({ limit: 1 });
  {
    using _ticket = gate.tryEnter();
    is(gate.tryEnter(), undefined);
  }
  is(gate.stats().inFlight, 0);
});

Deno.test("the limit must be an integer in [1, 65535]", () => {
  for (const limit of [0, -1, 1.5, NaN, 65536, Infinity]) {
    throws(() => new AdmissionGate({ limit }), RangeError);
  }
  is(new AdmissionGate({ limit: 65535 }).stats().limit, 65535);
});

Deno.test("a gate cycles through a million enter/release pairs with exact counters", () => {
  const gate = new AdmissionGate({ limit: 8 });
  for (let i = 0; i < 1_000_000; i++) gate.tryEnter()!.release();
  eq(gate.stats(), {
    limit: 8,
    inFlight: 0,
    admitted: 1_000_000,
    refused: 0,
    released: 1_000_000,
    highWater: 1,
  });
});

Deno.test("admissionControl answers 503 with Retry-After beyond the limit of requests in flight", async () => {
  let release!: () => void;
  const blocked = new Promise<void>((resolve) => (release = resolve));
  const handler = admissionControl(async () => {
    await blocked;
    return new Response("done");
  }, { limit: 2, retryAfterSeconds: 3 });
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  const url = `http://127.0.0.1:${server.addr.port}/`;
  const slow = [fetch(url), fetch(url)];
  while (handler.gate.stats().inFlight < 2) await new Promise((r) => setTimeout(r, 1));
  const refused = await fetch(url);
  is(refused.status, 503);
  is(refused.headers.get("Retry-After"), "3");
  await refused.body?.cancel();
  release();
  for (const response of await Promise.all(slow)) {
    is(response.status, 200);
    is(await response.text(), "done");
  }
  eq([handler.gate.stats().admitted, handler.gate.stats().refused, handler.gate.stats().inFlight], [2, 1, 0]);
});

Deno.test("admissionControl hands every argument after the request to the handler (a Worker's env and ctx)", async () => {
  const env = { GREETING: "hi" };
  const waited: Promise<unknown>[] = [];
  const ctx = { waitUntil: (promise: Promise<unknown>) => void waited.push(promise) };
  const handler = admissionControl((_request, e: typeof env, c: typeof ctx) => {
    c.waitUntil(Promise.resolve());
    return new Response(e.GREETING);
  }, { limit: 1 });
  const response = await handler(new Request("http://localhost/"), env, ctx);
  is(await response.text(), "hi");
  is(waited.length, 1);
});

Deno.test("admissionControl refuses a Retry-After that HTTP cannot carry, and missing options, with clear errors", () => {
  const ok = () => new Response("ok");
  for (const retryAfterSeconds of [NaN, -1, 1.5, Infinity, 2 ** 53]) {
    throws(() => admissionControl(ok, { limit: 1, retryAfterSeconds }), {
      name: "RangeError",
      message: /retryAfterSeconds/,
    });
  }
  throws(() => admissionControl(ok, { limit: 1, retryAfterSeconds: "1" as unknown as number }), {
    name: "TypeError",
    message: /retryAfterSeconds/,
  });
  throws(() => admissionControl(ok, undefined as unknown as { limit: number }), {
    name: "TypeError",
    message: /options/,
  });
  throws(() => admissionControl(null as unknown as () => Response, { limit: 1 }), {
    name: "TypeError",
    message: /handler/,
  });
  admissionControl(ok, { limit: 1, retryAfterSeconds: 0 }); // 0 is a valid Retry-After
});
