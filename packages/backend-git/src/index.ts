import { defineBackendPlugin } from "@cairn/core/driver";
import { resolveGitCredential } from "./git-credentials.js";
import { parseGitUrl } from "./git-url.js";

export { parseGitUrl, GIT_URL_PARAMETERS, type GitBackendOptions, type GitRemoteLocation } from "./git-url.js";
export { resolveGitCredential, GIT_CREDENTIAL_SOURCES, type GitCredential } from "./git-credentials.js";
export { classifyGitError } from "./git-errors.js";
export type { GitStore, GitStoreOptions } from "./git-store.js";

/** Opens a git store for `url` (loads isomorphic-git on first use only). */
export async function openGitStore(options: import("./git-store.js").GitStoreOptions): Promise<import("./git-store.js").GitStore> {
  const { GitStore } = await import("./git-store.js");
  return new GitStore(options);
}

/** `git+https://`, `git+http://` and `git+file://` URLs: state as commits on a branch of a git repository. */
export default defineBackendPlugin({
  meta: { name: "@cairn/backend-git", version: "0.1.0" },
  schemes: ["git+https", "git+http", "git+file"],
  async open(url, context) {
    const options = parseGitUrl(url);
    const username = options.remote.kind === "http" ? options.remote.username : undefined;
    const credential = options.remote.kind === "http" ? resolveGitCredential(context.env, context.storedCredential, username) : undefined;
    return openGitStore({ ...options, home: context.home, env: context.env, ...(credential === undefined ? {} : { credential }) });
  },
});
