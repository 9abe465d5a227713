import { describeFaultMatrix } from "./fault-matrix.js";
import { gitTarget } from "./fault-targets.js";

// Every git store operation is a fetch or a push (several HTTP requests and a git process each,
// ~0.3-1 s), so this store runs two writers and three of the fault-sensitive checks (one value
// round trip, a conditional create, concurrent swaps) unless CAIRN_FAULT_FULL=1.
const GIT_CHECKS = ["round-trips all 256 byte values", 'refuses ifNoneMatch "*" on an existing key', "lets exactly one of 8 concurrent compare-and-swaps win"];

describeFaultMatrix("git", gitTarget, {
  writers: 2,
  perWriter: 2,
  raceWriters: 2,
  checks: (title) => GIT_CHECKS.some((prefix) => title.startsWith(prefix)),
  cellTimeoutMs: 150_000,
});
