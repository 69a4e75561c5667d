/**
 * Runs bench/core/core_bench.ts several times (`deno bench --json`, each run in its own
 * process) and reports, per group, each bench's median time per iteration and its
 * ratio to `ts model` and to `denque`: per run the ratio of the averages, then the median over
 * the runs, with the range beside it. Times are per unit (one burst of
 * bench/core/_burst.ts; for `call overhead`, 16 calls): time/iter / BURSTS_PER_ITERATION.
 *
 * Prints the table (markdown, the one the README quotes) and writes it to
 * bench/results/core_ratios.md, and the medians and every run's averages to
 * bench/results/core_ratios.json.
 *
 * Run: `deno run -A bench/core/ratios.ts [--runs 5]`
 * (it needs --allow-run, --allow-read and --allow-write).
 *
 * @module
 */

import { BURSTS_PER_ITERATION } from "./_burst.ts";

const BASELINE = "ts model";
/** The second baseline, in the groups that have it: the plain TypeScript queue. */
const PLAIN = "denque";
const BENCH_FILE = new URL("./core_bench.ts", import.meta.url);
const RESULTS = new URL("../results/", import.meta.url);
const ROOT = new URL("../../", import.meta.url);

/** One bench's results as `deno bench --json` reports them (the fields used here). */
interface BenchJson {
  group: string | null;
  name: string;
  results: { ok?: { avg: number; n: number }; failed?: unknown }[];
}

/** One bench's summary over all runs. */
export interface BenchSummary {
  group: string;
  name: string;
  /** Median over the runs of the average time per unit (burst), in ns. */
  medianNsPerUnit: number;
  /** Median over the runs of avg / avg(ts model) in the same run and group. */
  medianRatio: number;
  /** Smallest and largest per-run ratio. */
  ratioRange: [number, number];
  /** Median over the runs of avg / avg(denque) in the same run, in a group with denque. */
  medianRatioToPlain?: number;
  /** Smallest and largest of those. */
  ratioToPlainRange?: [number, number];
  /** Every run's average time per unit (burst), in ns. */
  nsPerUnit: number[];
}

/** The median of `xs` (the mean of the middle two when there are an even number). */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function parseRuns(args: string[]): number {
  const at = args.indexOf("--runs");
  const runs = at < 0 ? 5 : Number(args[at + 1]);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error("usage: deno run -A bench/core/ratios.ts [--runs N]");
  }
  return runs;
}

/** Runs the bench file once and returns the average time per unit (ns) by "group\0name". */
async function runOnce(): Promise<Map<string, number>> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["bench", "--json", "--allow-read", BENCH_FILE.pathname],
    cwd: ROOT.pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (code !== 0) throw new Error(`deno bench failed (${code}):\n${new TextDecoder().decode(stderr)}`);
  const report = JSON.parse(new TextDecoder().decode(stdout)) as { benches: BenchJson[] };
  const avgs = new Map<string, number>();
  for (const bench of report.benches) {
    const ok = bench.results[0]?.ok;
    if (!ok) throw new Error(`bench ${bench.group} / ${bench.name} failed: ${JSON.stringify(bench.results)}`);
    avgs.set(`${bench.group ?? ""}\0${bench.name}`, ok.avg / BURSTS_PER_ITERATION);
  }
  return avgs;
}

/** Summarises the runs, in the bench file's order. */
export function summarise(runs: readonly Map<string, number>[]): BenchSummary[] {
  return [...runs[0].keys()].map((key) => {
    const [group, name] = key.split("\0");
    const nsPerUnit = runs.map((run) => run.get(key)!);
    // The model is the baseline; a group without it is measured against its first bench.
    const base = runs[0].has(`${group}\0${BASELINE}`)
      ? `${group}\0${BASELINE}`
      : [...runs[0].keys()].find((k) => k.startsWith(`${group}\0`))!;
    const ratios = runs.map((run) => run.get(key)! / run.get(base)!);
    const plain = runs[0].has(`${group}\0${PLAIN}`)
      ? runs.map((run) => run.get(key)! / run.get(`${group}\0${PLAIN}`)!)
      : undefined;
    return {
      group,
      name,
      medianNsPerUnit: median(nsPerUnit),
      medianRatio: median(ratios),
      ratioRange: [Math.min(...ratios), Math.max(...ratios)],
      ...(plain && {
        medianRatioToPlain: median(plain),
        ratioToPlainRange: [Math.min(...plain), Math.max(...plain)] as [number, number],
      }),
      nsPerUnit,
    };
  });
}

/** The summaries as a markdown table. */
export function markdownTable(summaries: readonly BenchSummary[], runs: number): string {
  const range = (r?: [number, number]) => (r ? `${r[0].toFixed(2)} – ${r[1].toFixed(2)}` : "");
  const lines = [
    `Median of ${runs} runs of \`deno bench bench/core/core_bench.ts\`, ${Deno.version.deno} (V8 ${Deno.version.v8}).`,
    `Ratio: time / time of \`${BASELINE}\` (or of \`${PLAIN}\`) in the same run and group (< 1 is faster);`,
    "in a group without the model, of the group's first bench.",
    "A burst: 16 arrivals (12 admitted, 4 refused), 12 taken, 12 closed; `call overhead` counts 16 calls.",
    "",
    `| group | bench | ratio to ${BASELINE} (median) | range | ratio to ${PLAIN} (median) | range |`,
    "| --- | --- | ---: | ---: | ---: | ---: |",
  ];
  for (const s of summaries) {
    const plain = s.medianRatioToPlain === undefined ? "" : s.medianRatioToPlain.toFixed(2);
    lines.push(
      `| ${s.group} | ${s.name} | ${s.medianRatio.toFixed(2)} | ${range(s.ratioRange)} | ${plain} | ` +
        `${range(s.ratioToPlainRange)} |`,
    );
  }
  return lines.join("\n") + "\n";
}

async function main(): Promise<void> {
  const runs = parseRuns(Deno.args);
  const results: Map<string, number>[] = [];
  for (let i = 0; i < runs; i++) {
    console.error(`run ${i + 1}/${runs} …`);
    results.push(await runOnce());
  }
  const summaries = summarise(results);
  const table = markdownTable(summaries, runs);
  console.log(table);
  await Deno.mkdir(RESULTS, { recursive: true });
  await Deno.writeTextFile(new URL("core_ratios.md", RESULTS), table);
  const json = { deno: Deno.version.deno, v8: Deno.version.v8, runs, baseline: BASELINE, benches: summaries };
  await Deno.writeTextFile(new URL("core_ratios.json", RESULTS), JSON.stringify(json, null, 2) + "\n");
}

if (import.meta.main) await main();
