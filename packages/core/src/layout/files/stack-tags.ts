import { formatJsonBytes, PULUMI_STATE_FORMAT } from "../../checkpoint/json-format.js";
import { CairnError, isCairnError } from "../../errors.js";
import type { PutOptions, StateStore } from "../../store.js";
import { deleteIfPresent } from "./objects.js";
import type { StackPaths } from "./paths.js";

/**
 * A stack's tags as Pulumi's DIY backend keeps them (`pkg/backend/diy/stack_tags.go`): beside the
 * stack file, `<stack base>.pulumi-tags`, holding `{"version":1,"tags":{…}}` (compact, no HTML
 * escaping, names in byte order). No file means no tags; removing the last tag removes the file.
 */
export const STACK_TAGS_SUFFIX = ".pulumi-tags";
const STACK_TAGS_VERSION = 1;
/** Concurrent tag writers retry their read-modify-write this often before giving up. */
const MAX_ATTEMPTS = 5;

export type StackTags = Record<string, string>;

/** Pulumi's stack tag rules (`ValidateStackTags`): names of 1–40 of `A-Za-z0-9-_.:`, values up to 256. */
const TAG_NAME = /^[A-Za-z0-9_.:-]{1,40}$/;
const MAX_TAG_VALUE = 256;

/**
 * Refuses tags Pulumi's service client refuses, naming the first offender. Only the service path
 * applies it (Pulumi's DIY backend keeps any tag, so the store backends do too).
 */
export function validateStackTags(tags: StackTags): void {
  for (const [name, value] of Object.entries(tags)) {
    if (!TAG_NAME.test(name)) {
      throw new CairnError("InvalidArgument", `the stack tag name ${JSON.stringify(name)} is not valid: 1 to 40 letters, digits, hyphens, underscores, periods or colons`);
    }
    if (value.length > MAX_TAG_VALUE) throw new CairnError("InvalidArgument", `the value of stack tag ${name} is longer than ${MAX_TAG_VALUE} characters`);
  }
}

export function stackTagsKey(paths: StackPaths): string {
  return `${paths.stackBase}${STACK_TAGS_SUFFIX}`;
}

interface StoredTags {
  tags: StackTags;
  version: string | undefined;
}

async function readTagsFile(store: StateStore, paths: StackPaths): Promise<StoredTags> {
  const key = stackTagsKey(paths);
  const found = await store.get(key);
  if (found === undefined) return { tags: {}, version: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(found.bytes));
  } catch (error) {
    throw new CairnError("InvalidArgument", `the stack tags file ${key} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
      hint: `fix or delete ${key} (it holds only the stack's tags)`,
    });
  }
  const file = parsed as { version?: unknown; tags?: unknown };
  if (typeof parsed !== "object" || parsed === null || file.version !== STACK_TAGS_VERSION) {
    throw new CairnError("InvalidArgument", `unsupported stack tags version: ${JSON.stringify(file?.version)} (expected ${STACK_TAGS_VERSION}) in ${key}`, {
      hint: "a newer Pulumi or cairn wrote this file; upgrade to read it",
    });
  }
  const tags: StackTags = {};
  if (file.tags !== undefined && file.tags !== null) {
    if (typeof file.tags !== "object" || Array.isArray(file.tags)) {
      throw new CairnError("InvalidArgument", `the stack tags file ${key} is malformed: \`tags\` is not an object`, { hint: `fix or delete ${key}` });
    }
    for (const [name, value] of Object.entries(file.tags as Record<string, unknown>)) {
      if (typeof value !== "string") throw new CairnError("InvalidArgument", `the stack tags file ${key} is malformed: tag ${JSON.stringify(name)} is not a string`, { hint: `fix or delete ${key}` });
      tags[name] = value;
    }
  }
  return { tags, version: found.version };
}

export async function readStackTags(store: StateStore, paths: StackPaths): Promise<StackTags> {
  return (await readTagsFile(store, paths)).tags;
}

/** The bytes Pulumi writes for `tags` (Go sorts map keys by their UTF-8 bytes). */
export function formatStackTags(tags: StackTags): Uint8Array {
  const names = Object.keys(tags).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const sorted = new Map(names.map((name) => [name, tags[name]]));
  return formatJsonBytes({ version: STACK_TAGS_VERSION, tags: Object.fromEntries(sorted) }, PULUMI_STATE_FORMAT);
}

/**
 * Applies `change` to the stack's tags and stores the result: a conditional write on stores that
 * honour preconditions, retried when another writer got in between, so concurrent `tag set`s do
 * not lose each other's tags.
 */
export async function updateStackTags(store: StateStore, paths: StackPaths, change: (tags: StackTags) => StackTags): Promise<StackTags> {
  const key = stackTagsKey(paths);
  for (let attempt = 1; ; attempt++) {
    const current = await readTagsFile(store, paths);
    const next = change({ ...current.tags });
    try {
      if (Object.keys(next).length === 0) {
        if (current.version === undefined) return next;
        if (store.capabilities.conditionalWrite) await store.delete(key, { ifMatch: current.version });
        else await deleteIfPresent(store, key);
      } else {
        const options: PutOptions = !store.capabilities.conditionalWrite ? {} : current.version === undefined ? { ifNoneMatch: "*" } : { ifMatch: current.version };
        await store.put(key, formatStackTags(next), options);
      }
      return next;
    } catch (error) {
      if ((isCairnError(error, "Conflict") || isCairnError(error, "NotFound")) && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
  }
}

export async function deleteStackTags(store: StateStore, paths: StackPaths): Promise<void> {
  await deleteIfPresent(store, stackTagsKey(paths));
}
