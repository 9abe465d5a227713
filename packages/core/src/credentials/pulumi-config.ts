import { readFile } from "node:fs/promises";
import { makeDirectory } from "../fs/make-directory.js";
import { join } from "node:path";
import { CairnError } from "../errors.js";
import { parseJsonOr } from "../json/parse-json.js";
import { writeFileAtomic } from "../fs/atomic-write.js";
import { withFileLock } from "../fs/file-lock.js";
import { formatGoJson, sortedByGoKeyOrder } from "./go-json.js";

/**
 * Pulumi's `config.json` beside credentials.json (`$PULUMI_CREDENTIALS_PATH`, else `$PULUMI_HOME`;
 * `sdk/go/common/workspace/creds.go`): `{"backends": {"<backend URL>": {"defaultOrg": "…"}}}`,
 * which `pulumi org set-default` writes. cairn reads and writes the same entry so both CLIs agree
 * on a backend's default organization. Unknown fields are kept on rewrite.
 */
interface PulumiConfig {
  backends?: Record<string, { defaultOrg?: string; [unknownField: string]: unknown }>;
  [unknownField: string]: unknown;
}

export function pulumiConfigPath(credentialsDir: string): string {
  return join(credentialsDir, "config.json");
}

/** The default organization `pulumi org set-default` stored for `backendUrl`, if any. */
export async function getBackendDefaultOrg(credentialsDir: string, backendUrl: string): Promise<string | undefined> {
  const org = (await readConfig(credentialsDir)).backends?.[backendUrl]?.defaultOrg;
  return typeof org === "string" && org !== "" ? org : undefined;
}

/** Stores `org` as `backendUrl`'s default organization, replacing the backend's entry as Pulumi does. */
export async function setBackendDefaultOrg(credentialsDir: string, backendUrl: string, org: string): Promise<void> {
  const path = pulumiConfigPath(credentialsDir);
  await makeDirectory(credentialsDir, 0o700);
  await withFileLock(`${path}.lock`, async () => {
    const config = await readConfig(credentialsDir);
    const backends = sortedByGoKeyOrder({ ...config.backends, [backendUrl]: { defaultOrg: org } });
    // Go's json.MarshalIndent with four spaces and no trailing newline: what Pulumi writes.
    await writeFileAtomic(path, formatGoJson({ ...config, backends }), { mode: 0o600 });
  });
}

async function readConfig(credentialsDir: string): Promise<PulumiConfig> {
  const path = pulumiConfigPath(credentialsDir);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  const parsed = parseJsonOr(text, (problem) => {
    throw new CairnError("InvalidArgument", `${path} is not valid JSON: ${problem}`, { hint: "fix the file, or delete it to forget every backend's default organization" });
  });
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new CairnError("InvalidArgument", `${path} does not hold a JSON object`, { hint: "fix the file, or delete it to forget every backend's default organization" });
  }
  return parsed as PulumiConfig;
}
