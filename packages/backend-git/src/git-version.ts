/**
 * A key's version is `<blob id>@<commit id>`: "the key held this blob as of that commit". The
 * blob alone is not enough — writing identical bytes keeps the blob, and compare-and-swap must
 * still see that write — so a version holds while no commit after `<commit>` wrote the key
 * (changed its blob, or carries our trailer for it). The same key may be reported under
 * different commits as the branch moves; they all match until the key is written again.
 */
export interface GitVersion {
  blob: string;
  commit: string;
}

export function formatVersion(version: GitVersion): string {
  return `${version.blob}@${version.commit}`;
}

export function parseVersion(text: string): GitVersion | undefined {
  const match = /^([0-9a-f]{40})@([0-9a-f]{40})$/.exec(text);
  return match === null ? undefined : { blob: match[1]!, commit: match[2]! };
}
