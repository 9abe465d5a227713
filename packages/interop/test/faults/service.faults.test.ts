import { describeFaultMatrix } from "./fault-matrix.js";
import { serviceTarget } from "./fault-targets.js";

// Every cell strict: no lost update, torn object or false conflict under any fault (issue 14).
describeFaultMatrix("service", serviceTarget, { writers: 4, perWriter: 3, raceWriters: 3 });
