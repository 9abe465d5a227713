// Preloaded with `node --import`: records every module URL the process resolves, so the bench can
// show which packages a command really loads. Written to $CAIRN_TRACE_IMPORTS at exit.
import { register } from "node:module";
import { writeFileSync } from "node:fs";
import { MessageChannel } from "node:worker_threads";

const { port1, port2 } = new MessageChannel();
const seen = new Set();
port1.on("message", (url) => seen.add(url));
port1.unref();
register(new URL("./trace-imports-hooks.mjs", import.meta.url), { data: { port: port2 }, transferList: [port2] });
process.on("exit", () => writeFileSync(process.env.CAIRN_TRACE_IMPORTS, [...seen].join("\n")));
