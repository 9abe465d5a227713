import type { StateStore } from "../../store.js";
import { baseName } from "./objects.js";
import type { StackPaths } from "./paths.js";
import type { LayoutSettings } from "../settings.js";
import { unixNanos } from "./unix-nanos.js";

/**
 * After each update Pulumi copies the stack file to
 * `.pulumi/backups/<project>/<stack>/<stack>.<unix nanos>.json[.gz]` (`backupStack`), unless
 * `PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS` is set. Returns the key written, if any.
 */
export async function writeBackup(
  store: StateStore,
  paths: StackPaths,
  stackFileKey: string,
  bytes: Uint8Array,
  settings: LayoutSettings,
): Promise<string | undefined> {
  if (settings.disableBackups) return undefined;
  const fileName = baseName(stackFileKey);
  const extensionStart = fileName.indexOf(".json");
  const stem = fileName.slice(0, extensionStart);
  const extension = fileName.slice(extensionStart);
  const key = `${paths.backupDir}/${stem}.${unixNanos()}${extension}`;
  await store.put(key, bytes);
  return key;
}
