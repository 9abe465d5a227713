// Preloaded with `node --import`: records every module URL the process resolves, so the bench can
// show which packages a command really loads. Written to $CAIRN_TRACE_IMPORTS at exit.
// ESM imports are seen by a resolve hook; `require` calls (a CommonJS dependency's own modules,
// which the ESM hook never sees) by wrapping the CommonJS resolver, so the count is every file.
import Module, { register } from "node:module";
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { MessageChannel } from "node:worker_threads";

const { port1, port2 } = new MessageChannel();
const seen = new Set();
port1.on("message", (url) => seen.add(url));
port1.unref();
register(new URL("./trace-imports-hooks.mjs", import.meta.url), { data: { port: port2 }, transferList: [port2] });

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const filename = resolveFilename.apply(this, args);
  if (filename.startsWith("/")) seen.add(pathToFileURL(filename).href);
  return filename;
};
process.on("exit", () => writeFileSync(process.env.CAIRN_TRACE_IMPORTS, [...seen].join("\n")));
