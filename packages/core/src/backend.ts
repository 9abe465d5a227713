import type { LockInfo } from "./errors.js";
import type { BrokenStack, PreconditionProbe, PruneOptions, PruneReport, UpgradeOptions, UpgradeReport } from "./backend-reports.js";
import type { UntypedDeployment } from "./checkpoint/types.js";
import type { StackRef } from "./stack-ref.js";
import type { HistoryArchive } from "./integrity/history-archive.js";
import type { HistoryVerification } from "./integrity/verify-chain.js";

/**
 * The portable interface the CLI and embedders call. Core implements it once for every
 * `StateStore` (`createStoreBackend`); only the service backend implements it directly.
 */
export interface StateBackend {
  /** The backend URL, without secrets. */
  readonly url: string;
  readonly capabilities: BackendCapabilities;

  currentUser(): Promise<UserInfo>;
  /**
   * Checks the backend is reachable and usable, initialising it if it is new (a self-managed
   * store gets its meta.yaml). `cairn login` calls it so a bad URL fails at login, not later.
   */
  verify(): Promise<void>;

  listStacks(filter?: StackFilter): Promise<StackSummary[]>;
  getStack(ref: StackRef): Promise<StackSummary | undefined>;
  createStack(ref: StackRef, options?: CreateStackOptions): Promise<StackSummary>;
  /**
   * Refuses a stack that still has resources unless `force`. As Pulumi, the stack file is kept as
   * its `.bak` copy and its backups stay, unless `removeBackups`; its history and tags go.
   */
  removeStack(ref: StackRef, options?: RemoveStackOptions): Promise<void>;
  renameStack(ref: StackRef, to: StackRef): Promise<void>;
  /**
   * Self-managed stores: puts the stack file's `.bak` (the state before its last write) back, for
   * a stack whose file is broken or was removed by `stack rm`. Refuses an intact stack. Backends
   * without `.bak` copies leave it out.
   */
  restoreStackFromBackup?(ref: StackRef): Promise<{ backup: string }>;

  /**
   * The stack's current deployment, or with `version` the deployment as it stood after that
   * update in `listHistory` (1 = oldest). NotFound when the version does not exist.
   */
  exportDeployment(ref: StackRef, options?: { version?: number }): Promise<UntypedDeployment>;
  /**
   * Validates, then replaces the stack's deployment under the stack's lock, which it takes and
   * releases itself (`Locked` when someone holds it), recording one history entry. A caller that
   * already holds the lock saves through it instead: `StackLock.save`.
   */
  importDeployment(ref: StackRef, deployment: UntypedDeployment, options?: SaveOptions): Promise<void>;

  listHistory(ref: StackRef, options?: { limit?: number }): Promise<UpdateRecord[]>;

  /**
   * The web page of the stack, or with `version` of that update (`--show-urls`), where a user
   * can see it in a browser; undefined when none can be named. Backends without a web console
   * (self-managed stores) leave it out.
   */
  consoleUrl?(ref: StackRef, options?: { version?: number }): Promise<string | undefined>;

  /**
   * The stack's tags (name → value). Self-managed stores keep them as Pulumi's DIY backend does
   * (`<stack>.pulumi-tags` beside the stack file). Backends without tags leave both methods out.
   */
  getStackTags?(ref: StackRef): Promise<Record<string, string>>;
  /**
   * Replaces the stack's tags with what `change` returns from the current ones (an atomic
   * read-modify-write where the backend allows it); returns the tags stored.
   */
  updateStackTags?(ref: StackRef, change: (tags: Record<string, string>) => Record<string, string>): Promise<Record<string, string>>;

  /**
   * Takes the stack's lock or throws `LockedError` naming the holder. The holder saves through the
   * returned handle (`StackLock.save`) and must release it.
   */
  lockStack(ref: StackRef, operation: string): Promise<StackLock>;
  /**
   * A handle for a caller whose writers are serialized by a lease of its own, kept outside this
   * backend (cairn-server's update leases in its records, which any of its instances may check):
   * saves through it take no lock of this backend's. Each is still conditional on the stack file
   * it read, and `SaveOptions.beforeWrite` is where the caller proves its lease is still its own.
   * `release` ends only the handle (later saves are refused); the lease is the caller's to end.
   * Backends whose locks are the only way to hold a stack (the service) leave it out.
   */
  adoptLease?(ref: StackRef, holder: LockInfo): StackLock;
  getLock(ref: StackRef): Promise<LockInfo[]>;
  /** Removes every lock on the stack, whoever holds it. */
  forceUnlock(ref: StackRef): Promise<LockInfo[]>;

