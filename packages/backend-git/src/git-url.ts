import { CairnError, KeyPrefix, readUrlParameters } from "@cairn/core/driver";

/** Query parameters a git backend URL accepts. */
export const GIT_URL_PARAMETERS = ["ref", "path"] as const;

const ACCEPTED_FORMS = "git+https://host/owner/repo.git, git+http://host:port/repo.git or git+file:///abs/path/repo.git, with optional ?ref=<branch>&path=<sub-directory>";

/** Where the repository is and how to reach it. */
export type GitRemoteLocation =
  | { kind: "http"; url: string; username?: string }
  | { kind: "file"; path: string };

export interface GitBackendOptions {
  remote: GitRemoteLocation;
  /** The branch named by `ref`; undefined means "the remote's default branch". */
  branch?: string;
  /** Keys live under this sub-directory of the repository. */
  prefix: KeyPrefix;
  /** The backend URL with no secret in it: printed, and the clone cache's identity. */
  displayUrl: string;
}

/** Parses `git+https://…`, `git+http://…` and `git+file:///…` URLs. Secrets are refused: they belong in the environment or at login. */
export function parseGitUrl(url: URL): GitBackendOptions {
  const scheme = url.protocol.slice(0, -1);
  const parameters = readUrlParameters(url, GIT_URL_PARAMETERS);
  if (url.password !== "") {
    throw new CairnError("InvalidArgument", "a git backend URL must not contain a password or token", {
      hint: "remove it from the URL and set GIT_TOKEN (user:token or token), or give it to `cairn login`",
    });
  }
  const branch = parameters.ref;
  if (branch !== undefined && !isValidBranchName(branch)) {
    throw new CairnError("InvalidArgument", `ref=${JSON.stringify(branch)} is not a valid branch name`, { hint: "give a branch name such as main or state" });
  }
  const prefix = new KeyPrefix(parameters.path ?? "");
  const remote = remoteOf(scheme, url);
  const display = new URL(url.href);
  display.username = "";
  return { remote, ...(branch === undefined ? {} : { branch }), prefix, displayUrl: display.href };
}

function remoteOf(scheme: string, url: URL): GitRemoteLocation {
  if (scheme === "git+https" || scheme === "git+http") {
    if (url.hostname === "" || url.pathname === "/" || url.pathname === "") throw invalid(url, "it names no host and repository");
    // URL's protocol setter cannot turn git+http (not special) into http (special): rebuild.
    const remote = new URL(`${scheme === "git+https" ? "https" : "http"}://${url.host}${url.pathname}`);
    const username = url.username === "" ? undefined : decodeURIComponent(url.username);
    return { kind: "http", url: remote.href, ...(username === undefined ? {} : { username }) };
  }
  if (scheme === "git+file") {
    if (url.host !== "" && url.host !== "localhost") throw invalid(url, "a git+file URL names a local path: git+file:///abs/repo.git");
    const path = decodeURIComponent(url.pathname);
    if (path === "/" || path === "") throw invalid(url, "it names no repository");
    return { kind: "file", path };
  }
  throw invalid(url, `the scheme ${scheme}: is not a git scheme (ssh is not supported)`);
}

function invalid(url: URL, why: string): CairnError {
  const shown = new URL(url.href);
  shown.username = "";
  shown.password = "";
  return new CairnError("InvalidArgument", `${shown.href} is not a git backend URL: ${why}`, { hint: `use ${ACCEPTED_FORMS}` });
}

/** The subset of `git check-ref-format --branch` rules that matter for a URL parameter. */
function isValidBranchName(name: string): boolean {
  return (
    name !== "" &&
    !name.startsWith("-") &&
    !name.startsWith("/") &&
    !name.endsWith("/") &&
    !name.endsWith(".lock") &&
    !name.includes("..") &&
    !name.includes("@{") &&
    !/[\s~^:?*[\\\x00-\x1f\x7f]/.test(name)
  );
}
