import type { Credentials } from "../credentials/credentials-file.js";
import type { Project } from "./project.js";

export interface BackendUrlSources {
  /** `--backend-url` / a URL argument. */
  explicit?: string;
  env: Readonly<Record<string, string | undefined>>;
  project?: Pick<Project, "backendUrl">;
  credentials?: Pick<Credentials, "current">;
}

/**
 * The backend URL in effect, in Pulumi's precedence: an explicit URL, `$PULUMI_BACKEND_URL`, the
 * project's `backend.url`, then the credentials file's `current`. Empty values count as unset.
 */
export function resolveBackendUrl(sources: BackendUrlSources): string | undefined {
  return (
    nonEmpty(sources.explicit) ??
    nonEmpty(sources.env.PULUMI_BACKEND_URL) ??
    nonEmpty(sources.project?.backendUrl) ??
    nonEmpty(sources.credentials?.current)
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
