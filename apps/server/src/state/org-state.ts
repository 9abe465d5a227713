import { hostname } from "node:os";
import { createStoreBackend, DEFAULT_ORGANIZATION, type StackRef, type StateBackend } from "@cairn/core";
import { type StateStore } from "@cairn/core/driver";
import { RECORD_KEYS } from "../records/keys.js";
import type { DataKeys } from "./data-keys.js";
import { encryptedStore, stackOfLayoutKey } from "./encrypted-store.js";
import { prefixedStore } from "./prefixed-store.js";

/** A stack as the service names it: the organization is real here, not the self-managed placeholder. */
export interface StackId {
  org: string;
  project: string;
  stack: string;
}

/**
 * Each organization's stacks are a self-managed layout (core's `createStoreBackend`) under
 * `state/<org>/` in the shared store, encrypted per stack. The layout provides validation, stack
 * files, rename, removal and the per-write history the service's versions point into.
 */
export class OrgState {
  private readonly backends = new Map<string, StateBackend>();

  constructor(
    private readonly store: StateStore,
    private readonly dataKeys: DataKeys,
  ) {}

  backendFor(org: string): StateBackend {
    let backend = this.backends.get(org);
    if (backend === undefined) {
      const scoped = prefixedStore(this.store, RECORD_KEYS.stateRoot(org));
      const encrypted = encryptedStore(scoped, async (key) => {
        const owner = stackOfLayoutKey(key);
        return owner === undefined ? undefined : this.dataKeys.keyFor(org, owner.project, owner.stack);
      });
      backend = createStoreBackend(encrypted, {
        username: "cairn-server",
        hostname: hostname(),
        // History keeps every version; backups would be a third copy of each write.
        env: { PULUMI_DIY_BACKEND_DISABLE_CHECKPOINT_BACKUPS: "true" },
      });
      this.backends.set(org, backend);
    }
    return backend;
  }
}

/** The reference the organization's layout uses for a stack (its only organization is the placeholder). */
export function layoutRef(id: StackId): StackRef {
  return { organization: DEFAULT_ORGANIZATION, project: id.project, name: id.stack };
}
