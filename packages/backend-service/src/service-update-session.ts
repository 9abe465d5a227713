import {
  JournaledDeployment,
  validateDeployment,
  type JournalEntry,
  type UntypedDeployment,
  type UpdateResult,
  type UpdateSession as EngineUpdateSession,
} from "@cairn/core";
import { serialQueue, type LockInfo } from "@cairn/core/driver";
import type { UpdateSession } from "./update-session.js";

/**
 * `StateBackend.beginUpdate` on the service: the service's own update (created, started with a
 * lease, completed) carries it. The service takes whole checkpoints, so each journal step is
 * applied to the deployment here (core's `JournaledDeployment`, the same rules a store replays
 * with) and the result sent as the update's checkpoint; the service keeps history and the lease.
 */
export class ServiceUpdateSession implements EngineUpdateSession {
  private state: JournaledDeployment;
  private seq = 0;
  /** Steps reach the service one at a time, in call order. */
  private readonly serialize = serialQueue();

  constructor(
    private readonly update: UpdateSession,
    start: UntypedDeployment,
  ) {
    this.state = new JournaledDeployment(start);
  }

  get id(): string {
    return this.update.info.key ?? "";
  }

  get info(): LockInfo {
    return this.update.info;
  }

  save(deployment: UntypedDeployment): Promise<void> {
    const validated = validateDeployment(deployment);
    return this.serialize(async () => {
      await this.update.saveCheckpoint(validated);
      this.state = new JournaledDeployment(validated);
    });
  }

  journal(entry: JournalEntry): Promise<number> {
    return this.serialize(async () => {
      this.state.apply(entry);
      await this.update.saveCheckpoint(this.state.current());
      return ++this.seq;
    });
  }

  complete(result: UpdateResult): Promise<void> {
    return this.serialize(() => this.update.release(result));
  }

  cancel(): Promise<void> {
    return this.serialize(() => this.update.release("cancelled"));
  }
}
