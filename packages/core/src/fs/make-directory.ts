import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { CairnError } from "../errors.js";

/**
 * `mkdir -p` that always ends. Node's `mkdir(path, { recursive: true })` retries forever when
 * creating a child says ENOENT although its parent exists — what procfs and sysfs answer
 * (`file:///proc/1` made `cairn login` spin). Here each level is created once; a directory whose
 * parent exists but which still cannot be created is an InvalidArgument naming it.
 * `mode` applies to every directory created (0700 for PULUMI_HOME and what holds tokens).
 */
export async function makeDirectory(path: string, mode = 0o777): Promise<void> {
  try {
    await mkdir(path, { mode });
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      if ((await stat(path)).isDirectory()) return;
      throw error; // a file is in the way: the caller's open/rename says ENOTDIR or EEXIST
    }
    if (code !== "ENOENT") throw error;
  }
  const parent = dirname(path);
  if (parent === path) throw new CairnError("NotFound", `cannot create directory ${path}: the file system root is missing`);
  await makeDirectory(parent, mode);
  try {
    await mkdir(path, { mode });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" && (await stat(path)).isDirectory()) return; // made concurrently
    if (code !== "ENOENT") throw error;
    throw new CairnError("InvalidArgument", `cannot create directory ${path}: its parent exists but does not accept new directories`, {
      cause: error,
      hint: "give a directory on an ordinary file system (not /proc, /sys or /dev)",
    });
  }
}
