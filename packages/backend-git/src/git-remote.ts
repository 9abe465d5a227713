/**
 * The two things a store needs from wherever the repository lives: bring the branch's tip into
 * the local cache, and move the branch from the tip we built on to our new commit — atomically,
 * failing with `PushRejectedError` if someone else moved it first.
 */
export interface GitRemote {
  /**
   * Fetches `branch` into the cache and returns its tip, or `undefined` when the branch does not
   * exist yet (an empty repository). `deepen` fetches the whole history (for `history`). `signal`
   * aborts it (`Canceled`).
   */
  fetch(branch: string, options?: { deepen?: boolean; signal?: AbortSignal }): Promise<string | undefined>;
  /**
   * Compare-and-swap of the remote branch from `expected` (`undefined`: must not exist) to `commit`.
   * `signal` aborts it: `Canceled`, ambiguous once the push may have reached the remote.
   */
  push(branch: string, commit: string, expected: string | undefined, signal?: AbortSignal): Promise<void>;
  /** The remote's default branch (what HEAD points to), when it says. */
  defaultBranch(): Promise<string | undefined>;
}

/** Someone else moved the branch first (non-fast-forward, or the server's ref lock lost the race). */
export class PushRejectedError extends Error {
  readonly code = "CairnPushRejected";
  constructor(detail: string) {
    super(`push rejected: ${detail}`);
    this.name = "PushRejectedError";
  }
}

export function isPushRejected(error: unknown): error is PushRejectedError {
  return error instanceof PushRejectedError;
}

/** Where the cache keeps the fetched remote tip. Never a branch of its own, so it can never diverge. */
export const REMOTE_TIP_REF = "refs/cairn/remote";
/** The commit being pushed. */
export const OUTGOING_REF = "refs/cairn/outgoing";
