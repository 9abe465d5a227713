import { hostname, userInfo } from "node:os";
import { runGit } from "./git-cli.js";

/**
 * Every cairn commit ends with this trailer naming the path it wrote. A rewrite of identical
 * bytes changes no tree, so the trailer is how a version check (and `history`) sees that write.
 */
export const KEY_TRAILER = "Cairn-Key";

const STACK_FILE = /^\.pulumi\/stacks\/(?:(.+)\/)?([^/]+?)\.json(?:\.gz|\.zst)?$/;
const LOCK_FILE = /^\.pulumi\/locks\/(.+)\/[^/]+\.json$/;

/** `cairn: update organization/proj/dev` for a stack file, `cairn: lock …` for a lock, else the key. */
export function commitMessage(action: "update" | "delete", key: string, path: string): string {
  return `${subject(action, key)}\n\n${KEY_TRAILER}: ${path}\n`;
}

function subject(action: "update" | "delete", key: string): string {
  const stack = STACK_FILE.exec(key);
  if (stack !== null) {
    const name = stack[1] === undefined ? stack[2]! : `organization/${stack[1]}/${stack[2]!}`;
    return `cairn: ${action === "update" ? "update" : "remove"} ${name}`;
  }
  const lock = LOCK_FILE.exec(key);
  if (lock !== null) return `cairn: ${action === "update" ? "lock" : "unlock"} ${lock[1]!}`;
  return `cairn: ${action} ${key}`;
}

/** Whether `message` carries our trailer for `path`. */
export function commitWrote(message: string, path: string): boolean {
  return message.split("\n").some((line) => line === `${KEY_TRAILER}: ${path}`);
}

/** The subject line, for history. */
export function commitSubject(message: string): string {
  return message.split("\n", 1)[0] ?? "";
}

export interface GitAuthor {
  name: string;
  email: string;
}

/**
 * The commit author: `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`, else git's own `user.name`/`user.email`
 * (global config), else the logged-in OS user at this host.
 */
export async function resolveAuthor(env: Readonly<Record<string, string | undefined>>): Promise<GitAuthor> {
  const configured = async (key: string) => (await runGit(["config", "--get", key]).catch(() => "")).trim();
  const osUser = safeUserName();
  const name = env.GIT_AUTHOR_NAME || (await configured("user.name")) || osUser;
  const email = env.GIT_AUTHOR_EMAIL || (await configured("user.email")) || `${osUser}@${hostname()}`;
  return { name, email };
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return "cairn";
  }
}
