import { describeFaultMatrix } from "./fault-matrix.js";
import { serviceTarget } from "./fault-targets.js";

// Known failures, to be flipped once fixed (issue 14; see the fault matrix in the README):
// drop-response and truncate: the service client retries a POST whose answer never arrived whole,
// and cairn-server refuses the repeat of what it already did ("update … has already been started",
// "… does not hold the lease", "stack … already exists") — being fixed on branch `idempotent`.
describeFaultMatrix("service", serviceTarget, { writers: 4, perWriter: 3, raceWriters: 3 });
