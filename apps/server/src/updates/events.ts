import { CairnError } from "@cairn/core";
import type { StackSealedRecords } from "../records/stack-sealed-records.js";
import { RECORD_KEYS } from "../records/keys.js";
import type { StackId } from "../state/org-state.js";

/** One engine event as the CLI sends it (`apitype.EngineEvent`): kept as sent, ordered by `sequence`. */
export interface EngineEvent {
  sequence: number;
  timestamp: number;
  [field: string]: unknown;
}

const MAX_EVENTS_PER_BATCH = 10_000;

/**
 * The engine events of each update, stored as the CLI sent them: one sealed object per batch,
 * named by its first sequence number. The CLI retries a batch whose response it lost; the retry
 * finds its object already written and is acknowledged without a duplicate.
 */
export class UpdateEvents {
  constructor(private readonly sealed: StackSealedRecords) {}

  async record(id: StackId, updateId: string, events: unknown): Promise<void> {
    const batch = checkEvents(events);
    if (batch.length === 0) return;
    const first = Math.min(...batch.map((event) => event.sequence));
    await this.sealed.create(id, `${RECORD_KEYS.updateEvents(id.org, id.project, id.stack, updateId)}${String(first).padStart(12, "0")}.json`, batch);
  }

  /** Every event of the update in sequence order. */
  async list(id: StackId, updateId: string): Promise<EngineEvent[]> {
    const batches = await this.sealed.list<EngineEvent[]>(id, RECORD_KEYS.updateEvents(id.org, id.project, id.stack, updateId));
    return batches.flatMap((batch) => batch.value).sort((a, b) => a.sequence - b.sequence);
  }

  /** The operation counts the engine reported in its summary event, if the update sent one. */
  async resourceChanges(id: StackId, updateId: string): Promise<Record<string, number> | undefined> {
    const events = await this.list(id, updateId);
    for (let i = events.length - 1; i >= 0; i--) {
      const changes = (events[i]?.summaryEvent as { resourceChanges?: unknown } | undefined)?.resourceChanges;
      if (typeof changes === "object" && changes !== null && Object.values(changes).every((count) => Number.isInteger(count))) return changes as Record<string, number>;
    }
    return undefined;
  }

  async forgetStack(id: StackId): Promise<void> {
    await this.sealed.deleteAll(RECORD_KEYS.stackEvents(id.org, id.project, id.stack));
  }
}

function checkEvents(events: unknown): EngineEvent[] {
  if (events === undefined || events === null) return [];
  if (!Array.isArray(events)) throw new CairnError("InvalidArgument", "events must be a list of engine events");
  if (events.length > MAX_EVENTS_PER_BATCH) throw new CairnError("InvalidArgument", `a batch may hold at most ${MAX_EVENTS_PER_BATCH} events`);
  events.forEach((event: unknown, index) => {
    const candidate = event as Partial<EngineEvent> | null;
    if (typeof candidate !== "object" || candidate === null || !Number.isInteger(candidate.sequence) || typeof candidate.timestamp !== "number") {
      throw new CairnError("InvalidArgument", `events[${index}] must be an engine event with an integer sequence and a timestamp`);
    }
  });
  return events as EngineEvent[];
}
