/**
 * A ready `childModule` for the paused-writer check, for stores that ship as a cairn backend
 * plugin: the child opens the store exactly as the CLI would, through the plugin's default export.
 * `childArgs`: `{ plugin: <absolute path of the BUILT plugin entry>, url, context: OpenContext }`.
 */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type { BackendPlugin, OpenContext, StateStore } from "@cairn/core/driver";

export interface PluginStoreArgs {
  plugin: string;
  url: string;
  context: OpenContext;
}

export async function openStore(args: PluginStoreArgs): Promise<StateStore> {
  const specifier = isAbsolute(args.plugin) ? pathToFileURL(args.plugin).href : args.plugin;
  const plugin = ((await import(specifier)) as { default?: BackendPlugin }).default;
  if (plugin === undefined || typeof plugin.open !== "function") throw new Error(`${args.plugin} has no default-exported backend plugin`);
  const opened = await plugin.open(new URL(args.url), args.context);
  if (!("put" in opened) || typeof opened.put !== "function") throw new Error(`${args.plugin} opened ${args.url} as a full backend, not a store: the paused-writer check needs a StateStore`);
  return opened;
}
