import { randomBytes } from "node:crypto";
import type { StateStore } from "@cairn/core/driver";
import type { AuditScope } from "./event.js";

/** Milliseconds are written as `INVERT - ms`, 13 digits, so ascending key order is newest first. */
const INVERT = 9_999_999_999_999;
const DIGITS = 13;
const ID = /^\d{13}-[0-9a-f]{8}$/;

/** `server/audit/orgs/<org>/…` or `server/audit/site/…` (an organization may be called anything, `site` too). */
export function scopePrefix(scope: AuditScope): string {
  return scope === "site" ? "server/audit/site/" : `server/audit/orgs/${scope.org}/`;
}

/** A new event id at `ms`: the inverted time, then random digits so two events of one millisecond never share a key. */
export function newEventId(ms: number): string {
  return `${invertedTime(ms)}-${randomBytes(4).toString("hex")}`;
}

export function isEventId(text: string): boolean {
  return ID.test(text);
}

/** The id part that sorts before every event at or before `ms`, after every later one. */
export function afterTimeMarker(ms: number): string {
  // `.` sorts after `-`, so every `<digits>-…` id of that millisecond is below the marker.
  return `${invertedTime(ms)}.`;
}

function invertedTime(ms: number): string {
  return String(INVERT - Math.max(0, Math.min(INVERT, Math.floor(ms)))).padStart(DIGITS, "0");
}

/**
 * The keys under `prefix` whose id is above `after`, in ascending (newest first) order, read page
 * by page as the caller consumes them. Stores list by prefix only (no "start after"), so the range
 * is the union of narrower prefixes: the ids sharing `after`'s 13 digits (filtered), then for each
 * digit position from the last to the first, the prefixes with a larger digit there. Each is one
 * list call; the deep ones are nearly always empty, so continuing a page costs a few small calls
 * (at most 1 + 13 × 9), not a listing of everything newer.
 */
export async function* keysAfter(store: StateStore, prefix: string, after: string | undefined, pageSize = 1000): AsyncGenerator<string> {
  if (after === undefined) {
    yield* listed(store, prefix, pageSize);
    return;
  }
  const digits = after.slice(0, DIGITS);
  for await (const key of listed(store, prefix + digits, pageSize)) if (idOfKey(key) > after) yield key;
  for (let position = DIGITS - 1; position >= 0; position--) {
    for (let digit = Number(digits[position]) + 1; digit <= 9; digit++) {
      yield* listed(store, `${prefix}${digits.slice(0, position)}${digit}`, pageSize);
    }
  }
}

async function* listed(store: StateStore, prefix: string, pageSize: number): AsyncGenerator<string> {
  let cursor: string | undefined;
  do {
    const page = await store.list(prefix, { limit: pageSize, ...(cursor === undefined ? {} : { cursor }) });
    for (const object of page.objects) if (object.key.endsWith(".json")) yield object.key;
    cursor = page.cursor;
  } while (cursor !== undefined);
}

/** The id of the event stored under `key`. */
export function idOfKey(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1, -".json".length);
}
