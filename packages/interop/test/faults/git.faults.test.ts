import { describeFaultMatrix } from "./fault-matrix.js";
import { gitTarget } from "./fault-targets.js";

// The git store retries each failed request itself (reads always, a push only when it surely did
// not land; otherwise the commit id decides), so it meets the other stores' fault rates and runs
// the fault-sensitive conformance checks. Two writers with one save each, and no lock race by
// default: every git operation is a few requests the server answers by spawning git, so the race
// (~10 s a cell here) would take the file past its time budget. CAIRN_FAULT_FULL=1 adds every
// conformance check and the lock race (several minutes).
describeFaultMatrix("git", gitTarget, {
  writers: 2,
  perWriter: 1,
  raceWriters: 2,
  lockRace: false,
  ledgerTimeoutMs: 100_000,
  cellTimeoutMs: 150_000,
});
