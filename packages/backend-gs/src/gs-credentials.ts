import { existsSync } from "node:fs";
import { CairnError, type CredentialSource } from "@cairn/core/driver";
import type { GsLocation } from "./gs-url.js";

/**
 * Where a gs:// store's credential comes from, first match wins. `source` is also what `whoami -v`
 * shows: a variable's or a mechanism's name, never the key.
 */
export type GsAuth =
  | { source: "anonymous" }
  /** `GOOGLE_CREDENTIALS`: the content of a service-account (or other) JSON key, as Pulumi reads it. */
  | { source: "env:GOOGLE_CREDENTIALS"; credentials: Record<string, unknown> }
  /** `GOOGLE_OAUTH_ACCESS_TOKEN`: a short-lived OAuth access token, as Pulumi (and Terraform) read it. */
  | { source: "env:GOOGLE_OAUTH_ACCESS_TOKEN"; accessToken: string }
  /** `GOOGLE_APPLICATION_CREDENTIALS`: the path of such a JSON key file. */
  | { source: "env:GOOGLE_APPLICATION_CREDENTIALS"; keyFilename: string }
  /** Application Default Credentials: gcloud's ADC file, then the metadata server on GCP. */
  | { source: "gcp:application-default" }
  /** `?endpoint=` (an emulator) and no explicit key: nothing is sent, so ADC is never looked up. */
  | { source: "none (emulator endpoint)" };

export const GS_CREDENTIAL_SOURCES: readonly CredentialSource[] = [
  { id: "anonymous", description: "?anonymous=true: no credentials (public buckets)" },
  { id: "env:GOOGLE_CREDENTIALS", description: "the JSON content of a service-account key (what Pulumi reads first)" },
  { id: "env:GOOGLE_OAUTH_ACCESS_TOKEN", description: "an OAuth access token (what Pulumi reads second)" },
  { id: "env:GOOGLE_APPLICATION_CREDENTIALS", description: "the path of a JSON key file" },
  { id: "sdk-default-chain", description: "Application Default Credentials: `gcloud auth application-default login`, then the GCP metadata server" },
];

export const GS_CREDENTIALS_HINT =
  "gs:// credentials come from GOOGLE_CREDENTIALS (JSON key content), then GOOGLE_OAUTH_ACCESS_TOKEN, then GOOGLE_APPLICATION_CREDENTIALS (key file path), " +
  "then Application Default Credentials (`gcloud auth application-default login`, or the metadata server on GCP); " +
  "add ?anonymous=true for a public bucket";

export function resolveGsAuth(location: GsLocation, env: Readonly<Record<string, string | undefined>>): GsAuth {
  if (location.anonymous) return { source: "anonymous" };
  const json = env.GOOGLE_CREDENTIALS;
  if (json !== undefined && json.trim() !== "") {
    let credentials: unknown;
    try {
      credentials = JSON.parse(json);
    } catch {
      credentials = undefined;
    }
    // Never echo the value: it is a private key.
    if (typeof credentials !== "object" || credentials === null || Array.isArray(credentials)) {
      throw new CairnError("Unauthenticated", "GOOGLE_CREDENTIALS is set but is not a JSON key object", {
        hint: "set GOOGLE_CREDENTIALS to the content of a service-account JSON key (not its path: use GOOGLE_APPLICATION_CREDENTIALS for a path), or unset it",
      });
    }
    return { source: "env:GOOGLE_CREDENTIALS", credentials: credentials as Record<string, unknown> };
  }
  const accessToken = env.GOOGLE_OAUTH_ACCESS_TOKEN;
  if (accessToken !== undefined && accessToken !== "") return { source: "env:GOOGLE_OAUTH_ACCESS_TOKEN", accessToken };
  const keyFilename = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (keyFilename !== undefined && keyFilename !== "") {
    if (!existsSync(keyFilename)) {
      throw new CairnError("Unauthenticated", `GOOGLE_APPLICATION_CREDENTIALS names ${keyFilename}, which does not exist`, {
        hint: "point GOOGLE_APPLICATION_CREDENTIALS at a JSON key file, or unset it to use Application Default Credentials",
      });
    }
    return { source: "env:GOOGLE_APPLICATION_CREDENTIALS", keyFilename };
  }
  // Emulators (?endpoint= or STORAGE_EMULATOR_HOST) take no credentials; a real alternative
  // endpoint gets them only when given explicitly.
  if (location.endpoint !== undefined) return { source: "none (emulator endpoint)" };
  return { source: "gcp:application-default" };
}
