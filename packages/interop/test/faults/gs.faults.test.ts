import { describeFaultMatrix } from "./fault-matrix.js";
import { gsTarget } from "./fault-targets.js";

// Every cell strict: no lost update, torn object or false conflict under any fault (issue 14).
describeFaultMatrix("gs", async () => gsTarget(), { writers: 3, perWriter: 2, raceWriters: 3 });
