import { CairnError, isCairnError } from "@cairn/core";
import type { StateStore } from "@cairn/core/driver";
import type { AuditEvent, AuditRecordInput, AuditScope } from "./event.js";
import { afterTimeMarker, idOfKey, isEventId, keysAfter, newEventId, scopePrefix } from "./event-keys.js";
import { UpdateCallCounts } from "./update-call-counts.js";

export interface AuditPageOptions {
  /** Events per page (1–500, default 50). */
  limit?: number;
  /** An event id (a previous page's `next`): the page starts with the event just older than it. */
  before?: string;
}

export interface AuditPage {
  /** Newest first. */
  events: AuditEvent[];
  /** Present when older events remain: pass it as `before` for the next page. */
  next?: string;
}

export interface AuditStreamOptions {
  /** Only events at or after this time. */
  since?: Date;
  /** Only events at or before this time. */
  until?: Date;
  /** Default "newest" (streams from the first key); "oldest" lists the range's keys first, then reads them. */
  order?: "newest" | "oldest";
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;
/** Event objects read at once while streaming (order is kept). */
const READ_AHEAD = 8;

/**
 * The audit log: one create-only object per event (`server/audit/<scope>/<inverted time>-<random>.json`),
 * so any number of server instances over one store write without ever contending for a key, and
 * an ascending listing (what every store gives) is newest first: the first page is one list call
 * and `limit` reads, wherever the log's end is.
 */
export class AuditLog {
  /** Intra-update calls this instance served, summarised on the update's `complete`/`cancel` event. */
  readonly updateCalls = new UpdateCallCounts();

  constructor(
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores one event and returns it. Rejects when it could not be stored (the caller decides how loud). */
  async record(input: AuditRecordInput): Promise<AuditEvent> {
    const ms = this.now();
    const event: AuditEvent = {
      id: newEventId(ms),
      time: new Date(ms).toISOString(),
      ...(input.scope === "site" ? {} : { org: input.scope.org }),
      actor: input.actor,
      ...(input.credential === undefined ? {} : { credential: input.credential }),
      action: input.action,
      target: input.target ?? {},
      ...(input.details === undefined || Object.keys(input.details).length === 0 ? {} : { details: input.details }),
      method: input.method,
      path: input.path,
      status: input.status,
      outcome: input.status < 400 ? "success" : "failure",
      address: input.address,
      ...(input.proxy === undefined ? {} : { proxy: input.proxy }),
    };
    for (let attempt = 1; ; attempt++) {
      const key = `${scopePrefix(input.scope)}${event.id}.json`;
      try {
        // The bytes carry the random id: after an ambiguous failure, finding them stored is this write.
        await this.store.put(key, new TextEncoder().encode(JSON.stringify(event)), { ifNoneMatch: "*", bytesIdentifyWrite: true });
        return event;
      } catch (error) {
        // Another event of the same millisecond drew the same random digits (1 in 4 billion): new ones.
        if (!isCairnError(error, "Conflict") || attempt >= 3) throw error;
        event.id = newEventId(ms);
      }
    }
  }

  /** One page of the scope's events, newest first (the console's view). */
  async list(scope: AuditScope, options: AuditPageOptions = {}): Promise<AuditPage> {
    const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(options.limit ?? DEFAULT_PAGE)));
    if (options.before !== undefined && !isEventId(options.before)) {
      throw new CairnError("InvalidArgument", `before=${JSON.stringify(options.before.slice(0, 40))} is not an audit event id`, { hint: "pass the `next` of the previous page" });
    }
    const keys: string[] = [];
    for await (const key of keysAfter(this.store, scopePrefix(scope), options.before, limit + 1)) {
      keys.push(key);
      if (keys.length > limit) break;
    }
    const more = keys.length > limit;
    const events: AuditEvent[] = [];
    for await (const event of this.read(keys.slice(0, limit))) events.push(event);
    return more && events.length > 0 ? { events, next: (events.at(-1) as AuditEvent).id } : { events };
  }

  /** Every event of the scope in the time range, in `order`, read as the caller consumes them (the export). */
  async *stream(scope: AuditScope, options: AuditStreamOptions = {}): AsyncGenerator<AuditEvent> {
    const sinceMs = options.since?.getTime();
    const start = options.until === undefined ? undefined : afterTimeMarker(options.until.getTime() + 1);
    const inRange = async function* (store: StateStore): AsyncGenerator<string> {
      const prefix = scopePrefix(scope);
      // Newest first: the keys of the whole range are a prefix of this listing from `until` on.
      for await (const key of keysAfter(store, prefix, start)) {
        if (sinceMs !== undefined && idOfKey(key) > afterTimeMarker(sinceMs)) return;
        yield key;
      }
    };
    if (options.order === "oldest") {
      const keys: string[] = [];
      for await (const key of inRange(this.store)) keys.push(key);
      yield* this.read(keys.reverse());
      return;
    }
    yield* this.read(inRange(this.store));
  }

  /** The events under `keys`, in that order, a few reads ahead; a key removed meanwhile is skipped. */
  private async *read(keys: Iterable<string> | AsyncIterable<string>): AsyncGenerator<AuditEvent> {
    const pending: Array<Promise<AuditEvent | undefined>> = [];
    const get = async (key: string): Promise<AuditEvent | undefined> => {
      const found = await this.store.get(key);
      return found === undefined ? undefined : (JSON.parse(new TextDecoder().decode(found.bytes)) as AuditEvent);
    };
    for await (const key of keys) {
      const reading = get(key);
      reading.catch(() => {}); // awaited below, in order; this only stops an early failure counting as unhandled
      pending.push(reading);
      if (pending.length >= READ_AHEAD) {
        const event = await (pending.shift() as Promise<AuditEvent | undefined>);
        if (event !== undefined) yield event;
      }
    }
    for (const next of pending) {
      const event = await next;
      if (event !== undefined) yield event;
    }
  }
}
