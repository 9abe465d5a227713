import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { createBareRepo } from "@cairn/test-servers/git-http";
import plugin, { type GitStore } from "../src/index.js";

let counter = 0;
const tempDirs: string[] = [];

/** A temp directory removed by `removeTempDirs`. */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cairn-git-${label}-`));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A fresh bare repository (real `git init --bare`) served over HTTP and on disk. */
export function freshRepo(): { name: string; path: string; httpUrl: string; fileUrl: string } {
  const name = `repo-${process.pid}-${Date.now()}-${++counter}`;
  const path = createBareRepo(inject("gitRoot"), name);
  return { name, path, httpUrl: `git+${inject("gitHttpBase")}/${name}.git`, fileUrl: `git+file://${path}` };
}

/** URLs of a repository that was never created: nothing on disk, nothing served. */
export function missingRepo(): { httpUrl: string; fileUrl: string } {
  const name = `missing-${process.pid}-${Date.now()}-${++counter}`;
  return { httpUrl: `git+${inject("gitHttpBase")}/${name}.git`, fileUrl: `git+file://${join(inject("gitRoot"), `${name}.git`)}` };
}

export const credentialEnv = (): Record<string, string> => ({ GIT_TOKEN: `${inject("gitUser")}:${inject("gitPassword")}` });

/** Opens a store through the plugin, as the CLI does, with its own PULUMI_HOME (its own clone cache). */
export async function openStore(url: string, options: { home?: string; env?: Record<string, string | undefined>; storedCredential?: string } = {}): Promise<GitStore> {
  const home = options.home ?? tempDir("home");
  const env = { GIT_AUTHOR_NAME: "Cairn Test", GIT_AUTHOR_EMAIL: "test@cairn.invalid", ...credentialEnv(), ...options.env };
  return (await plugin.open(new URL(url), {
    home,
    cwd: home,
    env,
    ...(options.storedCredential === undefined ? {} : { storedCredential: options.storedCredential }),
  })) as GitStore;
}
