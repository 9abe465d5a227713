import type { StateStore, StoreCapabilities } from "@cairn/core/driver";

/** A capability a check depends on; without it the check is registered as skipped, with the reason. */
export type RequiredCapability = keyof Pick<StoreCapabilities, "conditionalWrite">;

export interface StoreCheck {
  /** Also the test title. */
  title: string;
  requires?: RequiredCapability;
  run(store: StateStore): Promise<void>;
}

/** A unique key prefix per check run, so that checks sharing one store never see each other's keys. */
export function scratchPrefix(check: string): string {
  return `conformance/${check}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}/`;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
