import { hostname, userInfo } from "node:os";
import { validateDeployment, type StackLock, type UntypedDeployment } from "@cairn/core";
import { CairnError, isAmbiguous, type LockInfo } from "@cairn/core/driver";
import type { ServiceClient } from "./service-client.js";

interface StartUpdateResponse {
  version: number;
  token: string;
  tokenExpiration: number;
}

/** Update kinds the service creates; any other operation (a cairn lock for `import`, `race`…) runs as an `update`. */
const SERVICE_KINDS = new Set(["update", "preview", "destroy", "refresh"]);

/**
 * A running update on the service: it holds the stack's lease (the service's lock), writes
 * checkpoints with its update token, and renews the lease in the background at a third of its
 * lifetime — so a long save or a slow deployment never loses the lock — until it completes.
 */
export class UpdateSession implements StackLock {
  readonly info: LockInfo;
  private renewal: NodeJS.Timeout | undefined;
  private done: Promise<void> | undefined;

  private constructor(
    private readonly client: ServiceClient,
    private readonly path: string,
    private readonly stackLabel: string,
    private token: string,
    info: LockInfo,
    expiration: number,
    private readonly onEnd: () => void,
  ) {
    this.info = info;
    this.scheduleRenewal(expiration);
  }

  /** Creates and starts an update on the stack at `stackPath` (`/api/stacks/o/p/s`). */
  static async begin(client: ServiceClient, stackPath: string, stackLabel: string, operation: string, username: string, onEnd: () => void): Promise<UpdateSession> {
    const kind = SERVICE_KINDS.has(operation) ? operation : "update";
    // Not idempotent: each call creates an update. After a lost answer it is not sent again (that
    // would leave two); the one the service may have created was never started, so it holds no
    // lease and changes nothing.
    const created = await client.request<{ updateID: string }>("POST", `${stackPath}/${kind}`, {
      body: { metadata: { message: operation, environment: {} } },
      stackLabel,
      unknownOutcomeHint: "the service may have created an update that was never started; such an update holds no lock and changes nothing, so run the command again",
    });
    // Created under its kind's segment, the update is then addressed under `update/` whatever its
    // kind, as the Pulumi CLI does (`getUpdatePath` in its client.go): start, checkpoint,
    // renew_lease, events, complete all go to `…/{stack}/update/{updateID}[/…]`.
    const path = `${stackPath}/update/${created.updateID}`;
    const started = await UpdateSession.start(client, path, stackLabel);
    const info: LockInfo = { pid: process.pid, username, hostname: hostname(), timestamp: new Date().toISOString(), operation: kind, key: created.updateID };
    return new UpdateSession(client, path, stackLabel, started.token, info, started.tokenExpiration, onEnd);
  }

  /**
   * Starts the created update. Safe to retry: the service starts an update once and answers any
   * later start with Conflict. But the update token exists only in the answer, so a start whose
   * answer was lost leaves a running update nobody can use: it is cancelled (with the user's
   * token; the service cancels only if this update is the one holding the stack) and the call
   * fails, saying so.
   */
  private static async start(client: ServiceClient, path: string, stackLabel: string): Promise<StartUpdateResponse> {
    try {
      return await client.request<StartUpdateResponse>("POST", path, { body: {}, stackLabel, idempotent: true });
    } catch (error) {
      if (!isAmbiguous(error)) throw error;
      const status = await client.request<{ status: string }>("GET", path).then((answer) => answer.status, () => undefined);
      // Not started: our start never landed, and the error (say, Locked by someone else) is the outcome.
      if (status !== undefined && status !== "running") throw error;
      if (status === "running") await client.request("POST", `${path}/cancel`, { body: {}, idempotent: true }).catch(() => undefined);
      throw new CairnError("Unavailable", `starting an update of ${stackLabel}: ${(error as Error).message}`, {
        cause: error,
        ambiguous: true,
        hint:
          status === "running"
            ? "the service started the update but its answer (the update's token) was lost; cairn cancelled that update so the stack is not left locked — run the command again"
            : "whether the update started could not be checked; run the command again, and if the stack is reported locked by this update, run `cairn cancel`",
      });
    }
  }

  /**
   * `StackLock.save`: a checkpoint of this update, with its token (the service records the update
   * once, under the kind it was created with, so `SaveOptions` change nothing here). `InvalidArgument`
   * without a request once released; the service answers `Conflict` once the lease is lost.
   */
  async save(deployment: UntypedDeployment): Promise<void> {
    const validated = validateDeployment(deployment);
    if (this.done !== undefined) throw new CairnError("InvalidArgument", `the lock on stack ${this.stackLabel} was already released`, { hint: "save under a lock that is still held" });
    await this.saveCheckpoint(validated);
  }

  async saveCheckpoint(deployment: UntypedDeployment): Promise<void> {
    await this.client.request("PATCH", `${this.path}/checkpoint`, { body: { version: deployment.version, deployment: deployment.deployment }, updateToken: this.token, gzip: true });
  }

  /** Completes the update as succeeded (or with `status`); once. */
  release(status: "succeeded" | "failed" | "cancelled" = "succeeded"): Promise<void> {
    this.done ??= (async () => {
      clearTimeout(this.renewal);
      this.onEnd();
      try {
        // Retried after a lost answer, a completion finds the update already ended (its token no
        // longer holds the lease); the update's own status then says whether it was ours.
        await this.client.request("POST", `${this.path}/complete`, { body: { status }, updateToken: this.token, idempotent: true });
      } catch (error) {
        if (!isAmbiguous(error)) throw error;
        const ended = await this.client.request<{ status: string }>("GET", this.path).then((answer) => answer.status, () => undefined);
        // The service reports a cancelled update as failed; `succeeded` only ever comes from our own completion.
        if (ended === (status === "succeeded" ? "succeeded" : "failed")) return;
        throw error;
      }
    })();
    return this.done;
  }

  private scheduleRenewal(expiration: number): void {
    const lifetimeMs = Math.max(1_000, expiration * 1000 - Date.now());
    this.renewal = setTimeout(() => void this.renew(lifetimeMs), Math.max(500, lifetimeMs / 3));
    this.renewal.unref(); // a held lease must not keep a finished process alive
  }

  private async renew(lifetimeMs: number): Promise<void> {
    if (this.done !== undefined) return;
    try {
      // Idempotent: it extends the same lease under the same token.
      const renewed = await this.client.request<{ token?: string; tokenExpiration: number }>("POST", `${this.path}/renew_lease`, {
        idempotent: true,
        // API version 5 on: the update token authorizes the renewal (header), the body holds only the duration.
        body: { duration: Math.ceil(lifetimeMs / 1000) },
        updateToken: this.token,
      });
      // The renewed lease's token replaces the old one, as the Pulumi CLI takes it (a server may rotate it).
      if (renewed.token) this.token = renewed.token;
      if (this.done === undefined) this.scheduleRenewal(renewed.tokenExpiration);
    } catch {
      // Lost (cancelled or taken over): the next checkpoint reports it; stop renewing.
    }
  }
}

export function localUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}
