import { describeFaultMatrix } from "./fault-matrix.js";
import { gitTarget } from "./fault-targets.js";

// Every git store operation is a fetch or a push (2-3 HTTP requests and a git process each), and
// the git store does not retry a failed request, so at the other stores' fault rates a locked save
// (~8 operations) almost never gets through: faults strike a third as often here, and by default
// this store runs the ledger only, with two writers. CAIRN_FAULT_FULL=1 adds every conformance
// check and the lock race (several minutes).
describeFaultMatrix("git", gitTarget, {
  writers: 2,
  perWriter: 1,
  raceWriters: 2,
  checks: () => false,
  lockRace: false,
  intensity: 0.3,
  ledgerTimeoutMs: 100_000,
  cellTimeoutMs: 150_000,
});
