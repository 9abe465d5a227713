import { CairnError, validateStackTags } from "@cairn/core";

// Fields of request bodies and headers that several routes read the same way.

/** The client's host and pid, as it reports them (`X-Cairn-Client: host=…; pid=…`), for lock messages. */
export function clientOf(headers: Record<string, string | string[] | undefined>, user: string): { user: string; hostname: string; pid: number } {
  const header = String(headers["x-cairn-client"] ?? "");
  const host = /host=([A-Za-z0-9_.-]{1,100})/.exec(header)?.[1] ?? "unknown";
  const pid = Number.parseInt(/pid=(\d{1,10})/.exec(header)?.[1] ?? "0", 10);
  return { user, hostname: host, pid };
}

/** Stack tags as Pulumi sends them: names to string values. */
export function checkTags(value: unknown): Record<string, string> {
  const tags = stringMap(value);
  if (tags === undefined) throw new CairnError("InvalidArgument", "tags must be an object of string values");
  validateStackTags(tags); // before anything is created (a stack created with bad tags)
  return tags;
}

export function stringMap(value: unknown): Record<string, string> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.every(([, item]) => typeof item === "string")) return undefined;
  return Object.fromEntries(entries) as Record<string, string>;
}
