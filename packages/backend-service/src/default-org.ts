import { getBackendDefaultOrg, type DefaultOrganization } from "@cairn/core";
import type { ServiceClient } from "./service-client.js";

/** The Pulumi CLI's variable (`env.DefaultOrg`, "DEFAULT_ORGANIZATION" under its `PULUMI_` prefix). */
export const DEFAULT_ORG_ENV = "PULUMI_DEFAULT_ORGANIZATION";

export interface DefaultOrgSources {
  env: Readonly<Record<string, string | undefined>>;
  /** Where Pulumi's config.json is (`$PULUMI_CREDENTIALS_PATH`, else `$PULUMI_HOME`). */
  configDir: string;
  /** The backend URL as logged in: config.json's key, the same string credentials.json uses. */
  configKey: string;
  client: ServiceClient;
  /** The user's name (`GET /api/user`), the last resort. */
  userName: () => Promise<string>;
}

/**
 * The default organization in the Pulumi CLI's order (`httpstate.New`, then `ParseStackReference`):
 * `PULUMI_DEFAULT_ORGANIZATION`; else `backends[<url>].defaultOrg` in config.json (written by
 * `pulumi org set-default` and `cairn org set-default`); else the service's opinion,
 * `GET /api/user/organizations/default` (`gitHubLogin`; a 404 or an empty answer from a server
 * without that route means none); else the user's own name.
 */
export async function resolveDefaultOrg(sources: DefaultOrgSources): Promise<DefaultOrganization> {
  const fromEnv = sources.env[DEFAULT_ORG_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return { name: fromEnv, source: `env:${DEFAULT_ORG_ENV}` };
  const configured = await getBackendDefaultOrg(sources.configDir, sources.configKey);
  if (configured !== undefined) return { name: configured, source: "config.json" };
  const answer = await sources.client.request<{ gitHubLogin?: string } | undefined>("GET", "/api/user/organizations/default", { allowNotFound: true });
  if (typeof answer?.gitHubLogin === "string" && answer.gitHubLogin !== "") return { name: answer.gitHubLogin, source: "service" };
  return { name: await sources.userName(), source: "user" };
}
