import { createHash } from "node:crypto";
import { CairnError } from "@cairn/core";
import { applyTextEdits } from "./text-edits.js";

/** What a delta is applied to: the bytes of the update's last checkpoint as the client sent them. */
interface DeltaBase {
  sequenceNumber: number;
  raw: Buffer;
}

/**
 * Delta checkpoints (`delta-checkpoint-uploads-v2`): the CLI sends a whole checkpoint first, then
 * text edits against the previous one with the hash of the result. The bases live in this
 * instance's memory only, one per running update: a delta that reaches an instance without the
 * base (another instance took the previous call, or this one restarted) is refused with a
 * Conflict, and the CLI falls back to sending the whole checkpoint — so correctness never
 * depends on which instance answers.
 */
export class DeltaBases {
  private readonly bases = new Map<string, DeltaBase>();

  /** A whole checkpoint (`checkpointverbatim`) becomes the base for the next delta. */
  remember(updateId: string, sequenceNumber: number, raw: Buffer): void {
    this.bases.set(updateId, { sequenceNumber, raw: Buffer.from(raw) });
  }

  /**
   * The checkpoint bytes a delta yields, checked against its hash; undefined when this exact
   * delta was already applied (a retry whose response was lost), so the caller writes nothing.
   */
  apply(updateId: string, sequenceNumber: number, checkpointHash: string, edits: unknown): Buffer | undefined {
    const base = this.bases.get(updateId);
    if (base?.sequenceNumber === sequenceNumber && sha256(base.raw) === checkpointHash) return undefined;
    if (base === undefined || base.sequenceNumber !== sequenceNumber - 1) {
      throw new CairnError("Conflict", `this server has no checkpoint ${sequenceNumber - 1} of update ${updateId} to apply a delta to`, {
        hint: "the client sends the whole checkpoint instead",
      });
    }
    const result = applyTextEdits(base.raw, edits);
    if (sha256(result) !== checkpointHash) throw new CairnError("Conflict", "the delta checkpoint does not produce the checkpoint its hash names");
    this.bases.set(updateId, { sequenceNumber, raw: result });
    return result;
  }

  forget(updateId: string): void {
    this.bases.delete(updateId);
  }
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}
