import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ManualClock } from "@cairn/core/driver";
import { describePausedWriterConformance } from "@cairn/conformance";
import { FileStore } from "../src/index.js";

// The parent's FileStore runs on a ManualClock, so "stopped for a day" passes without waiting;
// the child (another process) opens the same directory through fixtures/open-store.mjs.
const clocks = new WeakMap<object, ManualClock>();

describePausedWriterConformance("FileStore", {
  create: async () => {
    const root = await mkdtemp(join(tmpdir(), "cairn-file-paused-"));
    const clock = new ManualClock();
    const store = new FileStore(root, pathToFileURL(root).href, { clock });
    clocks.set(store, clock);
    return { store, childArgs: { root } };
  },
  childModule: fileURLToPath(new URL("./fixtures/open-store.mjs", import.meta.url)),
  advanceTime: (store, ms) => clocks.get(store)!.advance(ms),
  cleanup: (store) => rm((store as FileStore).root, { recursive: true, force: true }),
});
