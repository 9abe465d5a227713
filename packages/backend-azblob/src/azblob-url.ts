import { CairnError, parseBooleanParameter, redactUrl, readUrlParameters } from "@cairn/core/driver";

/** Pulumi's (gocloud's) `azblob://` query parameters; anything else is refused. */
export const AZBLOB_URL_PARAMETERS = ["storage_account", "domain", "protocol", "cdn", "localemu"] as const;

const ACCEPTED_FORM = "azblob://<container>[/<prefix>][?storage_account=…&domain=…&protocol=http|https&cdn=true&localemu=true]";
const DEFAULT_DOMAIN = "blob.core.windows.net";

type Env = Readonly<Record<string, string | undefined>>;

/** Where the blob service is, as gocloud derives it from the environment and the URL. */
export interface ServiceEndpointOptions {
  accountName: string | undefined;
  domain: string | undefined;
  protocol: string | undefined;
  isCdn: boolean;
  isLocalEmulator: boolean;
}

export interface AzblobLocation {
  container: string;
  /** The URL path: state lives under `<prefix>/.pulumi/…` (see `KeyPrefix`). */
  prefixPath: string;
  endpoint: ServiceEndpointOptions;
  /** The URL's parameters that move the service endpoint (a SAS token refuses them). */
  endpointParameters: string[];
}

/**
 * Reads an `azblob://container/prefix?…` URL. Defaults come from `AZURE_STORAGE_*` variables (and
 * the account name and protocol from a connection string, as gocloud does); URL parameters
 * override them.
 */
export function parseAzblobUrl(url: URL, env: Env): AzblobLocation {
  if (url.protocol !== "azblob:") throw invalid(url, "it is not an azblob:// URL");
  if (url.username !== "" || url.password !== "") throw invalid(url, "credentials never go in the URL; use AZURE_STORAGE_KEY or another source from the README");
  if (url.port !== "") throw invalid(url, "the host part is the container name and has no port; use domain=host:port");
  const container = decodeURIComponent(url.hostname);
  // Azure's rule: 3–63 of lowercase letters, digits and single hyphens, starting with a letter or digit.
  if (!/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(container)) {
    throw invalid(url, `${JSON.stringify(container)} is not a valid container name (3-63 lowercase letters, digits and single hyphens)`);
  }
  const parameters = readUrlParameters(url, AZBLOB_URL_PARAMETERS);
  const fromConnectionString = connectionStringDefaults(connectionStringOf(env));
  const endpoint: ServiceEndpointOptions = {
    accountName: parameters.storage_account ?? nonEmpty(env.AZURE_STORAGE_ACCOUNT) ?? fromConnectionString.accountName,
    domain: parameters.domain ?? nonEmpty(env.AZURE_STORAGE_DOMAIN),
    protocol: parameters.protocol ?? nonEmpty(env.AZURE_STORAGE_PROTOCOL) ?? fromConnectionString.protocol,
    isCdn: parseBooleanParameter("cdn", parameters.cdn) ?? envBoolean(env.AZURE_STORAGE_IS_CDN),
    isLocalEmulator: parseBooleanParameter("localemu", parameters.localemu) ?? envBoolean(env.AZURE_STORAGE_IS_LOCAL_EMULATOR),
  };
  if (endpoint.protocol !== undefined && endpoint.protocol !== "http" && endpoint.protocol !== "https") {
    throw invalid(url, `protocol ${JSON.stringify(endpoint.protocol)} must be http or https`);
  }
  return { container, prefixPath: url.pathname, endpoint, endpointParameters: Object.keys(parameters) };
}

/**
 * The blob service URL (no container): `<protocol>://<account>.<domain>`; with a CDN just
 * `<protocol>://<domain>`; for an emulator (or a domain on localhost / 127.0.0.1) the account
 * moves into the path, `http://127.0.0.1:10000/devstoreaccount1`.
 */
export function serviceUrlOf(endpoint: ServiceEndpointOptions): string {
  const account = endpoint.accountName;
  if (account === undefined) {
    throw new CairnError("InvalidArgument", "no Azure storage account is named", {
      hint: "set AZURE_STORAGE_ACCOUNT, add ?storage_account=<name> to the URL, or use AZURE_STORAGE_CONNECTION_STRING",
    });
  }
  const domain = endpoint.domain ?? DEFAULT_DOMAIN;
  const protocol = endpoint.protocol ?? "https";
  if (endpoint.isLocalEmulator || domain.startsWith("127.0.0.1") || domain.startsWith("localhost")) {
    return `${protocol}://${domain}/${encodeURIComponent(account)}`;
  }
  if (endpoint.isCdn) return `${protocol}://${domain}`;
  return `${protocol}://${account}.${domain}`;
}

export function connectionStringOf(env: Env): string | undefined {
  return connectionStringVariable(env)?.value;
}

/** The connection string and the variable it came from (the SDK's alias is accepted too). */
export function connectionStringVariable(env: Env): { name: string; value: string } | undefined {
  for (const name of ["AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGEBLOB_CONNECTIONSTRING"]) {
    const value = nonEmpty(env[name]);
    if (value !== undefined) return { name, value };
  }
  return undefined;
}

/** Only the non-secret fields gocloud takes defaults from. */
function connectionStringDefaults(connectionString: string | undefined): { accountName?: string; protocol?: string } {
  const defaults: { accountName?: string; protocol?: string } = {};
  for (const part of connectionString?.split(";") ?? []) {
    const separator = part.indexOf("=");
    const name = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (separator <= 0 || value === "") continue;
    if (name === "AccountName") defaults.accountName = value;
    else if (name === "DefaultEndpointsProtocol") defaults.protocol = value;
  }
  return defaults;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** gocloud ignores an unparsable `AZURE_STORAGE_IS_*` value (false), so a typo there is not fatal. */
function envBoolean(value: string | undefined): boolean {
  try {
    return parseBooleanParameter("", nonEmpty(value)) ?? false;
  } catch {
    return false;
  }
}

function invalid(url: URL, why: string): CairnError {
  return new CairnError("InvalidArgument", `invalid azblob URL ${redactUrl(url.href)}: ${why}`, { hint: `use ${ACCEPTED_FORM}` });
}
