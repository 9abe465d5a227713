import { describeFaultMatrix } from "./fault-matrix.js";
import { serviceTarget } from "./fault-targets.js";

describeFaultMatrix("service", serviceTarget, { writers: 4, perWriter: 3, raceWriters: 3 });
