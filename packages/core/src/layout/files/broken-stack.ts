import { CairnError, isCairnError } from "../../errors.js";
import type { StateStore } from "../../store.js";
import type { StackFileVersion } from "../locks/held-lock.js";
import type { BrokenStack } from "../../backend-reports.js";


/**
 * Thrown when a stack file does not parse. `stored` is the file as found, so a command that may
 * act on a broken stack (`rm --force`, `import --force`, `restore --from-backup`) can fence its
 * write on exactly that version.
 */
export class BrokenStackError extends CairnError {
  readonly broken: BrokenStack;
  readonly stored: StackFileVersion & { bytes: Uint8Array };

  constructor(stack: string, broken: BrokenStack, stored: StackFileVersion & { bytes: Uint8Array }, cause?: unknown) {
    super("Internal", `stack ${stack} is broken: ${broken.reason}`, { hint: broken.hint, cause });
    this.name = "BrokenStackError";
    this.broken = broken;
    this.stored = stored;
  }
}

export function isBrokenStackError(error: unknown): error is BrokenStackError {
  return isCairnError(error) && (error as Partial<BrokenStackError>).broken !== undefined && (error as Partial<BrokenStackError>).stored !== undefined;
}

/** The command line that names a stack in hints (qualified, so it works from any directory). */
function stackFlag(stack: string): string {
  return `--stack ${stack}`;
}

/** The next steps for a broken stack, naming the exact commands. */
export function brokenStackHint(stack: string, backup: string | undefined): string {
  const steps: string[] = [];
  if (backup !== undefined) steps.push(`restore the state before the last write from ${backup} with \`cairn stack restore --from-backup ${stackFlag(stack)}\``);
  steps.push(`replace it with an export you trust: \`cairn stack import --force ${stackFlag(stack)} --file <export.json>\``);
  steps.push(`or remove it: \`cairn stack rm --force ${stackFlag(stack)}\``);
  return steps.join("; ");
}

/**
 * The error for a stack file that failed to parse with `error`. Looks at `<file>.bak` (one read,
 * on this failure path only) so the hint can offer to restore it when it is readable.
 */
export async function brokenStackError(
  store: StateStore,
  stack: string,
  found: StackFileVersion & { bytes: Uint8Array },
  error: unknown,
  parse: (key: string, found: { bytes: Uint8Array; version: string }) => Promise<unknown>,
): Promise<BrokenStackError> {
  const backupKey = `${found.key}.bak`;
  const backup = await store.get(backupKey);
  let readable = false;
  if (backup !== undefined) {
    try {
      await parse(backupKey.slice(0, -".bak".length), backup);
      readable = true;
    } catch {
      readable = false;
    }
  }
  const reason = reasonOf(error, found.key);
  const broken: BrokenStack = {
    file: found.key,
    reason,
    ...(readable ? { backup: backupKey } : {}),
    hint: brokenStackHint(stack, readable ? backupKey : undefined),
  };
  return new BrokenStackError(stack, broken, found, error);
}

/** The parse error's message, which already names the file (and never quotes its bytes). */
function reasonOf(error: unknown, key: string): string {
  const message = isCairnError(error) ? error.message : error instanceof Error ? `${key}: ${error.message}` : `${key} cannot be read`;
  return message.startsWith(key) ? `its file ${message}` : `its file ${key}: ${message}`;
}
