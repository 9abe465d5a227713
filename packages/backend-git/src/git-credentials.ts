import type { CredentialSource } from "@cairn/core/driver";

/**
 * Where a git token may come from, in the order they are tried: the environment first (as for
 * every cairn backend), then the one stored at login. The one statement of the order: the plugin's
 * `GIT_CREDENTIAL_SOURCES`, `resolveGitCredential` and the hint a refused request gets all read it.
 */
const TOKEN_SOURCES: ReadonlyArray<{ id: string; variable?: string; holds: string; defaultUser: string }> = [
  { id: "env:GIT_TOKEN", variable: "GIT_TOKEN", holds: "`user:token`, or a token alone", defaultUser: "x-access-token" },
  { id: "env:GITHUB_TOKEN", variable: "GITHUB_TOKEN", holds: "a GitHub token", defaultUser: "x-access-token" },
  { id: "env:GITLAB_TOKEN", variable: "GITLAB_TOKEN", holds: "a GitLab token", defaultUser: "oauth2" },
  { id: "stored", holds: "the `user:token` or token given to `cairn login` for this URL (credentials.json)", defaultUser: "x-access-token" },
];

/** Where a git token may come from, in the order they are tried. */
export const GIT_CREDENTIAL_SOURCES: readonly CredentialSource[] = TOKEN_SOURCES.map(({ id, variable, holds, defaultUser }) => ({
  id,
  description: `${variable === undefined ? "" : `${variable}: `}${holds} (sent as user ${defaultUser}, or the URL's user name)`,
}));

/** A user name and password for HTTP Basic auth. Never printed. */
export interface GitCredential {
  username: string;
  password: string;
  /** Which source supplied it (for messages; not the secret). */
  source: string;
}

/**
 * The credential to send, if any: the first source in `TOKEN_SOURCES` that has one. A value
 * `user:token` names its user; a bare token is sent with the URL's user name, or the user name
 * the hosting service expects for tokens.
 */
export function resolveGitCredential(
  env: Readonly<Record<string, string | undefined>>,
  storedCredential: string | undefined,
  urlUsername: string | undefined,
): GitCredential | undefined {
  for (const source of TOKEN_SOURCES) {
    const value = source.variable === undefined ? storedCredential : env[source.variable];
    if (value !== undefined && value !== "") return split(value, urlUsername ?? source.defaultUser, source.id);
  }
  return undefined;
}

function split(value: string, defaultUser: string, source: string): GitCredential {
  const colon = value.indexOf(":");
  return colon > 0
    ? { username: value.slice(0, colon), password: value.slice(colon + 1), source }
    : { username: defaultUser, password: value, source };
}

const VARIABLES = TOKEN_SOURCES.flatMap((source) => (source.variable === undefined ? [] : [source.variable]));

/** Said when the server refuses us: where credentials come from. */
export const CREDENTIAL_HINT =
  `set ${VARIABLES.slice(0, -1).join(", ")} or ${VARIABLES.at(-1)} (user:token or a token), or run \`cairn login <url>\` and give user:token; ` +
  "check the token may read and push to the repository";
