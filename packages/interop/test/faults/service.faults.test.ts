import { describeFaultMatrix } from "./fault-matrix.js";
import { serviceTarget } from "./fault-targets.js";

describeFaultMatrix("service", serviceTarget, { writers: 3, perWriter: 2, raceWriters: 3 });
