/**
 * The child process of the paused-writer check: opens the store through the author's module,
 * reads the key (it must still be at the base version the parent gave), and on "put" makes its
 * conditional write. The parent SIGSTOPs it somewhere inside that write.
 */
import { pathToFileURL } from "node:url";
import { isAbsolute } from "node:path";
import type { StateStore } from "@cairn/core/driver";
import { valueFor, type ChildReport, type ChildStart } from "./paused-writer-protocol.js";

const send = (report: ChildReport) => new Promise<void>((resolve) => process.send!(report, () => resolve()));

async function run(start: ChildStart): Promise<void> {
  const specifier = isAbsolute(start.module) ? pathToFileURL(start.module).href : start.module;
  const module = (await import(specifier)) as { openStore?: (args: unknown) => Promise<StateStore> | StateStore };
  if (typeof module.openStore !== "function") throw new Error(`${start.module} does not export a function openStore(args)`);
  const store = await module.openStore(start.args);
  const value = valueFor(start.tag, start.valueBytes);
  const seen = await store.get(start.key);
  if (seen?.version !== start.baseVersion) {
    throw new Error(`the child read version ${String(seen?.version)} of ${start.key}, not the base version ${start.baseVersion}: openStore(args) must open the parent's state`);
  }
  const go = new Promise<void>((resolve) => process.once("message", () => resolve()));
  await send({ type: "ready" });
  await go;
  let report: ChildReport;
  try {
    report = { type: "result", ok: true, version: await store.put(start.key, value, { ifMatch: start.baseVersion }) };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    report = { type: "result", ok: false, code: typeof code === "string" ? code : undefined, message: error instanceof Error ? error.message : String(error) };
  }
  await send(report);
  await store.close().catch(() => {});
}

process.once("message", (start: ChildStart) => {
  run(start).then(
    () => process.disconnect(),
    async (error: unknown) => {
      await send({ type: "fatal", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.disconnect();
    },
  );
});
