// Finding the other runtimes and building what they run. `.ci/run` installs
// Bun and workerd from npm into .tools/ (pinned versions); Node is the one on
// PATH. A runtime that is not there is skipped with the reason printed.

import { deepStrictEqual as eq } from "node:assert/strict";
import type { CheckResult } from "./fixtures/checks.ts";
import { CHECKS, OFF_DENO_CHECK } from "./fixtures/checks.ts";

const ROOT = new URL("../../", import.meta.url);
const decoder = new TextDecoder();

/** Where each runtime is looked for: an npm package's binary under .tools/, else PATH. */
const TOOLS: Record<string, string> = {
  bun: ".tools/node_modules/@oven/bun-linux-x64/bin/bun",
  workerd: ".tools/node_modules/@cloudflare/workerd-linux-64/bin/workerd",
};

/** A runtime: its path and version line when found, else why not. */
export interface Runtime {
  path?: string;
  version?: string;
  reason?: string;
}

/** Finds `name` (node, bun or workerd) and asks its version. */
export async function findRuntime(name: "node" | "bun" | "workerd"): Promise<Runtime> {
  const candidates = TOOLS[name] ? [new URL(TOOLS[name], ROOT).pathname, name] : [name];
  const failures: string[] = [];
  for (const path of candidates) {
    try {
      const { code, stdout, stderr } = await new Deno.Command(path, {
        args: ["--version"],
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (code === 0) return { path, version: decoder.decode(stdout).trim() };
      failures.push(`${path} --version exited ${code}: ${decoder.decode(stderr).trim()}`);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) failures.push(`${path}: ${error}`);
    }
  }
  if (failures.length) return { reason: `${name} does not run here (${failures.join("; ")})` };
  const where = TOOLS[name] ? `${TOOLS[name]} (.ci/run installs it from npm) nor on PATH` : "on PATH";
  return { reason: `${name} is not installed: not found at ${where}` };
}

/** Prints why a runtime's tests are skipped (never silently), and returns whether they run. */
export function runsOn(runtime: Runtime, what: string): boolean {
  if (runtime.path) return true;
  console.log(`SKIPPED ${what}: ${runtime.reason}`);
  return false;
}

/** Bundles `entry` (a path from the repository root) into one ES module file at `out`. */
export async function bundle(entry: string, out: string): Promise<void> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "browser", "--format", "esm", "-o", out, entry],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`deno bundle ${entry} failed: ${decoder.decode(stderr)}`);
}

/** Runs `args` with a time limit; resolves the exit code and output. */
export async function run(
  path: string,
  args: string[],
  options: { cwd?: string; timeoutMs: number },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(path, {
    args,
    cwd: options.cwd,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(options.timeoutMs),
  }).output();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** Fails unless every expected check ran, in order, and passed (each failure's detail in the message). */
export function assertChecks(results: CheckResult[], offDeno: boolean): void {
  const failed = results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`);
  eq(failed, [], failed.join("\n"));
  eq(results.map((r) => r.name), offDeno ? [...CHECKS, OFF_DENO_CHECK] : [...CHECKS]);
}
