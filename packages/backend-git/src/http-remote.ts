import * as fs from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";
import type { GitCredential } from "./git-credentials.js";
import { markNotPushed } from "./git-errors.js";
import { OUTGOING_REF, PushRejectedError, REMOTE_TIP_REF, type GitRemote } from "./git-remote.js";
import { RetryingHttp } from "./retrying-http.js";

/** A very large depth: "all of it", for history (isomorphic-git has no --unshallow). */
const FULL_DEPTH = 2 ** 30;

/**
 * git over smart HTTP(S) with isomorphic-git. The credential reaches it only through `onAuth`.
 * Every request goes through `RetryingHttp`: reads are retried, a push only when it surely did
 * not reach the server (otherwise its outcome is the store's to decide, by the commit id).
 */
export class HttpRemote implements GitRemote {
  private remoteConfigured = false;
  /**
   * Set once the server asked for the credential: later requests send it at once, saving a
   * round trip (and a 401) per request, as git does within one process. Cleared if refused.
   */
  private challenged = false;

  constructor(
    private readonly gitdir: string,
    private readonly url: string,
    private readonly credential: GitCredential | undefined,
    private readonly cache: object,
  ) {}

  async fetch(branch: string, options: { deepen?: boolean; signal?: AbortSignal } = {}): Promise<string | undefined> {
    // One request says where the branch is; download only when that is not what we hold.
    const http = new RetryingHttp(options.signal);
    const info = await git.getRemoteInfo({ http, url: this.url, ...this.auth() });
    const advertised = (info.refs as { heads?: Record<string, string> } | undefined)?.heads?.[branch];
    if (advertised === undefined) return undefined; // an empty repository, or no such branch yet
    const known = await resolve(this.gitdir, REMOTE_TIP_REF);
    if (advertised === known && !(options.deepen && (await isShallow(this.gitdir)))) return known;
    await this.configureRemote();
    const result = await git.fetch({
      fs,
      http,
      gitdir: this.gitdir,
      url: this.url,
      ref: branch,
      remoteRef: branch,
      singleBranch: true,
      tags: false,
      // Shallow on first contact with a cache; later fetches are incremental from what is there.
      ...(options.deepen ? { depth: FULL_DEPTH } : known === undefined ? { depth: 1 } : {}),
      cache: this.cache,
      ...this.auth(),
    });
    const tip = result.fetchHead ?? undefined;
    if (tip !== undefined) await git.writeRef({ fs, gitdir: this.gitdir, ref: REMOTE_TIP_REF, value: tip, force: true });
    return tip;
  }

  async push(branch: string, commit: string, expected: string | undefined, signal?: AbortSignal): Promise<void> {
    await git.writeRef({ fs, gitdir: this.gitdir, ref: OUTGOING_REF, value: commit, force: true });
    const http = new RetryingHttp(signal);
    const remoteRef = `refs/heads/${branch}`;
    let refused = false;
    try {
      const result = await git.push({
        fs,
        http,
        gitdir: this.gitdir,
        url: this.url,
        ref: OUTGOING_REF,
        remoteRef,
        cache: this.cache,
        ...this.auth(),
        // isomorphic-git sends the old value it was advertised; refuse locally if that is not
        // the tip we built on, so the swap is from exactly `expected`.
        onPrePush: ({ remoteRef: advertised }) => !(refused = advertised.oid !== (expected ?? "0".repeat(40))),
      });
      if (!result.ok) throw new PushRejectedError(String(result.error ?? JSON.stringify(result.refs)));
      // An answer without this ref's status (cut short after "unpack ok") does not say it landed.
      if (result.refs?.[remoteRef]?.ok !== true) throw new Error(`the git server's answer to the push has no status for ${remoteRef}`);
    } catch (error) {
      const code = (error as { code?: string }).code;
      // PushRejectedError: not a fast-forward (seen locally). GitPushError: receive-pack's ref
      // lock lost the race ("failed to update ref"). UserCanceledError from our onPrePush: it saw
      // a newer tip (from onAuth it is a refused credential). NotFoundError: the remote tip is a
      // commit we have not fetched. All mean "moved on".
      if (code === "PushRejectedError" || code === "GitPushError" || (code === "UserCanceledError" && refused) || code === "NotFoundError") {
        throw new PushRejectedError((error as Error).message);
      }
      // Failed before receive-pack had the pack (the discovery, a refused connection, 429): not landed.
      throw http.pushReached ? error : markNotPushed(error);
    }
  }

  async defaultBranch(): Promise<string | undefined> {
    const info = await git.getRemoteInfo({ http: new RetryingHttp(), url: this.url, ...this.auth() });
    const head = (info as { HEAD?: string }).HEAD;
    return head?.startsWith("refs/heads/") ? head.slice("refs/heads/".length) : undefined;
  }

  /** isomorphic-git's fetch wants a configured remote to record remote-tracking refs under. */
  private async configureRemote(): Promise<void> {
    if (this.remoteConfigured) return;
    await git.addRemote({ fs, gitdir: this.gitdir, remote: "origin", url: this.url, force: true });
    this.remoteConfigured = true;
  }

  private auth() {
    const credential = this.credential;
    const basic = credential === undefined ? undefined : `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString("base64")}`;
    return {
      ...(this.challenged && basic !== undefined ? { headers: { Authorization: basic } } : {}),
      onAuth: () => {
        if (credential === undefined) return { cancel: true };
        this.challenged = true;
        return { username: credential.username, password: credential.password };
      },
      // Asked again after the server refused what we sent: stop instead of looping.
      onAuthFailure: () => {
        this.challenged = false;
        return { cancel: true };
      },
    };
  }
}

async function resolve(gitdir: string, ref: string): Promise<string | undefined> {
  try {
    return await git.resolveRef({ fs, gitdir, ref });
  } catch {
    return undefined;
  }
}

async function isShallow(gitdir: string): Promise<boolean> {
  return fs.existsSync(join(gitdir, "shallow"));
}
