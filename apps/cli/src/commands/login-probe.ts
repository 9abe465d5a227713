import { CairnError, setUnsafeStoreAllowed, type StateBackend } from "@cairn/core";
import type { CliContext } from "../context.js";

/** The flag that accepts a store which ignores preconditions; remembered per backend URL. */
export const ALLOW_UNSAFE_STORE_FLAG = "--allow-unsafe-store";

/**
 * `cairn login`'s precondition probe (core's `probeConditionalWrites`, through the backend). A
 * store that ignores create-only writes cannot lock atomically nor fence writes, so login refuses
 * it unless the user passes `--allow-unsafe-store`, which is remembered for this URL in
 * `$PULUMI_HOME/cairn/settings.json` and shown by `whoami -v`. A successful probe clears an
 * earlier opt-in (the store was fixed).
 */
export async function checkStorePreconditions(context: CliContext, url: string, backend: StateBackend, allowUnsafe: boolean): Promise<void> {
  const probe = await backend.probePreconditions?.();
  if (probe === undefined) return; // not a store (a service): it enforces its own locking
  if (probe.honoured) {
    if (!allowUnsafe) await setUnsafeStoreAllowed(context.home, url, false);
    return;
  }
  if (!allowUnsafe) {
    throw new CairnError("Unimplemented", `refusing to use ${url}: ${probe.reason ?? "the store does not honour preconditions"}`, {
      hint: `use a store (or gateway) that honours If-None-Match/If-Match; if only one writer will ever use this state, log in with ${ALLOW_UNSAFE_STORE_FLAG} to accept that locks do not exclude anyone`,
    });
  }
  await setUnsafeStoreAllowed(context.home, url, true);
  context.output.err(`warning: ${probe.reason ?? "the store does not honour preconditions"}; using it anyway (${ALLOW_UNSAFE_STORE_FLAG}): locks will not exclude concurrent writers`);
}
