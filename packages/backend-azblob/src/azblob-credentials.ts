import { CairnError, type CredentialSource } from "@cairn/core/driver";
import { connectionStringVariable, type AzblobLocation } from "./azblob-url.js";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Which credential opens the container; secrets stay in here and never reach a URL or a message.
 * `source` names where it came from (`env:AZURE_STORAGE_KEY`, `azure:DefaultAzureCredential`, …)
 * for `whoami -v`: a variable's name, never its value.
 */
export type AzblobCredential = (
  | { kind: "shared-key"; accountName: string; accountKey: string }
  | { kind: "sas"; token: string }
  | { kind: "connection-string"; connectionString: string }
  | { kind: "azure-ad" }
) & { source: string };

/** The plugin's declared sources, in the order they are tried. */
export const AZBLOB_CREDENTIAL_SOURCES: readonly CredentialSource[] = [
  { id: "env:AZURE_STORAGE_KEY", description: "shared account key, with the account from AZURE_STORAGE_ACCOUNT or ?storage_account=" },
  { id: "env:AZURE_STORAGE_SAS_TOKEN", description: "shared access signature; the endpoint then comes from the environment only" },
  { id: "env:AZURE_STORAGE_CONNECTION_STRING", description: "connection string (also AZURE_STORAGEBLOB_CONNECTIONSTRING); its endpoint is used" },
  { id: "sdk-default-chain", description: "Azure AD DefaultAzureCredential: AZURE_CLIENT_ID/AZURE_TENANT_ID/…, workload or managed identity, az login" },
];

/** A short list for hints, so every authentication error says where credentials come from. */
export const CREDENTIAL_SOURCES_HINT =
  "credentials are read from AZURE_STORAGE_ACCOUNT + AZURE_STORAGE_KEY, AZURE_STORAGE_SAS_TOKEN, AZURE_STORAGE_CONNECTION_STRING, then Azure AD (az login, managed identity, AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET)";

/**
 * gocloud's order: an account key (with an account name), a SAS token, a connection string, and
 * only then Azure AD's default chain.
 */
export function resolveAzblobCredential(location: AzblobLocation, env: Env): AzblobCredential {
  const accountKey = nonEmpty(env.AZURE_STORAGE_KEY);
  const accountName = location.endpoint.accountName;
  if (accountKey !== undefined && accountName !== undefined) return { kind: "shared-key", accountName, accountKey, source: "env:AZURE_STORAGE_KEY" };
  const sasToken = nonEmpty(env.AZURE_STORAGE_SAS_TOKEN);
  if (sasToken !== undefined) {
    // The token comes from the environment, the URL from wherever the user copied it: a URL must
    // not be able to send the token to another host.
    if (location.endpointParameters.length > 0) {
      throw new CairnError("InvalidArgument", `with AZURE_STORAGE_SAS_TOKEN set, the azblob URL may not change the service endpoint (it sets ${location.endpointParameters.join(", ")})`, {
        hint: "remove those parameters and set AZURE_STORAGE_ACCOUNT / AZURE_STORAGE_DOMAIN / AZURE_STORAGE_PROTOCOL / AZURE_STORAGE_IS_CDN / AZURE_STORAGE_IS_LOCAL_EMULATOR beside the token instead",
      });
    }
    return { kind: "sas", token: sasToken.replace(/^\?/, ""), source: "env:AZURE_STORAGE_SAS_TOKEN" };
  }
  const connectionString = connectionStringVariable(env);
  if (connectionString !== undefined) return { kind: "connection-string", connectionString: connectionString.value, source: `env:${connectionString.name}` };
  return { kind: "azure-ad", source: "azure:DefaultAzureCredential" };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
