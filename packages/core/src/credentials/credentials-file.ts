import { CairnError } from "../errors.js";
import { parseJsonOr } from "../json/parse-json.js";
import { formatGoJson, sortedByGoKeyOrder } from "./go-json.js";

/**
 * Pulumi's credentials.json schema (`sdk/go/common/workspace/creds.go`). Fields Pulumi does not
 * know (or that a newer Pulumi added) are kept on rewrite through the index signatures.
 */
export interface Credentials {
  /** URL of the active backend. */
  current?: string;
  /** Backend URL → access token (empty string for self-managed backends). */
  accessTokens?: Record<string, string>;
  accounts?: Record<string, Account>;
  [unknownField: string]: unknown;
}

export interface Account {
  accessToken?: string;
  refreshToken?: string;
  username?: string;
  organizations?: string[];
  /** RFC 3339. Go writes its zero time when unset; so does cairn. */
  lastValidatedAt?: string;
  insecure?: boolean;
  tokenInformation?: TokenInformation;
  [unknownField: string]: unknown;
}

export interface TokenInformation {
  name: string;
  organization?: string;
  team?: string;
  /** RFC 3339. */
  expiresAt?: string;
  [unknownField: string]: unknown;
}

/** What Go's encoding/json writes for a zero `time.Time` (omitempty never omits a struct). */
export const GO_ZERO_TIME = "0001-01-01T00:00:00Z";

/** Newer Pulumi CLIs may encrypt the file into an envelope object carrying this marker. */
const SECURE_STORE_MARKER = "$pulumiSecureStore";

const MALFORMED_HINT = "fix the file by hand or delete it and log in again; cairn never overwrites a file it cannot read";

/** Parses credentials.json text; `file` names the file in errors. An empty file means no credentials, as in Pulumi. */
export function parseCredentials(text: string, file: string): Credentials {
  if (text.trim() === "") return {};
  // No cause: V8's SyntaxError quotes the file, which holds tokens.
  const parsed = parseJsonOr(text, (problem) => {
    throw new CairnError("InvalidArgument", `credentials file ${file} is not valid JSON: ${problem}`, { hint: MALFORMED_HINT });
  });
  const fail = (what: string): never => {
    throw new CairnError("InvalidArgument", `credentials file ${file} is malformed: ${what}`, { hint: MALFORMED_HINT });
  };
  if (!isObject(parsed)) return fail("the top level is not a JSON object");
  if (SECURE_STORE_MARKER in parsed) {
    throw new CairnError("Unimplemented", `credentials file ${file} is encrypted by Pulumi's secure credential store, which cairn cannot read`, {
      hint: "set PULUMI_ACCESS_TOKEN for service backends, or store Pulumi's credentials in plaintext (PULUMI_CREDENTIAL_STORE=plaintext)",
    });
  }
  const credentials = dropNulls(parsed, ["current", "accessTokens", "accounts"]) as Credentials;
  expectType(credentials.current, "string", "`current`", fail);
  if (credentials.accessTokens !== undefined) {
    if (!isObject(credentials.accessTokens)) fail("`accessTokens` is not an object");
    for (const [url, token] of Object.entries(credentials.accessTokens)) {
      if (typeof token !== "string") fail(`the access token for ${url} is not a string`);
    }
  }
  if (credentials.accounts !== undefined) {
    if (!isObject(credentials.accounts)) fail("`accounts` is not an object");
    for (const [url, account] of Object.entries(credentials.accounts)) {
      if (!isObject(account)) fail(`the account for ${url} is not an object`);
      credentials.accounts[url] = checkAccount(account, url, fail);
    }
  }
  return credentials;
}

function checkAccount(raw: Record<string, unknown>, url: string, fail: (what: string) => never): Account {
  const account = dropNulls(raw, ["accessToken", "refreshToken", "username", "organizations", "lastValidatedAt", "insecure", "tokenInformation"]);
  for (const field of ["accessToken", "refreshToken", "username", "lastValidatedAt"]) {
    expectType(account[field], "string", `\`${field}\` of the account for ${url}`, fail);
  }
  expectType(account.insecure, "boolean", `\`insecure\` of the account for ${url}`, fail);
  const organizations = account.organizations;
  if (organizations !== undefined && !(Array.isArray(organizations) && organizations.every((org) => typeof org === "string"))) {
    fail(`\`organizations\` of the account for ${url} is not a list of strings`);
  }
  const info = account.tokenInformation;
  if (info !== undefined) {
    if (!isObject(info)) return fail(`\`tokenInformation\` of the account for ${url} is not an object`);
    const cleaned = dropNulls(info, ["name", "organization", "team", "expiresAt"]);
    for (const field of ["name", "organization", "team", "expiresAt"]) {
      expectType(cleaned[field], "string", `\`tokenInformation.${field}\` of the account for ${url}`, fail);
    }
    account.tokenInformation = cleaned;
  }
  return account as Account;
}

