import { CairnError } from "../../errors.js";
import { DEFAULT_ORGANIZATION, formatStackRef, validateName, type StackRef } from "../../stack-ref.js";

/**
 * Where the self-managed layout keeps each thing (`pkg/backend/diy/store.go`, `lock.go`,
 * `pkg/workspace/paths.go`). `project` mode is meta.yaml version 1 (project-scoped stacks);
 * `legacy` is version 0, where stacks, history and backups sit directly under their directory.
 */
export type LayoutMode = "project" | "legacy";

export const BOOKKEEPING_DIR = ".pulumi";
export const META_KEY = `${BOOKKEEPING_DIR}/meta.yaml`;
export const STACKS_DIR = `${BOOKKEEPING_DIR}/stacks`;
export const HISTORY_DIR = `${BOOKKEEPING_DIR}/history`;
export const BACKUPS_DIR = `${BOOKKEEPING_DIR}/backups`;
export const LOCKS_DIR = `${BOOKKEEPING_DIR}/locks`;
/**
 * cairn's own bookkeeping, under names Pulumi never reads (it only looks at `stacks/`, `history/`,
 * `backups/`, `locks/` and `meta.yaml`): journaled update steps, and per-project stack indexes.
 */
export const JOURNAL_DIR = `${BOOKKEEPING_DIR}/cairn-journal`;
export const INDEX_DIR = `${BOOKKEEPING_DIR}/cairn-index`;


/** Every stack file name ends in one of these; readers accept all of them. */
export const STACK_FILE_SUFFIXES = [".json", ".json.gz", ".json.zst"] as const;

export interface StackPaths {
  /** The stack as Pulumi names it in files: `organization/<project>/<stack>`, or `<stack>` (legacy). */
  qualifiedName: string;
  /** The stack file's key without its suffix (`.pulumi/stacks/<project>/<stack>`). */
  stackBase: string;
  historyDir: string;
  backupDir: string;
  lockDir: string;
  /** Where the stack's journaled updates live, one directory per update. */
  journalDir: string;
  /**
   * The stack index this stack is listed in. Legacy stores have none: they keep to the files
   * Pulumi's legacy layout has (listing them reads each stack file, as before).
   */
  indexKey: string | undefined;
}

/** Checks a reference against the layout and returns its keys. */
export function stackPaths(mode: LayoutMode, ref: StackRef): StackPaths {
  if (ref.organization !== DEFAULT_ORGANIZATION) {
    throw new CairnError(
      "InvalidArgument",
      `organization ${JSON.stringify(ref.organization)} does not exist on a self-managed backend: its only organization is "${DEFAULT_ORGANIZATION}"`,
      { hint: `name the stack <stack>, ${DEFAULT_ORGANIZATION}/<stack> or ${DEFAULT_ORGANIZATION}/<project>/<stack>` },
    );
  }
  validateName("stack", ref.name);
  if (mode === "legacy") {
    // The legacy layout has no project level: a reference's project (filled in from Pulumi.yaml)
    // does not change where the stack lives.
    return {
      qualifiedName: ref.name,
      stackBase: `${STACKS_DIR}/${ref.name}`,
      historyDir: `${HISTORY_DIR}/${ref.name}`,
      backupDir: `${BACKUPS_DIR}/${ref.name}`,
      lockDir: `${LOCKS_DIR}/${ref.name}`,
      journalDir: `${JOURNAL_DIR}/${ref.name}`,
      indexKey: undefined,
    };
  }
  if (ref.project === undefined) {
    throw new CairnError("InvalidArgument", `stack ${formatStackRef(ref)} names no project`, {
      hint: "run from a directory with a Pulumi.yaml, or pass organization/<project>/<stack>",
    });
  }
  validateName("project", ref.project);
  return {
    qualifiedName: `${DEFAULT_ORGANIZATION}/${ref.project}/${ref.name}`,
    stackBase: `${STACKS_DIR}/${ref.project}/${ref.name}`,
    historyDir: `${HISTORY_DIR}/${ref.project}/${ref.name}`,
    backupDir: `${BACKUPS_DIR}/${ref.project}/${ref.name}`,
    lockDir: `${LOCKS_DIR}/${DEFAULT_ORGANIZATION}/${ref.project}/${ref.name}`,
    journalDir: `${JOURNAL_DIR}/${ref.project}/${ref.name}`,
    indexKey: indexKeyOf(ref.project),
  };
}

/** `.pulumi/cairn-index/<project>.json`. */
export function indexKeyOf(project: string): string {
  return `${INDEX_DIR}/${project}.json`;
}

/**
 * The stack a key under `.pulumi/stacks/` names, or `undefined` for anything else (`.bak` copies,
 * retained `<file>.<nanos>` copies, stray files, keys at the wrong depth).
 */
export function stackRefFromKey(mode: LayoutMode, key: string): StackRef | undefined {
  if (!key.startsWith(`${STACKS_DIR}/`)) return undefined;
  const parts = key.slice(STACKS_DIR.length + 1).split("/");
  const fileName = parts.at(-1) ?? "";
  const suffix = STACK_FILE_SUFFIXES.find((candidate) => fileName.endsWith(candidate));
  if (suffix === undefined) return undefined;
  const name = fileName.slice(0, -suffix.length);
  if (mode === "legacy") {
    return parts.length === 1 && isValidName(name) ? { organization: DEFAULT_ORGANIZATION, name } : undefined;
  }
  const project = parts[0] ?? "";
  return parts.length === 2 && isValidName(project) && isValidName(name)
    ? { organization: DEFAULT_ORGANIZATION, project, name }
    : undefined;
}

function isValidName(name: string): boolean {
  try {
    validateName("stack", name);
    return true;
  } catch {
    return false;
  }
}
