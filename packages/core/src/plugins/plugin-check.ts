import { CairnError } from "../errors.js";
import { PLUGIN_API_VERSION, type BackendPlugin } from "../plugin.js";

/**
 * Checks that `candidate` is a backend plugin this core can drive, and (when `scheme` is given)
 * that it serves that scheme. `source` says where it came from, for the error message.
 */
export function checkPlugin(candidate: unknown, source: string, scheme?: string): BackendPlugin {
  if (!looksLikePlugin(candidate)) {
    throw new CairnError("PluginIncompatible", `${source} is not a cairn backend plugin (its default export has no apiVersion, schemes and open())`, {
      hint: "a backend package must `export default defineBackendPlugin({...})` from @cairn/core",
    });
  }
  if (candidate.apiVersion !== PLUGIN_API_VERSION) {
    throw new CairnError(
      "PluginIncompatible",
      `${source} (${candidate.meta?.name ?? "unnamed"}) implements backend plugin API version ${candidate.apiVersion}, but this cairn supports version ${PLUGIN_API_VERSION}`,
      { hint: candidate.apiVersion > PLUGIN_API_VERSION ? "upgrade cairn" : "upgrade the plugin package to a release built for this cairn" },
    );
  }
  if (scheme !== undefined && !candidate.schemes.includes(scheme)) {
    throw new CairnError(
      "PluginIncompatible",
      `${source} does not handle ${scheme}:// URLs (it handles ${candidate.schemes.map((s) => `${s}://`).join(", ") || "no schemes"})`,
      { hint: "check the package mapped to this scheme in Pulumi.yaml `cairn.backends`, or install the right package" },
    );
  }
  return candidate;
}

function looksLikePlugin(value: unknown): value is BackendPlugin {
  if (typeof value !== "object" || value === null) return false;
  const plugin = value as Partial<BackendPlugin>;
  return (
    typeof plugin.apiVersion === "number" &&
    Array.isArray(plugin.schemes) &&
    plugin.schemes.every((scheme) => typeof scheme === "string") &&
    typeof plugin.open === "function"
  );
}
