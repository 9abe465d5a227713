import { describeFaultMatrix } from "./fault-matrix.js";
import { azblobTarget } from "./fault-targets.js";

describeFaultMatrix("azblob", async () => azblobTarget(), { writers: 3, perWriter: 2, raceWriters: 3 });
