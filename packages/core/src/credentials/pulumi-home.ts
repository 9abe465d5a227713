import { homedir } from "node:os";
import { join } from "node:path";

type Env = Readonly<Record<string, string | undefined>>;

/** Pulumi's home directory: `$PULUMI_HOME`, else `~/.pulumi`. Shared with the Pulumi CLI on purpose. */
export function pulumiHome(env: Env = process.env): string {
  const explicit = env.PULUMI_HOME;
  return explicit !== undefined && explicit !== "" ? explicit : join(homedir(), ".pulumi");
}

/**
 * Where credentials.json lives: Pulumi lets `$PULUMI_CREDENTIALS_PATH` move it (its tests use
 * that to isolate logins); otherwise it is the home directory.
 */
export function credentialsDirectory(env: Env = process.env): string {
  const explicit = env.PULUMI_CREDENTIALS_PATH;
  return explicit !== undefined && explicit !== "" ? explicit : pulumiHome(env);
}
