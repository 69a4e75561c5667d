/**
 * Prints the size of a minified bundle of each entry point of deno.json's
 * `exports` (what an application importing only that subpath carries), as
 * made by `deno bundle --minify --platform browser`, and its gzip size.
 *
 * Usage: deno run -A scripts/bundle_sizes.ts
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);

async function gzipSize(bytes: Uint8Array<ArrayBuffer>): Promise<number> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

async function main(): Promise<void> {
  const { exports } = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))) as {
    exports: Record<string, string>;
  };
  const dir = await Deno.makeTempDir({ prefix: "acceptq-bundle-" });
  try {
    console.log("| entry point | minified | gzip |\n| --- | ---: | ---: |");
    for (const [subpath, file] of Object.entries(exports)) {
      const out = `${dir}/bundle.js`;
      const { code, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["bundle", "--quiet", "--minify", "--platform", "browser", "--format", "esm", "-o", out, file],
        cwd: ROOT,
        stdout: "null",
        stderr: "piped",
      }).output();
      if (code !== 0) throw new Error(`deno bundle ${file}: ${new TextDecoder().decode(stderr)}`);
      const bytes = await Deno.readFile(out);
      const name = subpath === "." ? "`@acceptq/acceptq`" : `\`@acceptq/acceptq${subpath.slice(1)}\``;
      console.log(
        `| ${name} | ${bytes.length.toLocaleString("en")} B | ${
          (await gzipSize(bytes)).toLocaleString("en")
        } B |`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
