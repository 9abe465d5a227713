import { describeFaultMatrix } from "./fault-matrix.js";
import { s3Target } from "./fault-targets.js";

describeFaultMatrix("s3", async () => s3Target(), { writers: 3, perWriter: 2, raceWriters: 3 });
