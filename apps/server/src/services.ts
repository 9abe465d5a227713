import type { Accounts } from "./accounts/accounts.js";
import type { DeltaBases } from "./checkpoints/delta-bases.js";
import type { Logger } from "./log.js";
import type { DataKeys } from "./state/data-keys.js";
import type { OrgState } from "./state/org-state.js";
import type { StackActivity } from "./updates/stack-activity.js";
import type { Updates } from "./updates/updates.js";
import type { WebSessions } from "./accounts/web-sessions.js";

/** What every route handler works with; built once per server. */
export interface Services {
  accounts: Accounts;
  /** Browser sign-ins (server-side, expiring; not API tokens). */
  webSessions: WebSessions;
  state: OrgState;
  updates: Updates;
  /** Each stack's last update for a whole organization, cheaply (the console's stack lists). */
  stackActivity: StackActivity;
  /** This instance's bases for delta checkpoints (memory only; a miss makes the client send the whole). */
  deltaBases: DeltaBases;
  dataKeys: DataKeys;
  logger: Logger;
  maxBodyBytes: number;
  leaseMs: number;
  /** The server's public base URL (for links in pages and login hand-off). */
  baseUrl(): string;
}
