import type { StackRef, StateBackend } from "@cairn/core";
import type { Output } from "./output.js";

/**
 * `--show-urls`: the console page of each stack (or, with `versions`, of each update). A backend
 * without a web console (a self-managed store) has none to show: the listing stays as it is and
 * stderr says why, rather than failing a script that passes the flag to every backend.
 */
export async function consoleUrls(output: Output, backend: StateBackend, refs: StackRef[], versions?: number[]): Promise<Array<string | undefined>> {
  if (backend.consoleUrl === undefined) {
    output.err(`note: ${backend.url} has no web console: there are no URLs to show`);
    return refs.map(() => undefined);
  }
  const consoleUrl = backend.consoleUrl.bind(backend);
  return Promise.all(refs.map((ref, i) => consoleUrl(ref, versions?.[i] === undefined ? {} : { version: versions[i] as number })));
}
