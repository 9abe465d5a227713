import { isCairnError } from "@cairn/core";
import type { Accounts } from "./accounts.js";

export const BOOTSTRAP_ADMIN = "admin";

/**
 * On first start (no user exists) creates the site admin `admin` with a token: the one in
 * `CAIRN_SERVER_ADMIN_TOKEN` when set, else a new one that is returned so it can be printed once.
 * Two instances starting together over one store race on the user's conditional create; only the
 * winner issues (and prints) a token.
 */
export async function bootstrapAdmin(accounts: Accounts, presetToken: string | undefined): Promise<string | undefined> {
  if (await accounts.anyUserExists()) return undefined;
  try {
    await accounts.createUser(BOOTSTRAP_ADMIN, { siteAdmin: true });
  } catch (error) {
    if (isCairnError(error, "AlreadyExists")) return undefined;
    throw error;
  }
  const { token } = await accounts.issueToken(BOOTSTRAP_ADMIN, "bootstrap", presetToken || undefined);
  return presetToken ? undefined : token;
}
