/**
 * Where the server keeps its own records in the store, beside the stack state (`state/<org>/…`).
 * Every segment is a name already checked by `validateName` or a hex digest, so none can escape.
 */
export const RECORD_KEYS = {
  user: (name: string) => `server/users/${name}.json`,
  users: () => "server/users/",
  org: (name: string) => `server/orgs/${name}.json`,
  member: (org: string, user: string) => `server/members/${org}/${user}.json`,
  members: (org: string) => `server/members/${org}/`,
  userOrg: (user: string, org: string) => `server/user-orgs/${user}/${org}.json`,
  userOrgs: (user: string) => `server/user-orgs/${user}/`,
  token: (hash: string) => `server/tokens/${hash}.json`,
  tokens: () => "server/tokens/",
  dataKey: (org: string, project: string, stack: string) => `server/keys/${org}/${project}/${stack}.json`,
  lease: (org: string, project: string, stack: string) => `server/leases/${org}/${project}/${stack}.json`,
  update: (org: string, project: string, stack: string, updateId: string) => `server/updates/${org}/${project}/${stack}/${updateId}.json`,
  history: (org: string, project: string, stack: string) => `server/history/${org}/${project}/${stack}/`,
  historyEntry: (org: string, project: string, stack: string, version: number) =>
    `server/history/${org}/${project}/${stack}/${String(version).padStart(10, "0")}.json`,
  /** Every stack's version counter in an organization (one listing: which stacks have had updates, and which changed). */
  orgCounters: (org: string) => `server/counters/${org}/`,
  /** The console's cache of each stack's last update in an organization, rebuilt from history (stack-activity.ts). */
  lastUpdates: (org: string) => `server/console/last-updates/${org}.json`,
  stackCounter: (org: string, project: string, stack: string) => `server/counters/${org}/${project}/${stack}.json`,
  /** One object per events batch, named by the batch's first sequence number (so key order is event order). */
  updateEvents: (org: string, project: string, stack: string, updateId: string) => `server/events/${org}/${project}/${stack}/${updateId}/`,
  stackEvents: (org: string, project: string, stack: string) => `server/events/${org}/${project}/${stack}/`,
  /** One object per group commit of an update's journal entries (named by its first sequence ID). */
  updateJournal: (org: string, project: string, stack: string, updateId: string) => `server/journal/${org}/${project}/${stack}/${updateId}/`,
  stackJournals: (org: string, project: string, stack: string) => `server/journal/${org}/${project}/${stack}/`,
  loginRequest: (nonceHash: string) => `server/login-requests/${nonceHash}.json`,
  /** A browser session, named by its secret's digest (the secret is never stored). */
  webSession: (secretHash: string) => `server/web-sessions/${secretHash}.json`,
  webSessions: () => "server/web-sessions/",
  stateRoot: (org: string) => `state/${org}/`,
} as const;
