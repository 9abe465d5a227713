import { describeFaultMatrix } from "./fault-matrix.js";
import { s3Target } from "./fault-targets.js";

// Every cell strict: no lost update, torn object or false conflict under any fault (issue 14).
describeFaultMatrix("s3", async () => s3Target(), { writers: 3, perWriter: 2, raceWriters: 3 });
