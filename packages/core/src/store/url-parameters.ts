import { CairnError } from "../errors.js";

/**
 * A backend URL's query parameters, checked against the plugin's allowlist: an unknown parameter
 * is an error listing the allowed ones (a typo must not be silently ignored). Repeated parameters
 * are refused too. Secrets never travel in URLs, so none of these is secret.
 */
export function readUrlParameters(url: URL, allowed: readonly string[]): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (!allowed.includes(name)) {
      const accepted = allowed.length === 0 ? "none" : allowed.join(", ");
      throw new CairnError("InvalidArgument", `unknown parameter ${JSON.stringify(name)} in ${url.protocol}// URL`, {
        hint: `parameters accepted: ${accepted}`,
      });
    }
    if (name in parameters) throw new CairnError("InvalidArgument", `parameter ${JSON.stringify(name)} is given twice in the URL`);
    parameters[name] = value;
  }
  return parameters;
}

/** Reads a boolean URL parameter the way Go's strconv.ParseBool does (Pulumi's URLs use it). */
export function parseBooleanParameter(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (["1", "t", "T", "true", "TRUE", "True"].includes(value)) return true;
  if (["0", "f", "F", "false", "FALSE", "False"].includes(value)) return false;
  throw new CairnError("InvalidArgument", `parameter ${name}=${JSON.stringify(value)} is not a boolean`, { hint: "use true or false" });
}
