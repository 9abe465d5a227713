import type { CredentialSource } from "@cairn/core/driver";

/** Where a git token may come from, in the order they are tried. */
export const GIT_CREDENTIAL_SOURCES: readonly CredentialSource[] = [
  { id: "env:GIT_TOKEN", description: "GIT_TOKEN: `user:token`, or a token alone (sent as user x-access-token, or the URL's user name)" },
  { id: "env:GITHUB_TOKEN", description: "GITHUB_TOKEN: a GitHub token (sent as user x-access-token)" },
  { id: "env:GITLAB_TOKEN", description: "GITLAB_TOKEN: a GitLab token (sent as user oauth2)" },
  { id: "stored", description: "the `user:token` or token given to `cairn login` for this URL (credentials.json)" },
];

/** A user name and password for HTTP Basic auth. Never printed. */
export interface GitCredential {
  username: string;
  password: string;
  /** Which source supplied it (for messages; not the secret). */
  source: string;
}

const ENV_SOURCES: ReadonlyArray<{ name: string; defaultUser: string }> = [
  { name: "GIT_TOKEN", defaultUser: "x-access-token" },
  { name: "GITHUB_TOKEN", defaultUser: "x-access-token" },
  { name: "GITLAB_TOKEN", defaultUser: "oauth2" },
];

/**
 * The credential to send, if any: the environment first (as for every cairn backend), then the
 * one stored at login. A value `user:token` names its user; a bare token is sent with the URL's
 * user name, or the user name the hosting service expects for tokens.
 */
export function resolveGitCredential(
  env: Readonly<Record<string, string | undefined>>,
  storedCredential: string | undefined,
  urlUsername: string | undefined,
): GitCredential | undefined {
  for (const source of ENV_SOURCES) {
    const value = env[source.name];
    if (value !== undefined && value !== "") return split(value, urlUsername ?? source.defaultUser, `env:${source.name}`);
  }
  if (storedCredential !== undefined && storedCredential !== "") return split(storedCredential, urlUsername ?? "x-access-token", "stored");
  return undefined;
}

function split(value: string, defaultUser: string, source: string): GitCredential {
  const colon = value.indexOf(":");
  return colon > 0
    ? { username: value.slice(0, colon), password: value.slice(colon + 1), source }
    : { username: defaultUser, password: value, source };
}

/** Said when the server refuses us: where credentials come from. */
export const CREDENTIAL_HINT =
  "set GIT_TOKEN (user:token or a token), GITHUB_TOKEN or GITLAB_TOKEN, or run `cairn login <url>` and give user:token; check the token may read and push to the repository";