  /**
   * Moves a legacy self-managed layout to the project-scoped one (`cairn state upgrade`). Only
   * backends that have such a layout implement it.
   */
  upgradeLayout?(options?: UpgradeOptions): Promise<UpgradeReport>;

  /**
   * Obtains and checks the credential this backend needs (the service backend: an access token
   * from the environment, the stored credential, or a prompt), and returns what `cairn login`
   * should store. Backends that need no login step (stores) leave it out; the CLI calls it
   * generically, without knowing the backend.
   */
  login?(options: BackendLoginOptions): Promise<BackendLoginResult>;

  /**
   * Checks the stack's hash-chained history and every object it references; reports the first
   * break. Backends that keep history themselves leave it out.
   */
  verifyHistory?(ref: StackRef): Promise<HistoryVerification>;
  /**
   * Records the stack's current state in history when `verifyHistory` reported it `unrecorded`
   * (its writer died between the stack-file write and the history record); false when not needed.
   */
  repairHistory?(ref: StackRef): Promise<boolean>;
  /** Removes the oldest history entries, recording the pruned range so the rest still verifies. */
  pruneHistory?(ref: StackRef, options: PruneOptions): Promise<PruneReport>;
  /** The stack's history as a self-contained archive that verifies without the backend. */
  exportHistoryArchive?(ref: StackRef): Promise<HistoryArchive>;
  /**
   * Checks that the underlying store honours create-only writes (`cairn login` refuses one that
   * does not, unless the user opts out). Only store-backed backends implement it.
   */
  probePreconditions?(): Promise<PreconditionProbe>;
  /**
   * Where the credential in use came from, for `whoami -v`: e.g. `env:AWS_PROFILE (ci)`,
   * `azure:DefaultAzureCredential`, `local files`. Never the secret.
   */
  readonly credentialSource?: string;

  /**
   * Organizations (a service): the organization a stack name without one (`dev`, `project/dev`)
   * resolves to, found in Pulumi's order, and where it came from. Backends without organizations
   * (self-managed stores: always `organization`) leave both methods out.
   */
  defaultOrganization?(): Promise<DefaultOrganization>;
  /** Stores the user's default organization for this backend where `pulumi org set-default` does. */
  setDefaultOrganization?(name: string): Promise<void>;

  /**
   * Starts an update the way an engine runs one: takes the stack's lock (or the service's lease)
   * and returns a session that accepts per-step saves until `complete` or `cancel`. Store-backed
   * backends journal each step as a small object and compact it into the standard stack file
   * (see `@cairn/core`'s README, "Update sessions"); the service backend maps it onto its update
   * lifecycle. Throws `LockedError` when someone else holds the stack.
   */
  beginUpdate?(ref: StackRef, kind: string, options?: BeginUpdateOptions): Promise<UpdateSession>;
  /**
   * An unfinished journaled update left on the stack (its writer crashed), which the next reader
   * replays; undefined when there is none. `stack unlock --force` reports it.
   */
  inspectJournal?(ref: StackRef): Promise<JournalReport | undefined>;

  close(): Promise<void>;
}

export interface DefaultOrganization {
  name: string;
  /**
   * `env:PULUMI_DEFAULT_ORGANIZATION`, `config.json` (`pulumi org set-default`), `service` (the
   * server's `GET /api/user/organizations/default`), or `user` (none of those: the user's own name).
   */
  source: "env:PULUMI_DEFAULT_ORGANIZATION" | "config.json" | "service" | "user";
}

export interface RemoveStackOptions {
  /** Remove a stack that still has resources (they are then no longer managed). */
  force?: boolean;
  /** Also remove the stack file's `.bak` copy and the stack's backups (Pulumi's `--remove-backups`). */
  removeBackups?: boolean;
}

