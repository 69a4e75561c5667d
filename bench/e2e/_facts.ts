/**
 * Machine facts recorded with the end-to-end accept benchmark: CPU, cores, memory,
 * kernel, load average, somaxconn, tool versions (Deno, V8, Node, wrk) and the
 * git commit of the code measured (with whether the measured files had local edits).
 *
 * @module
 */

/** What the machine and the tools were. */
export interface MachineFacts {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  os: string;
  loadAverage: number[];
  somaxconn: number | null;
  deno: string;
  v8: string;
  typescript: string;
  node: string | null;
  wrk: string | null;
  gitCommit: string | null;
  /** Files of src/, mod.ts and build/ with uncommitted changes when the benchmark ran. */
  uncommitted: string[];
  note: string;
}

async function output(command: string, args: string[], cwd?: string): Promise<string | null> {
  try {
    const { stdout, stderr } = await new Deno.Command(command, {
      args,
      cwd,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    return (new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr)).trim();
  } catch {
    return null;
  }
}

function readOr(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}

/** Collects the facts; `root` is the repository root. */
export async function machineFacts(root: string): Promise<MachineFacts> {
  const cpuinfo = readOr("/proc/cpuinfo") ?? "";
  const somaxconn = readOr("/proc/sys/net/core/somaxconn");
  const status = await output("git", ["status", "--porcelain", "--", "src", "mod.ts", "build"], root);
  return {
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "unknown",
    cores: navigator.hardwareConcurrency,
    memoryGiB: Math.round(Deno.systemMemoryInfo().total / 2 ** 30),
    kernel: Deno.osRelease(),
    os: `${Deno.build.os} ${Deno.build.arch}`,
    loadAverage: Deno.loadavg(),
    somaxconn: somaxconn === null ? null : Number(somaxconn),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    node: await output("node", ["--version"]),
    wrk: (await output("wrk", ["-v"]))?.split("\n")[0] ?? null,
    gitCommit: await output("git", ["rev-parse", "HEAD"], root),
    uncommitted: status ? status.split("\n").filter(Boolean) : [],
    note:
      "Shared 2-core virtual machine, noisy: the servers and the load generator compete for the same two " +
      "cores (and with other work on the machine). Compare the ratios measured within one run, not absolute figures.",
  };
}
