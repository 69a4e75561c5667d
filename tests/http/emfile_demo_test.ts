// examples/emfile_demo.ts as a test: under `ulimit -n 128`, plain Deno.serve
// dies at its first EMFILE (and answers nothing afterwards), while the same
// handler behind acceptq's serve() keeps serving the connections it has
// descriptors for, refuses the rest at once, counts exactly what the clients
// saw, and serves every fresh request once the descriptors are free.
import { ok, strictEqual as is } from "node:assert/strict";
import { runBounded } from "../fixtures/_process.ts";

const EXAMPLE = new URL("../../examples/emfile_demo.ts", import.meta.url).pathname;
const HOLD = 250;

interface Trial {
  kind: "deno" | "acceptq";
  during: Record<"200" | "503" | "refused" | "silent" | "down", number>;
  after: Record<"200" | "503" | "refused" | "silent" | "down", number>;
  alive: boolean;
  died: string;
  server: { accepted?: number; refused?: number };
}

Deno.test({
  name: `under ulimit -n 128 with ${HOLD} connections held, Deno.serve stops serving for good ` +
    "while acceptq's serve keeps serving and refusing, and serves again once descriptors are free",
  ignore: Deno.build.os !== "linux", // ulimit through bash, descriptors counted as on Linux
  async fn() {
    const out = await runBounded(
      Deno.execPath(),
      ["run", "--quiet", "-A", EXAMPLE, "--limit", "128", "--hold", String(HOLD), "--json"],
      { limitMs: 60_000 },
    );
    const [deno, acceptq] = JSON.parse(out) as Trial[];
    const seen = (trial: Trial) => JSON.stringify(trial);

    // Deno.serve served while it had descriptors, then its accept loop's EMFILE killed the process.
    ok(deno.during["200"] > 0, `Deno.serve never answered: ${seen(deno)}`);
    ok(!deno.alive, `Deno.serve survived descriptor exhaustion: ${seen(deno)}`);
    ok(/Too many open files/.test(deno.died), deno.died);
    is(deno.after["200"], 0, seen(deno));

    // acceptq: every held client decided (served or refused), none left hanging.
    ok(acceptq.alive, seen(acceptq));
    is(acceptq.during.silent, 0, seen(acceptq));
    is(acceptq.during.down, 0, seen(acceptq));
    is(acceptq.during["200"] + acceptq.during["503"] + acceptq.during.refused, HOLD, seen(acceptq));
    ok(acceptq.during["200"] >= 50, `only ${acceptq.during["200"]} served: ${seen(acceptq)}`);
    ok(acceptq.during.refused + acceptq.during["503"] > 0, `descriptors never ran short: ${seen(acceptq)}`);
    // Once the descriptors are free, every fresh request is served.
    is(acceptq.after["200"], 20, seen(acceptq));
    // The server's counters agree exactly with what the clients saw.
    is(acceptq.server.accepted, acceptq.during["200"] + acceptq.after["200"], seen(acceptq));
    is(acceptq.server.refused, acceptq.during.refused + acceptq.during["503"], seen(acceptq));
  },
});
