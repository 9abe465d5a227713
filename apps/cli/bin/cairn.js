#!/usr/bin/env node
import { installSignalHandlers, main } from "../dist/main.js";

// `pnpm cairn …` runs scripts from the repository root; run from where the user typed it instead,
// so the project (Pulumi.yaml) and relative paths resolve as they expect.
if (process.env.npm_lifecycle_event === "cairn" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

installSignalHandlers();
process.exitCode = await main(process.argv.slice(2));
