import { describeFaultMatrix } from "./fault-matrix.js";
import { azblobTarget } from "./fault-targets.js";

// Every cell strict: no lost update, torn object or false conflict under any fault (issue 14).
describeFaultMatrix("azblob", async () => azblobTarget(), { writers: 3, perWriter: 2, raceWriters: 3 });
