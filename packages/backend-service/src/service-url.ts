import { CairnError, readUrlParameters } from "@cairn/core/driver";

/**
 * `https://host[:port][/base]`: the API is under `<base>/api/…`. No parameters are accepted, and no
 * credentials in the URL — tokens come from PULUMI_ACCESS_TOKEN or `cairn login`.
 */
export function serviceBaseUrl(url: URL): string {
  readUrlParameters(url, []);
  if (url.username !== "" || url.password !== "") {
    throw new CairnError("InvalidArgument", "a service URL may not contain a user name or password", {
      hint: "log in with a token: `cairn login <url>` prompts for it, or set PULUMI_ACCESS_TOKEN",
    });
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}
