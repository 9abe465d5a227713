#!/usr/bin/env node
import { runServerCli } from "../dist/main.js";

process.exitCode = await runServerCli(process.argv.slice(2));
