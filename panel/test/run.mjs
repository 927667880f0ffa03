// Bundles the tests (TypeScript, importing src/) with esbuild and runs
// them with Node's test runner. The end-to-end test of the built panel is
// tests/e2e's `panel.rs` (with tests/e2e/lichtblick/panel.mjs).
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const which = ["test/loop.test.ts"];
const out = mkdtempSync(join(tmpdir(), "sora-panel-test-"));
await build({
  entryPoints: which,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node18",
  outdir: out,
  outExtension: { ".js": ".mjs" },
  logLevel: "warning",
});
const files = which.map((f) => join(out, f.replace(/^test\//, "").replace(/\.ts$/, ".mjs")));
const run = spawnSync(process.execPath, ["--test", "--test-reporter=spec", ...files], {
  stdio: "inherit",
});
process.exit(run.status ?? 1);
