import { readFile } from "node:fs/promises";
import { makeDirectory } from "../fs/make-directory.js";
import { join } from "node:path";
import { CairnError } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { withFileLock } from "../fs/file-lock.js";

/**
 * cairn's own per-backend settings, in `$PULUMI_HOME/cairn/settings.json` — beside Pulumi's
 * files, never inside `credentials.json`, whose schema is Pulumi's. For now one setting: the
 * backend URLs whose store failed the precondition probe at login and that the user chose to use
 * anyway (`cairn login --allow-unsafe-store`). Such a backend then locks without atomicity.
 */
interface CairnSettings {
  backends?: Record<string, { allowUnsafeStore?: boolean; allowedAt?: string }>;
}

export function cairnSettingsPath(home: string): string {
  return join(home, "cairn", "settings.json");
}

async function readSettings(home: string): Promise<CairnSettings> {
  let text: string;
  try {
    text = await readFile(cairnSettingsPath(home), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  try {
    return JSON.parse(text) as CairnSettings;
  } catch (error) {
    throw new CairnError("Internal", `${cairnSettingsPath(home)} is not valid JSON`, { cause: error, hint: "fix or delete that file (it only holds cairn's per-backend opt-outs)" });
  }
}

/** Whether the user opted in to using the store at `url` although it ignores preconditions. */
export async function isUnsafeStoreAllowed(home: string, url: string): Promise<boolean> {
  return (await readSettings(home)).backends?.[url]?.allowUnsafeStore === true;
}

/** Remembers (or, with `allowed` false, forgets) the opt-in for `url`. */
export async function setUnsafeStoreAllowed(home: string, url: string, allowed: boolean, now = new Date()): Promise<void> {
  const path = cairnSettingsPath(home);
  // This may be the first write to PULUMI_HOME, which holds tokens: owner-only, as Pulumi creates it.
  await makeDirectory(join(home, "cairn"), 0o700);
  await withFileLock(`${path}.lock`, async () => {
    const settings = await readSettings(home);
    const backends = { ...settings.backends };
    if (allowed) backends[url] = { ...backends[url], allowUnsafeStore: true, allowedAt: now.toISOString() };
    else delete backends[url];
    await writeFileAtomic(path, `${JSON.stringify({ ...settings, backends }, null, 4)}\n`, { mode: 0o600 });
  });
}
