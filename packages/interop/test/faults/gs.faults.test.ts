import { describeFaultMatrix } from "./fault-matrix.js";
import { gsTarget } from "./fault-targets.js";

describeFaultMatrix("gs", async () => gsTarget(), { writers: 3, perWriter: 2, raceWriters: 3 });
