import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pluginDirectory } from "@cairn/core";
import { withFileLock } from "@cairn/core/driver";

/** The packages the user installed into the plugin directory: its package.json `dependencies`. */
export async function installedPackages(prefix: string): Promise<Record<string, string>> {
  try {
    const manifest = JSON.parse(await readFile(join(prefix, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    return { ...(manifest.dependencies ?? {}) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
}

/**
 * Changes the plugin directory all or nothing: `change` works on a staging copy beside it
 * (`plugins.staging-*`, same file system), which replaces the real one only when `change`
 * returns. A failure, a refusal or a crash leaves the real directory as it was (a crashed run's
 * staging copy is removed by the next one). One change at a time: a lock file beside it. The swap
 * is two renames; a command that loads a plugin in the instant between them may miss it.
 */
export async function changePluginDirectory<T>(home: string, change: (staging: string) => Promise<T>): Promise<T> {
  const live = pluginDirectory(home);
  const parent = dirname(live);
  await mkdir(parent, { recursive: true });
  return withFileLock(join(parent, "plugins.lock"), async () => {
    await removeLeftovers(parent);
    const token = `${process.pid}-${Date.now().toString(36)}`;
    const staging = `${live}.staging-${token}`;
    try {
      if (await exists(live)) await cp(live, staging, { recursive: true, verbatimSymlinks: true });
      else await mkdir(staging);
      if (!(await exists(join(staging, "package.json")))) {
        await writeFile(join(staging, "package.json"), `${JSON.stringify({ name: "cairn-plugins", private: true, description: "Backend plugins installed by `cairn plugin install`", dependencies: {} }, null, 2)}\n`);
      }
      const result = await change(staging);
      const old = `${live}.old-${token}`;
      const hadLive = await exists(live);
      if (hadLive) await rename(live, old);
      await rename(staging, live);
      if (hadLive) await rm(old, { recursive: true, force: true });
      return result;
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }, { timeoutMs: 120_000 });
}

/** Staging and old copies a crashed run left (only ever touched under the lock). */
async function removeLeftovers(parent: string): Promise<void> {
  for (const name of await readdir(parent).catch(() => [])) {
    if (/^plugins\.(staging|old)-/.test(name)) await rm(join(parent, name), { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

