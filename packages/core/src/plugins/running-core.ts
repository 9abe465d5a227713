import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface RunningCore {
  /** The `@cairn/core` version this process runs, which plugins' peer ranges are checked against. */
  version: string;
  /**
   * The directory of the `@cairn/core` package this process loaded: what cairn's plugin directory
   * links `node_modules/@cairn/core` to, so every plugin there imports this very copy.
   */
  packageDir: string;
}

let memo: RunningCore | undefined | null = null;

/**
 * This copy of `@cairn/core`: the nearest package.json above this module (`dist/plugins/` or
 * `src/plugins/` alike). Read on first use, not at import, so start-up pays nothing. `undefined`
 * when this module does not sit inside an `@cairn/core` package (core inlined into another file by
 * a bundler): then no plugin can share it, and callers say so.
 */
export function runningCore(): RunningCore | undefined {
  if (memo !== null) return memo;
  memo = undefined;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const manifest = readManifest(join(dir, "package.json"));
    if (manifest !== undefined) {
      if (manifest.name === "@cairn/core" && typeof manifest.version === "string") memo = { version: manifest.version, packageDir: dir };
      return memo;
    }
    if (dirname(dir) === dir) return memo;
  }
}

function readManifest(file: string): { name?: unknown; version?: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}