/**
 * Writes the file's text exactly as Pulumi's `json.MarshalIndent(creds, "", "    ")` would (field
 * order, omitempty, sorted map keys), followed by any fields Pulumi does not know.
 */
export function formatCredentials(credentials: Credentials): string {
  const { version, credentialHelper, current, accessTokens, accounts, ...unknown } = credentials;
  const top = new Map<string, unknown>();
  // Pulumi's field order: version, credentialHelper, current, accessTokens, accounts.
  if (version !== undefined && version !== 0) top.set("version", version);
  if (credentialHelper !== undefined && credentialHelper !== null) top.set("credentialHelper", credentialHelper);
  if (current) top.set("current", current);
  const tokens = derivedAccessTokens(credentials);
  if (Object.keys(tokens).length > 0) top.set("accessTokens", sortedByGoKeyOrder(tokens));
  if (accounts && Object.keys(accounts).length > 0) {
    const ordered = new Map<string, unknown>();
    for (const [url, account] of sortedByGoKeyOrder(accounts)) ordered.set(url, accountFields(account));
    top.set("accounts", ordered);
  }
  for (const [key, value] of Object.entries(unknown)) top.set(key, value);
  return formatGoJson(top);
}

/**
 * `accessTokens` as Pulumi (3.266 and later) writes it: derived from `accounts`, one entry per
 * account with its token ("" for a self-managed backend). A token an older CLI kept only under
 * `accessTokens`, and entries with no account, are kept rather than dropped.
 */
export function derivedAccessTokens(credentials: Credentials): Record<string, string> {
  const tokens: Record<string, string> = { ...credentials.accessTokens };
  for (const [url, account] of Object.entries(credentials.accounts ?? {})) tokens[url] = account.accessToken || tokens[url] || "";
  return tokens;
}

/**
 * Whether Pulumi would store these credentials by removing the file (`writeCredentialsFile`: no
 * account, no current backend, no credential helper). cairn also keeps a file that still holds a
 * bare `accessTokens` entry of an older CLI, or fields it does not know.
 */
export function isEmptyCredentials(credentials: Credentials): boolean {
  const { current, accessTokens, accounts, version: _version, credentialHelper, ...unknown } = credentials;
  return (
    !current &&
    Object.keys(accounts ?? {}).length === 0 &&
    Object.keys(accessTokens ?? {}).length === 0 &&
    (credentialHelper === undefined || credentialHelper === null) &&
    Object.keys(unknown).length === 0
  );
}

function accountFields(account: Account): Map<string, unknown> {
  const { accessToken, refreshToken, username, organizations, lastValidatedAt, insecure, tokenInformation, ...unknown } = account;
  const fields = new Map<string, unknown>();
  if (accessToken) fields.set("accessToken", accessToken);
  if (refreshToken) fields.set("refreshToken", refreshToken);
  if (username) fields.set("username", username);
  if (organizations && organizations.length > 0) fields.set("organizations", organizations);
  fields.set("lastValidatedAt", lastValidatedAt || GO_ZERO_TIME);
  if (insecure) fields.set("insecure", true);
  if (tokenInformation) fields.set("tokenInformation", tokenInformationFields(tokenInformation));
  for (const [key, value] of Object.entries(unknown)) fields.set(key, value);
  return fields;
}

function tokenInformationFields(info: TokenInformation): Map<string, unknown> {
  const { name, organization, team, expiresAt, ...unknown } = info;
  // `name` has no omitempty in Pulumi's struct tag, so it is written even when empty.
  const fields = new Map<string, unknown>([["name", name ?? ""]]);
  if (organization) fields.set("organization", organization);
  if (team) fields.set("team", team);
  if (expiresAt) fields.set("expiresAt", expiresAt);
  for (const [key, value] of Object.entries(unknown)) fields.set(key, value);
  return fields;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Go decodes `null` into a zero value, which it then omits; treat a known field's null as absent. */
function dropNulls(object: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const copy = { ...object };
  for (const field of fields) if (copy[field] === null) delete copy[field];
  return copy;
}

function expectType(value: unknown, type: "string" | "boolean", what: string, fail: (what: string) => never): void {
  if (value !== undefined && typeof value !== type) fail(`${what} is not a ${type}`);
}