export interface BeginUpdateOptions {
  /** The update's message, recorded in history. */
  message?: string;
}

/**
 * One step of an update, small enough to write on every engine event instead of the whole
 * deployment. Resources are matched by `urn` (and by `delete`, so a resource pending deletion
 * during a replace is a separate state from its replacement).
 */
export type JournalEntry =
  /** A resource's new state: replaces the state with the same URN in place, or is appended. Settles its pending operations. */
  | { op: "upsert"; resource: JournalResource }
  /** Removes the resource's state (`pendingDeletion`: the old state of a replace). Settles its pending operations. */
  | { op: "delete"; urn: string; pendingDeletion?: boolean }
  /** A step has begun: records the operation in `pending_operations` until the step ends. */
  | { op: "pending"; operation: JournalPendingOperation }
  /** A step ended without changing the resource (e.g. a failed create): drops its pending operations. */
  | { op: "settle"; urn: string }
  /** Replaces the root outputs and other deployment-wide fields (manifest, secrets provider). */
  | { op: "deployment"; fields: Record<string, unknown> };

/** A resource state as the deployment stores it (`apitype.ResourceV3`). */
export interface JournalResource {
  urn: string;
  type: string;
  delete?: boolean;
  [field: string]: unknown;
}

/** An entry of `pending_operations` (`apitype.OperationV2`): `type` is `creating`, `updating`, `deleting`, `reading`, `importing`. */
export interface JournalPendingOperation {
  resource: JournalResource;
  type: string;
  [field: string]: unknown;
}

export type UpdateResult = "succeeded" | "failed";

export interface UpdateSession {
  /** The update's id (the journal's directory on a store, the update id on the service). */
  readonly id: string;
  /** The lock (lease) the session holds. */
  readonly info: LockInfo;
  /** Saves the whole deployment (a full checkpoint). */
  save(deployment: UntypedDeployment): Promise<void>;
  /**
   * Saves one step. Resolves with the step's sequence number once it is durable: a crash after
   * that point loses nothing up to it. Calls are applied in the order they are made.
   */
  journal(entry: JournalEntry): Promise<number>;
  /** Writes the final standard checkpoint, records the update in history, releases the lock. */
  complete(result: UpdateResult, options?: { message?: string }): Promise<void>;
  /** Ends the update without a history record: what was saved so far stays, the lock is released. */
  cancel(): Promise<void>;
}

/** An unfinished journaled update found on a stack. */
export interface JournalReport {
  update: string;
  kind?: string;
  /** Steps journaled after the last compacted checkpoint: what a reader replays. */
  pendingEntries: number;
  /** Whether a reader replays it (false: the stack file was rewritten since, so it is obsolete). */
  replayable: boolean;
}

export interface BackendLoginOptions {
  /** Whether the user may be asked anything (a terminal, and no --non-interactive). */
  interactive: boolean;
  /** Asks a question without echoing the answer (a token); only called when `interactive`. */
  promptSecret(question: string): Promise<string>;
  /** Tells the user something (on stderr), e.g. the URL a browser login opens. */
  notify(message: string): void;
  /**
   * `cairn login --browser`: skip the token question and log in through the backend's web page
   * (backends with one), even without a terminal. Others ignore it.
   */
  browser?: boolean;
}

export interface BackendLoginResult {
  /** The credential to store for the backend URL (credentials.json `accessTokens`). */
  accessToken?: string;
}

export interface BackendCapabilities {
  /** Locking is atomic on this backend. */
  atomicLocking: boolean;
  /** History is recorded (files or the store's own log). */
  history: boolean;
  /** Project-scoped stack names (`org/project/stack`). */
  projectScoped: boolean;
}

export interface UserInfo {
  name: string;
  organizations: string[];
  /** The credential in use, for `whoami -v` (never the token itself). */
  token?: TokenInfo;
  /**
   * What the backend says about the token (Pulumi's `workspace.TokenInformation`): absent for a
   * personal token and for self-managed backends, which `whoami -v` then shows as `Token type: personal`.
   */
  tokenInformation?: UserTokenInformation;
}

