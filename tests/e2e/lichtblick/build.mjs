// Builds vendored Lichtblick code as Lichtblick's bundler would:
// TypeScript, its `@lichtblick/suite-base/…` paths, and its build-time
// constants (API_URL from globalThis.__SORA_API_URL). `bundle(entry)` is
// the built module's URL, to import.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import * as esbuild from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));

const aliases = {
  name: "lichtblick-paths",
  setup(build) {
    build.onResolve({ filter: /^@lichtblick\// }, (args) => {
      if (args.path === "@lichtblick/log") return { path: path.join(here, "shims/log.ts") };
      if (args.path === "@lichtblick/suite-base/i18n") return { path: path.join(here, "shims/i18n.ts") };
      const rest = args.path.replace(/^@lichtblick\/suite-base\//, "");
      return { path: path.join(here, "vendor/suite-base", `${rest}.ts`) };
    });
  },
};

export async function bundle(entry) {
  const out = mkdtempSync(path.join(tmpdir(), "sora-lichtblick-"));
  const outfile = path.join(out, path.basename(entry).replace(/\.ts$/, ".mjs"));
  await esbuild.build({
    entryPoints: [path.join(here, entry)],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile,
    plugins: [aliases],
    define: {
      API_URL: "globalThis.__SORA_API_URL",
      LICHTBLICK_SUITE_VERSION: "undefined",
      DEV_WORKSPACE: "undefined",
      // Lichtblick's webpack build names each module for its logger.
      __filename: JSON.stringify("lichtblick-module"),
    },
    logLevel: "error",
  });
  return pathToFileURL(outfile).href;
}
