// `node --import <this>`: records, in the file named by CAIRN_CORE_PROBE, the URL every
// `import "@cairn/core"` in the process resolves to (the CLI's and each plugin's). Node resolves
// symlinks to real paths, so two different URLs are two copies of core loaded at once.
import { register } from "node:module";

register("./hooks.mjs", import.meta.url);