/** Pulumi's `TokenInformation` as a backend reports it: one (or neither) of `organization` and `team` is set. */
export interface UserTokenInformation {
  name: string;
  organization?: string;
  team?: string;
}

export interface TokenInfo {
  /** The token's name or description on the backend. */
  name?: string;
  /** The token redacted by `redactToken` (`pul-…`). */
  redacted: string;
  /** Where it came from: `env:PULUMI_ACCESS_TOKEN` or `stored`. */
  source?: string;
}

export interface StackFilter {
  project?: string;
  /** Only stacks with this tag (Pulumi's `stack ls --tag name[=value]`). */
  tagName?: string;
  /** With `tagName`: only stacks whose tag has this value; alone: stacks with any tag of this value. */
  tagValue?: string;
}

export interface StackSummary {
  ref: StackRef;
  /** Time of the last write, when known. */
  lastUpdate?: Date;
  resourceCount?: number;
  /**
   * Set when the stack's file cannot be read (not JSON, not a checkpoint): the stack is listed so
   * the others still are, with what is wrong and what to do. Other fields are then absent.
   */
  broken?: BrokenStack;
}

export interface CreateStackOptions {
  /** Deployment to create the stack with; empty when absent. */
  initialDeployment?: UntypedDeployment;
}

export interface SaveOptions {
  /** The kind of update recorded in history (`import`, `update`, …). */
  kind?: string;
  /** The update's message, recorded in history (e.g. `restore of version 3`); `record.message` wins. */
  message?: string;
  /**
   * The history record to write for this save, when it replays an update recorded elsewhere
   * (migration keeps the original kind, times, message and result). Defaults to "now, succeeded".
   */
  record?: Pick<UpdateRecord, "kind" | "startTime" | "endTime" | "result"> & { message?: string };
  /**
   * Replace a stack whose file is broken (`StackSummary.broken`); without it such an import is
   * refused. The broken file is not copied to `.bak`, which keeps the last good state.
   */
  replaceBroken?: boolean;
  /**
   * Runs after the stack file is read and before the write, which is conditional on the stack
   * file still being what was read. A caller holding its own lease (cairn-server) checks the lease
   * here: whoever ends that lease first changes the stack file, so a writer that passed the check
   * just before the lease ended still cannot land. Throwing aborts the save; nothing is written.
   */
  beforeWrite?: () => Promise<void>;
}

export interface UpdateRecord {
  kind: string;
  startTime: number;
  endTime: number;
  result: "succeeded" | "failed" | "in-progress";
  resourceCount?: number;
  version?: number;
  message?: string;
  [field: string]: unknown;
}

/**
 * The stack's lock as its holder has it (from `lockStack`): the only way to write the stack while
 * holding it, so no save needs to be told that its caller holds the lock.
 */
export interface StackLock {
  readonly info: LockInfo;
  /**
   * Validates, then replaces the stack's deployment as the lock's holder, recording one history
   * entry per call (`kind`, default `import`), as `importDeployment` does without the lock.
   *
   * Preconditions: the lock is held, by this handle, and has not been released.
   * Postconditions: on success the stack file and its history entry are written; on any error the
   * stack file is as it was (a history entry may be missing after a crash between the two, which
   * `verifyHistory` reports and `repairHistory` records).
   * Fencing: the write lands only while the lock is still this holder's (a store-backed lock's
   * lease is renewed by compare-and-swap right before it; the service's update token must still
   * hold its lease) and over the stack file as the holder last saw it, when it locked or last saved.
   *
   * Errors: `InvalidArgument` (nothing sent) for an invalid deployment or a handle already
   * released; `Conflict` when the lock was lost (its lease ran out and was taken over, or it was
   * removed by `stack unlock --force` / `pulumi cancel`) or the stack file was changed by another
   * writer since; `NotFound` when the stack does not exist; what `importDeployment` throws else.
   * Nothing is written in any of these cases.
   */
  save(deployment: UntypedDeployment, options?: SaveOptions): Promise<void>;
  /** Ends the holding (once; later calls return the same promise). Saves through it are then refused. */
  release(): Promise<void>;
}
