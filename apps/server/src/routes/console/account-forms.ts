import type { ServerResponse } from "node:http";
import { isCairnError } from "@cairn/core";
import { responseStatusOf, sendHtml } from "../../http/respond.js";
import { redirect } from "../../web/web-route.js";

/** What a done change answers: 303 to a page (the usual), or a page itself (one showing a new secret once). */
export type FormOutcome = { redirect: string } | { page: string };

/**
 * Runs an account form's change. A change refused for what was asked (bad input, a rule such as
 * "the last admin stays": 400, 409) answers with the form's page again, the reason at the top and
 * the error's status. A caller who may not do it at all (403, 404) gets the plain error page, and
 * anything else is thrown on.
 */
export async function runForm(response: ServerResponse, change: () => Promise<FormOutcome>, pageWithError: (error: string) => Promise<string>): Promise<void> {
  let outcome: FormOutcome;
  try {
    outcome = await change();
  } catch (error) {
    const status = responseStatusOf(error);
    if (!isCairnError(error) || (status !== 400 && status !== 409)) throw error;
    sendHtml(response, status, await pageWithError(error.hint === undefined ? error.message : `${error.message} (${error.hint})`));
    return;
  }
  if ("redirect" in outcome) redirect(response, outcome.redirect);
  else sendHtml(response, 200, outcome.page);
}
