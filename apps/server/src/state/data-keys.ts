import { randomBytes } from "node:crypto";
import { CairnError, isCairnError } from "@cairn/core";
import type { JsonRecords } from "../records/json-records.js";
import { RECORD_KEYS } from "../records/keys.js";
import { open, seal } from "./aes-gcm.js";
import type { MasterKey, MasterKeyRing } from "./master-key.js";

interface WrappedDataKey {
  masterKeyId: string;
  /** base64 of the data key sealed with the master key. */
  wrapped: string;
}

/**
 * One AES-256 data key per stack, stored wrapped by the master key beside the server's records.
 * A key wrapped by a previous master key is re-wrapped with the current one when first used
 * (compare-and-swap), so a rotation completes as stacks are touched. Unwrapped keys are cached:
 * a data key never changes once created.
 */
export class DataKeys {
  private readonly cache = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly records: JsonRecords,
    private readonly masterKeys: MasterKeyRing,
  ) {}

  keyFor(org: string, project: string, stack: string): Promise<Buffer> {
    const recordKey = RECORD_KEYS.dataKey(org, project, stack);
    let key = this.cache.get(recordKey);
    if (key === undefined) {
      key = this.load(recordKey).catch((error: unknown) => {
        this.cache.delete(recordKey);
        throw error;
      });
      this.cache.set(recordKey, key);
    }
    return key;
  }

  private async load(recordKey: string): Promise<Buffer> {
    for (;;) {
      const found = await this.records.get<WrappedDataKey>(recordKey);
      if (found !== undefined) {
        const dataKey = this.unwrap(found.value, recordKey);
        if (found.value.masterKeyId !== this.masterKeys.current.id) {
          await this.records.replace(recordKey, this.wrap(dataKey, recordKey), found.version).catch(() => {});
        }
        return dataKey;
      }
      const dataKey = randomBytes(32);
      try {
        await this.records.create(recordKey, this.wrap(dataKey, recordKey), recordKey);
        return dataKey;
      } catch (error) {
        if (!isCairnError(error, "AlreadyExists")) throw error; // another instance created it: read theirs
      }
    }
  }

  private wrap(dataKey: Buffer, recordKey: string): WrappedDataKey {
    const master = this.masterKeys.current;
    return { masterKeyId: master.id, wrapped: seal(master.key, dataKey, recordKey).toString("base64") };
  }

  private unwrap(record: WrappedDataKey, recordKey: string): Buffer {
    const master: MasterKey | undefined = [this.masterKeys.current, ...this.masterKeys.previous].find((key) => key.id === record.masterKeyId);
    if (master === undefined) {
      throw new CairnError("Internal", `data key ${recordKey} is wrapped by master key ${record.masterKeyId}, which this server was not given`, {
        hint: "start the server with that key as --previous-master-key-file during a rotation",
      });
    }
    return open(master.key, Buffer.from(record.wrapped, "base64"), recordKey);
  }
}
