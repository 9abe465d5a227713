import { isCairnError } from "@cairn/core";
import { responseStatusOf, sendHtml } from "../../http/respond.js";
import type { ServerResponse } from "node:http";
import { redirect } from "../../web/web-route.js";

/**
 * Runs an account form's change. Done: 303 to `location` (so a reload does not post again). A
 * change refused for what was asked (bad input, a rule such as "the last admin stays": 400, 409)
 * answers with the form's page again, the reason at the top and the error's status. A caller who
 * may not do it at all (403, 404) gets the plain error page, and anything else is thrown on.
 */
export async function runForm(response: ServerResponse, change: () => Promise<string>, pageWithError: (error: string) => Promise<string>): Promise<void> {
  let location: string;
  try {
    location = await change();
  } catch (error) {
    const status = responseStatusOf(error);
    if (!isCairnError(error) || (status !== 400 && status !== 409)) throw error;
    const reason = error.hint === undefined ? error.message : `${error.message} (${error.hint})`;
    sendHtml(response, status, await pageWithError(reason));
    return;
  }
  redirect(response, location);
}
