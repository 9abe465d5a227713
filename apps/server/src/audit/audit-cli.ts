import { parseArgs } from "node:util";
import { isCairnError, pulumiHome, validateName } from "@cairn/core";
import { openDataStore } from "../data-store.js";
import { AuditLog, type AuditStreamOptions } from "./audit-log.js";
import type { AuditScope } from "./event.js";

/**
 * `cairn-server audit export --data <url> (--org <name> | --site) [--since] [--until] [--order]`:
 * the audit log as JSON lines on stdout, read from the store itself (events are plain JSON; no
 * master key is needed). For an operator's archive job; users read it through the API.
 */
export async function runAuditCli(argv: string[], env: NodeJS.ProcessEnv, usage: string): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { data: { type: "string" }, org: { type: "string" }, site: { type: "boolean" }, since: { type: "string" }, until: { type: "string" }, order: { type: "string" } },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const refuse = (why: string) => {
    process.stderr.write(`cairn-server audit: ${why}\n${usage}\n`);
    return 2;
  };
  if (positionals.join(" ") !== "export") return refuse("the only audit command is `export`");
  if (values.data === undefined) return refuse("--data <store URL> names the store to read");
  if ((values.org === undefined) === (values.site !== true)) return refuse("give --org <name> or --site (exactly one)");
  const options: AuditStreamOptions = {};
  for (const name of ["since", "until"] as const) {
    const text = values[name];
    if (text === undefined) continue;
    if (Number.isNaN(Date.parse(text))) return refuse(`--${name} ${JSON.stringify(text)} is not an ISO 8601 time`);
    options[name] = new Date(Date.parse(text));
  }
  if (values.order !== undefined) {
    if (values.order !== "newest" && values.order !== "oldest") return refuse("--order is newest or oldest");
    options.order = values.order;
  }
  try {
    let scope: AuditScope = "site";
    if (values.org !== undefined) {
      validateName("organization", values.org);
      scope = { org: values.org };
    }
    const store = await openDataStore(values.data, env, pulumiHome(env));
    try {
      for await (const event of new AuditLog(store).stream(scope, options)) {
        if (!process.stdout.write(`${JSON.stringify(event)}\n`)) await new Promise((resolve) => process.stdout.once("drain", resolve));
      }
    } finally {
      await store.close();
    }
    return 0;
  } catch (error) {
    process.stderr.write(`cairn-server audit: ${error instanceof Error ? error.message : String(error)}${isCairnError(error) && error.hint ? `\n  ${error.hint}` : ""}\n`);
    return 1;
  }
}
