import * as fs from "node:fs";
import git from "isomorphic-git";
import { CairnError } from "@cairn/core/driver";

/** Git's mode for a regular file and a directory. */
const BLOB_MODE = "100644";
const TREE_MODE = "040000";

interface TreeEntry {
  mode: string;
  path: string;
  oid: string;
  type: "blob" | "tree" | "commit";
}

/** Reads and edits trees in a bare git directory: the one place that knows git's tree shapes. */
export class GitTrees {
  constructor(
    private readonly gitdir: string,
    private readonly cache: object,
  ) {}

  /** The blob at `path` in `commit`, or `undefined` when there is none. */
  async blobAt(commit: string | undefined, path: string): Promise<string | undefined> {
    if (commit === undefined) return undefined;
    const entry = await this.entryAt(await this.treeOf(commit), path.split("/"));
    return entry?.type === "blob" ? entry.oid : undefined;
  }

  async readBlob(oid: string): Promise<Uint8Array> {
    return (await git.readBlob({ fs, gitdir: this.gitdir, oid, cache: this.cache })).blob;
  }

  async writeBlob(bytes: Uint8Array): Promise<string> {
    return git.writeBlob({ fs, gitdir: this.gitdir, blob: bytes });
  }

  async treeOf(commit: string): Promise<string> {
    return (await git.readCommit({ fs, gitdir: this.gitdir, oid: commit, cache: this.cache })).commit.tree;
  }

  /**
   * A new root tree: `root` with `path` set to `blob`, or removed when `blob` is undefined.
   * Directories left empty disappear, as in git. Returns the empty tree's id for an empty root.
   */
  async withEntry(root: string | undefined, path: string, blob: string | undefined): Promise<string> {
    const updated = await this.edit(root, path.split("/"), blob, path);
    return updated ?? (await git.writeTree({ fs, gitdir: this.gitdir, tree: [] }));
  }

  /** Every file under directory `dir` (`""`: the root) of `tree`, as paths relative to the root. */
  async filesUnder(tree: string, dir: string): Promise<Array<{ path: string; oid: string }>> {
    let start = tree;
    if (dir !== "") {
      const entry = await this.entryAt(tree, dir.split("/"));
      if (entry?.type !== "tree") return [];
      start = entry.oid;
    }
    const files: Array<{ path: string; oid: string }> = [];
    const walk = async (oid: string, base: string): Promise<void> => {
      for (const entry of await this.entries(oid)) {
        const path = base === "" ? entry.path : `${base}/${entry.path}`;
        if (entry.type === "tree") await walk(entry.oid, path);
        else if (entry.type === "blob") files.push({ path, oid: entry.oid });
      }
    };
    await walk(start, dir);
    return files;
  }

  private async entries(tree: string): Promise<TreeEntry[]> {
    return (await git.readTree({ fs, gitdir: this.gitdir, oid: tree, cache: this.cache })).tree as TreeEntry[];
  }

  private async entryAt(tree: string, segments: readonly string[]): Promise<TreeEntry | undefined> {
    let current = tree;
    for (const [index, segment] of segments.entries()) {
      const entry = (await this.entries(current)).find((candidate) => candidate.path === segment);
      if (entry === undefined) return undefined;
      if (index === segments.length - 1) return entry;
      if (entry.type !== "tree") return undefined;
      current = entry.oid;
    }
    return undefined;
  }

  private async edit(tree: string | undefined, segments: readonly string[], blob: string | undefined, fullPath: string): Promise<string | undefined> {
    const [name, ...rest] = segments;
    if (name === undefined || name === "" || name === "." || name === ".." || name === ".git") {
      throw new CairnError("InvalidArgument", `${JSON.stringify(fullPath)} cannot be a path in a git repository`, {
        hint: "keys are /-separated names without empty, . , .. or .git segments",
      });
    }
    const entries = tree === undefined ? [] : await this.entries(tree);
    const existing = entries.find((entry) => entry.path === name);
    let replacement: TreeEntry | undefined;
    if (rest.length === 0) {
      if (existing?.type === "tree") throw notAFile(fullPath);
      replacement = blob === undefined ? undefined : { mode: BLOB_MODE, path: name, oid: blob, type: "blob" };
    } else {
      if (existing !== undefined && existing.type !== "tree") throw notAFile(fullPath);
      const child = await this.edit(existing?.oid, rest, blob, fullPath);
      replacement = child === undefined ? undefined : { mode: TREE_MODE, path: name, oid: child, type: "tree" };
    }
    const kept = entries.filter((entry) => entry.path !== name);
    if (replacement !== undefined) kept.push(replacement);
    if (kept.length === 0) return undefined;
    return git.writeTree({ fs, gitdir: this.gitdir, tree: kept });
  }
}

function notAFile(path: string): CairnError {
  return new CairnError("InvalidArgument", `${path} clashes with a file or directory of the same name in the repository`, {
    hint: "git cannot hold a file and a directory under one name; choose another key",
  });
}
