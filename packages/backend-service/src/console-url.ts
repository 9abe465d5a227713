/**
 * Where the web console of the service at `apiBaseUrl` is, by Pulumi's rules (so cairn and
 * `pulumi` print the same links): `PULUMI_CONSOLE_DOMAIN` names its host when set; an `api.` host
 * has its console at `app.`; Pulumi's local development API (`localhost:8080`) at `localhost:3000`.
 * Otherwise, unlike Pulumi (which then prints no link), the console is taken to be on the API's
 * own origin, where cairn-server serves it.
 */
export function consoleBaseUrl(apiBaseUrl: string, env: NodeJS.ProcessEnv): string | undefined {
  let url: URL;
  try {
    url = new URL(apiBaseUrl);
  } catch {
    return undefined;
  }
  const domain = env.PULUMI_CONSOLE_DOMAIN;
  if (domain !== undefined && domain !== "") url.host = domain;
  else if (url.host.startsWith("api.")) url.host = `app.${url.host.slice("api.".length)}`;
  else if (url.host === "localhost:8080") url.host = "localhost:3000";
  url.pathname = "";
  return url.origin;
}

/** The console path of a stack (`/<org>/<project>/<stack>`), or of one of its updates. */
export function consolePath(org: string, project: string, stack: string, version?: number): string {
  const path = `/${[org, project, stack].map(encodeURIComponent).join("/")}`;
  return version === undefined ? path : `${path}/updates/${version}`;
}
