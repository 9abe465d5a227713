import type { UserRecord } from "../accounts/accounts.js";
import type { WebSessionRecord } from "../accounts/web-sessions.js";

/** Who a browser is signed in as: the user and the server-side session its cookie opens. */
export interface WebPrincipal {
  user: UserRecord;
  session: WebSessionRecord;
  /** The session's anti-forgery token, for the forms of the pages it is shown. */
  csrf: string;
}
