// The gate, admissionControl and the in-memory transport on Node and Bun (a
// bundle of fixtures/cli.ts), and the TCP transport's clear error there; the
// same checks on Deno itself, so that a failure elsewhere is the runtime's.
import { strictEqual as is } from "node:assert/strict";
import { configure } from "../../provider.ts";
import { assertChecks, bundle, findRuntime, run, runsOn } from "./_runtimes.ts";
import { runChecks } from "./fixtures/checks.ts";

Deno.test("the runtime checks pass on Deno", async () => {
  try {
    assertChecks(await runChecks(), false);
  } finally {
    configure({}); // the checks leave the process-wide provider on a memory transport
  }
});

for (const name of ["node", "bun"] as const) {
  const runtime = await findRuntime(name);
  const ready = runsOn(runtime, `the ${name} tests`);
  Deno.test({
    name: `on ${name}${ready ? ` ${runtime.version}` : ""}: the gate, admissionControl and the memory ` +
      "transport work, and the TCP transport throws a clear Error",
    ignore: !ready,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "acceptq-runtime-" });
      try {
        await bundle("tests/runtimes/fixtures/cli.ts", `${dir}/cli.mjs`);
        const { code, stdout, stderr } = await run(runtime.path!, [`${dir}/cli.mjs`], { timeoutMs: 30_000 });
        is(code, 0, `${name} exited ${code}: ${stderr}`);
        const report = JSON.parse(stdout.trim().split("\n").at(-1)!);
        assertChecks(report.results, true);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
