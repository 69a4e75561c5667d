// The published package: its subpath exports, mod.ts as their union, and the
// files `deno publish` would upload (the library's own modules, README, LICENSE
// and what the README shows or links to, nothing else).
import { deepStrictEqual as eq, ok, strictEqual as is } from "node:assert/strict";
import { runDeno } from "./fixtures/_process.ts";

const ROOT = new URL("..", import.meta.url);
const config = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT))) as {
  name: string;
  exports: Record<string, string>;
};

/** Runs deno with `args` in the repository; resolves its stdout (and fails the test on a nonzero exit). */
async function deno(args: string[]): Promise<string> {
  const { code, stdout, stderr } = await runDeno(args, ROOT);
  is(code, 0, `deno ${args.join(" ")}: ${stderr}`);
  return stdout + stderr;
}

/** The repository-relative paths of the local modules `entry` loads. */
async function moduleGraph(entry: string): Promise<Set<string>> {
  const info = JSON.parse(await deno(["info", "--json", entry])) as { modules: { specifier: string }[] };
  const root = ROOT.href;
  return new Set(
    info.modules.map((m) => m.specifier).filter((s) => s.startsWith(root)).map((s) => s.slice(root.length)),
  );
}

Deno.test("every subpath export is importable by the package's name, and mod.ts is exactly their union", async () => {
  const union = new Map<string, unknown>();
  for (const subpath of Object.keys(config.exports)) {
    if (subpath === ".") continue;
    const entry: Record<string, unknown> = await import(config.name + subpath.slice(1));
    ok(Object.keys(entry).length > 0, `${subpath} exports nothing`);
    for (const [name, value] of Object.entries(entry)) {
      if (union.has(name)) is(union.get(name), value, `${subpath} exports another ${name}`);
      union.set(name, value);
    }
  }
  const main: Record<string, unknown> = await import(config.name);
  eq(Object.keys(main).sort(), [...union.keys()].sort());
  for (const [name, value] of union) is(main[name], value, name);
});

Deno.test("./admission loads no provider, transport or socket face: an edge bundle carries the gate only", async () => {
  const graph = [...await moduleGraph(config.exports["./admission"])];
  eq(graph.filter((path) => /^src\/(provider|transports)\/|^src\/faces\/(?!admission)/.test(path)), []);
  ok(graph.includes("src/faces/admission.ts"));
});

Deno.test("deno publish lists the modules of the exports, README, LICENSE, deno.json and what the README shows", async () => {
  const output = await deno(["publish", "--dry-run", "--allow-dirty"]);
  const root = ROOT.href;
  const published = new Set(
    [...output.matchAll(/^\s+(file:\/\/\S+) \(/gm)].map(([, url]) => url.slice(root.length)),
  );
  const expected = new Set(["README.md", "LICENSE", "deno.json", "build/acceptq.wasm"]);
  for (const entry of Object.values(config.exports)) {
    for (const path of await moduleGraph(entry)) expected.add(path);
  }
  // Images and links of the README that point into the repository.
  const readme = Deno.readTextFileSync(new URL("README.md", ROOT));
  for (const [, target] of readme.matchAll(/\]\(([^)#\s]+)\)/g)) {
    if (!/^[a-z]+:/.test(target)) expected.add(target);
  }
  eq([...published].sort(), [...expected].sort());
});
