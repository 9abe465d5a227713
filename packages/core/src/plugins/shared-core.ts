import { lstat, mkdir, realpath, rename, rm, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CairnError } from "../errors.js";
import { findPackageEntry } from "./package-entry.js";
import { runningCore } from "./running-core.js";

/**
 * One `@cairn/core` per process. A plugin in cairn's plugin directory peer-depends on core and is
 * installed without its peers (`npm --legacy-peer-deps`), so its `import "@cairn/core"` walks up to
 * `<plugins>/node_modules/@cairn/core` — a symlink to the running CLI's own core, made by
 * `cairn plugin install` and checked here before each load. Checked, because the CLI can move
 * (reinstalled, another Node version manager's prefix) and leave the link dangling or pointing
 * at an older core; repaired, because the plugin directory is cairn's and the link is cheap to
 * remake. A symlink, not a copy or a loader hook: Node resolves it to the real path, so the plugin
 * and the CLI load the same module instance, with no code of cairn's in Node's resolution.
 * An npm-installed copy there (the peer npm 7+ adds when told nothing) is replaced the same way.
 */
export async function linkSharedCore(pluginDir: string): Promise<void> {
  const core = runningCore();
  if (core === undefined) {
    throw new CairnError("PluginIncompatible", "this cairn has @cairn/core built into its own files, so no plugin can share it", {
      hint: "install cairn from its npm packages (@cairn/cli), which keep @cairn/core a package of its own",
    });
  }
  const target = await realpath(core.packageDir);
  const link = join(pluginDir, "node_modules", "@cairn", "core");
  if ((await realpath(link).catch(() => undefined)) === target) return;
  try {
    await mkdir(dirname(link), { recursive: true });
    const temporary = `${link}.cairn-link-${process.pid}-${Math.random().toString(36).slice(2)}`;
    await symlink(target, temporary, "dir");
    const existing = await lstat(link).catch(() => undefined);
    if (existing?.isDirectory()) {
      // A real directory cannot be renamed over; move it aside first, then put the link in.
      const aside = `${link}.cairn-replaced-${process.pid}`;
      await rename(link, aside);
      await rename(temporary, link);
      await rm(aside, { recursive: true, force: true });
    } else {
      await rename(temporary, link);
    }
  } catch (error) {
    throw new CairnError("PluginIncompatible", `cannot link this cairn's @cairn/core (${target}) into ${link}: ${(error as Error).message}`, {
      cause: error,
      hint: `make ${pluginDir} writable, or reinstall the plugin with \`cairn plugin install\``,
    });
  }
}

/**
 * Where the plugin at `packageDir` would load `@cairn/core` from (real path), as Node resolves it
 * from the plugin's own real location; `undefined` when it finds none.
 */
export async function coreSeenFrom(packageDir: string): Promise<string | undefined> {
  const from = await realpath(packageDir).catch(() => packageDir);
  const found = await findPackageEntry("@cairn/core", from);
  return found === undefined ? undefined : realpath(found.packageDir).catch(() => found.packageDir);
}

/** Throws unless the plugin at `packageDir` resolves `@cairn/core` to the running copy. */
export async function assertSharesCore(packageDir: string, source: string, fix: string): Promise<void> {
  const core = runningCore();
  if (core === undefined) return;
  const running = await realpath(core.packageDir).catch(() => core.packageDir);
  const seen = await coreSeenFrom(packageDir);
  if (seen === running) return;
  throw new CairnError(
    "PluginIncompatible",
    seen === undefined
      ? `${source} cannot find @cairn/core (it peer-depends on the CLI's)`
      : `${source} would load its own copy of @cairn/core from ${seen}, a second one beside this cairn's ${running}`,
    { hint: fix },
  );
}
