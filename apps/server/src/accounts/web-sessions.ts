import { randomBytes } from "node:crypto";
import type { JsonRecords } from "../records/json-records.js";
import { RECORD_KEYS } from "../records/keys.js";
import { hashToken } from "./token-hash.js";

/** A browser's signed-in session, as stored: the secret itself never is, only its digest names the record. */
export interface WebSessionRecord {
  user: string;
  createdAt: string;
  /** Absolute end: a session is not extended by use, so a stolen cookie dies on schedule. */
  expiresAt: string;
}

/** A live session as its user's sessions page lists it: `id` names it without revealing the secret. */
export interface WebSessionSummary extends WebSessionRecord {
  /** The first 16 hex digits of the secret's digest (as a token's public id). */
  id: string;
}

/** Session secrets are not access tokens (no `pul-` prefix): scanners and the API tell them apart. */
const SESSION_PREFIX = "cairn-web-";

/** How long a sign-in lasts (the cookie's Max-Age says the same, but only the server's word counts). */
export const WEB_SESSION_MS = 12 * 60 * 60 * 1000;

/**
 * Server-side web sessions. The cookie carries a random secret that only opens the web pages: it
 * is not an API token, so a leaked cookie cannot drive the API or the CLI, it expires on the
 * server's clock whatever the browser does with Max-Age, and signing out deletes it everywhere.
 */
export class WebSessions {
  constructor(
    private readonly records: JsonRecords,
    private readonly now: () => number = Date.now,
    private readonly lifetimeMs = WEB_SESSION_MS,
  ) {}

  /** A new session for `user`; the secret is in the result and nowhere else. */
  async start(user: string): Promise<{ secret: string; record: WebSessionRecord }> {
    const secret = `${SESSION_PREFIX}${randomBytes(32).toString("hex")}`;
    const now = this.now();
    const record: WebSessionRecord = { user, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + this.lifetimeMs).toISOString() };
    await this.records.create(RECORD_KEYS.webSession(hashToken(secret)), record, "web session");
    return { secret, record };
  }

  /** The live session `secret` opens, or undefined (unknown, signed out, expired — an expired one is removed). */
  async resolve(secret: string): Promise<WebSessionRecord | undefined> {
    if (!secret.startsWith(SESSION_PREFIX)) return undefined;
    const key = RECORD_KEYS.webSession(hashToken(secret));
    const found = await this.records.get<WebSessionRecord>(key);
    if (found === undefined) return undefined;
    if (!(Date.parse(found.value.expiresAt) > this.now())) {
      await this.records.delete(key, found.version).catch(() => {}); // best effort: it is refused either way
      return undefined;
    }
    return found.value;
  }

  /** Signs the session out; nothing to do when it is already gone. */
  async end(secret: string): Promise<void> {
    if (!secret.startsWith(SESSION_PREFIX)) return;
    await this.records.delete(RECORD_KEYS.webSession(hashToken(secret)));
  }

  /** The user's live sessions, newest first (expired ones are left out, and removed). */
  async listOf(user: string): Promise<WebSessionSummary[]> {
    const prefix = RECORD_KEYS.webSessions();
    const live: WebSessionSummary[] = [];
    for (const { key, value } of await this.records.list<WebSessionRecord>(prefix)) {
      if (value.user !== user) continue;
      if (!(Date.parse(value.expiresAt) > this.now())) {
        await this.records.delete(key).catch(() => {}); // best effort, as in resolve
        continue;
      }
      live.push({ ...value, id: key.slice(prefix.length, prefix.length + 16) });
    }
    return live.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Ends the user's sessions whose ids are in `ids` (others' sessions are never touched); how many ended. */
  async endById(user: string, ids: ReadonlySet<string>): Promise<number> {
    const prefix = RECORD_KEYS.webSessions();
    let ended = 0;
    for (const { key, value } of await this.records.list<WebSessionRecord>(prefix)) {
      if (value.user !== user || !ids.has(key.slice(prefix.length, prefix.length + 16))) continue;
      await this.records.delete(key);
      ended++;
    }
    return ended;
  }

  /** The public id of the session `secret` opens (to mark "this browser" in a list). */
  static idOf(secret: string): string {
    return hashToken(secret).slice(0, 16);
  }
}
