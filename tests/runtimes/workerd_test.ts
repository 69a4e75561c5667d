// admissionControl and the in-memory transport in Cloudflare's workerd: a
// minimal worker config (fixtures/worker.ts bundled, build/acceptq.wasm as a
// wasm module passed to loadCore), served on 127.0.0.1 and driven over loopback.
import { deepStrictEqual as eq, strictEqual as is } from "node:assert/strict";
import { assertChecks, bundle, findRuntime, runsOn } from "./_runtimes.ts";
import { LIMIT } from "./fixtures/worker.ts";

const ROOT = new URL("../../", import.meta.url);
const workerd = await findRuntime("workerd");
const ready = runsOn(workerd, "the workerd tests");

/** The worker's main module: workerd gives a `.wasm` module import as a compiled WebAssembly.Module. */
const MAIN = `import core from "./acceptq.wasm";
import { worker } from "./fixture.mjs";
export default worker(core);
`;

const CONFIG = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .gated) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);

const gated :Workerd.Worker = (
  modules = [
    (name = "main.mjs", esModule = embed "main.mjs"),
    (name = "fixture.mjs", esModule = embed "fixture.mjs"),
    (name = "acceptq.wasm", wasm = embed "acceptq.wasm"),
  ],
  compatibilityDate = "2025-01-01",
);
`;

/** Starts workerd on `dir`'s config and resolves its process and port (from its control messages on stdout). */
async function serve(
  dir: string,
): Promise<{ child: Deno.ChildProcess; port: number; stderr: Promise<string> }> {
  const child = new Deno.Command(workerd.path!, {
    args: ["serve", "config.capnp", "--control-fd", "1"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  try {
    while (true) {
      const { value, done } = await lines.read();
      if (done) break;
      seen += value;
      const port = seen.match(/"event":"listen","socket":"http","port":(\d+)/)?.[1];
      if (port) {
        // Keep draining stdout so that workerd never blocks on it.
        void (async () => {
          while (!(await lines.read()).done);
        })();
        return { child, port: Number(port), stderr };
      }
    }
  } finally {
    clearTimeout(timer);
  }
  const status = await child.status;
  throw new Error(`workerd exited (${status.code}) before listening: ${seen}${await stderr}`);
}

Deno.test({
  name: `in workerd${ready ? ` (${workerd.version})` : ""}: admissionControl refuses beyond its limit over ` +
    "loopback, and the gate and the memory transport work",
  ignore: !ready,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "acceptq-workerd-" });
    let server: Awaited<ReturnType<typeof serve>> | undefined;
    try {
      await bundle("tests/runtimes/fixtures/worker.ts", `${dir}/fixture.mjs`);
      await Deno.copyFile(new URL("build/acceptq.wasm", ROOT), `${dir}/acceptq.wasm`);
      await Deno.writeTextFile(`${dir}/main.mjs`, MAIN);
      await Deno.writeTextFile(`${dir}/config.capnp`, CONFIG);
      server = await serve(dir);
      const base = `http://127.0.0.1:${server.port}`;

      // The condition loadCore exists for: workerd compiles no WebAssembly from bytes.
      const compile = await (await fetch(`${base}/compile`)).json();
      is(/disallowed/i.test(compile), true, `compiling from bytes in workerd: ${compile}`);

      // LIMIT requests are admitted and held until EXTRA more have been refused.
      const EXTRA = 3;
      const responses = await Promise.all(
        Array.from({ length: LIMIT + EXTRA }, () => fetch(`${base}/hold?refusals=${EXTRA}`)),
      );
      const outcomes = await Promise.all(
        responses.map(async (r) =>
          `${r.status} ${r.headers.get("Retry-After") ?? "-"} ${(await r.text()).trim()}`
        ),
      );
      eq(outcomes.filter((o) => o === "200 - ok").length, LIMIT, outcomes.join("\n"));
      eq(outcomes.filter((o) => o.startsWith("503 1 ")).length, EXTRA, outcomes.join("\n"));
      eq(await (await fetch(`${base}/stats`)).json(), {
        limit: LIMIT,
        inFlight: 0,
        admitted: LIMIT,
        refused: EXTRA,
        released: LIMIT,
        highWater: LIMIT,
      });

      assertChecks(await (await fetch(`${base}/checks`)).json(), true);
    } finally {
      if (server) {
        server.child.kill("SIGTERM");
        const stubborn = setTimeout(() => server!.child.kill("SIGKILL"), 5_000);
        await server.child.status;
        clearTimeout(stubborn);
        await server.stderr;
      }
      await Deno.remove(dir, { recursive: true });
    }
  },
});
