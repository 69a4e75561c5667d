/**
 * Process helpers of the end-to-end accept benchmark: a server child that is
 * talked to line by line (bench/e2e/_server.ts, bench/e2e/_server_node.mjs), a
 * bounded one-shot command (the load generators), and a process's CPU time from
 * /proc (needs --allow-read=/proc, or -A).
 *
 * @module
 */

/** A long-running child with piped stdio: read its stdout lines, send it lines, always reap it. */
export class ServerChild {
  readonly process: Deno.ChildProcess;
  readonly stderr: Promise<string>;
  #lines: AsyncIterator<string>;
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #open = true;

  /** Spawns `command args` in `cwd`. */
  constructor(command: string, args: string[], cwd: string) {
    this.process = new Deno.Command(command, { args, cwd, stdin: "piped", stdout: "piped", stderr: "piped" })
      .spawn();
    this.stderr = new Response(this.process.stderr).text();
    this.#lines = lines(this.process.stdout)[Symbol.asyncIterator]();
    this.#stdin = this.process.stdin.getWriter();
  }

  /** The next stdout line parsed as JSON, within `ms`. */
  async json<T>(ms = 10_000): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no line from the server within ${ms} ms`)), ms);
    });
    try {
      const next = await Promise.race([this.#lines.next(), timeout]);
      if (next.done) throw new Error(`the server closed its stdout; stderr: ${await this.stderr}`);
      return JSON.parse(next.value) as T;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Writes `line` and a newline to the child's stdin. */
  async send(line: string): Promise<void> {
    await this.#stdin.write(new TextEncoder().encode(`${line}\n`));
  }

  /**
   * Closes stdin (the server then prints its final counters and exits) and returns
   * that last line parsed; kills the child if it has not exited within `ms`.
   */
  async stop<T>(ms = 5000): Promise<T | undefined> {
    if (!this.#open) return undefined;
    this.#open = false;
    await this.#stdin.close().catch(() => {});
    let last: T | undefined;
    try {
      last = await this.json<T>(ms);
    } catch {
      // no final line: killed below
    }
    const timer = setTimeout(() => this.kill(), ms);
    await this.process.status;
    clearTimeout(timer);
    while (!(await this.#lines.next()).done) { /* drain */ }
    await this.stderr;
    return last;
  }

  /** SIGKILL, if it is still running. */
  kill(): void {
    try {
      this.process.kill("SIGKILL");
    } catch {
      // already exited
    }
  }
}

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    rest += chunk;
    let at: number;
    while ((at = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, at);
      rest = rest.slice(at + 1);
    }
  }
  if (rest) yield rest;
}

/** Runs `command args` to completion, killing it after `limitMs`; returns its stdout (throws on failure). */
export async function runBounded(
  command: string,
  args: string[],
  cwd: string,
  limitMs: number,
): Promise<string> {
  const child = new Deno.Command(command, { args, cwd, stdin: "null", stdout: "piped", stderr: "piped" })
    .spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
  }, limitMs);
  const { code, stdout, stderr } = await child.output();
  clearTimeout(timer);
  const out = new TextDecoder().decode(stdout);
  if (code !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited with ${code}:\n${new TextDecoder().decode(stderr)}`);
  }
  return out;
}

/** CPU time (user + system, all threads) the process `pid` has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the command name (which is in parentheses and may contain spaces): utime is 14th, stime 15th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}
