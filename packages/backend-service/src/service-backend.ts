import {
  credentialsDirectory,
  DEFAULT_ORGANIZATION,
  setBackendDefaultOrg,
  validateDeployment,
  validateName,
  type BackendCapabilities,
  type BackendLoginOptions,
  type BackendLoginResult,
  type CreateStackOptions,
  type DefaultOrganization,
  type RemoveStackOptions,
  type SaveOptions,
  type StackFilter,
  type StackLock,
  type StackRef,
  type StackSummary,
  type StateBackend,
  type UntypedDeployment,
  type UpdateRecord,
  type UpdateSession as EngineUpdateSession,
  type UserInfo,
} from "@cairn/core";
import { consoleBaseUrl, consolePath } from "./console-url.js";
import { CairnError, isAmbiguous, isCairnError, redactToken, type LockInfo } from "@cairn/core/driver";
import { hostname } from "node:os";
import { resolveDefaultOrg } from "./default-org.js";
import { startLoopbackLogin } from "./loopback-login.js";
import { openInBrowser } from "./open-browser.js";
import { ServiceClient } from "./service-client.js";
import { UpdateSession } from "./update-session.js";
import { ServiceUpdateSession } from "./service-update-session.js";

export interface ServiceBackendOptions {
  /** `https://host[/base]` without a trailing slash. */
  baseUrl: string;
  /** The token and where it came from (`env:PULUMI_ACCESS_TOKEN`, `stored`), if any yet. */
  token?: { value: string; source: string };
  fetch?: typeof fetch;
  /** Shows a URL in a browser, returning whether it tried (default: `BROWSER`, else xdg-open). */
  openUrl?: (url: string) => boolean;
  /** How long the browser login waits for the server's hand-off (default 5 minutes). */
  browserLoginTimeoutMs?: number;
  /** The environment (`PULUMI_DEFAULT_ORGANIZATION`, `PULUMI_HOME`…; default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where Pulumi's config.json is (default `$PULUMI_CREDENTIALS_PATH`, else `$PULUMI_HOME`). */
  configDir?: string;
}

interface ServiceUser {
  githubLogin: string;
  organizations: Array<{ githubLogin: string }>;
  tokenInfo?: { name?: string; organization?: string; team?: string };
}

interface ServiceStack {
  orgName: string;
  projectName: string;
  stackName: string;
  lastUpdate?: number;
  resourceCount?: number;
  currentOperation?: { lock?: LockInfo };
}

/**
 * `StateBackend` over a state service's REST API (cairn-server, or anything serving Pulumi's
 * paths). The server owns the semantics — locks are update leases, history is its update log — so
 * this is the one backend that is not a store under core's layout.
 *
 * The self-managed placeholder organization (`organization`, what a stack name without an
 * organization resolves to) means the default organization here (`default-org.ts`: Pulumi's
 * order), in both directions. Messages name stacks as the server stores them: `org/project/stack`.
 */
export class ServiceBackend implements StateBackend {
  readonly url: string;
  readonly capabilities: BackendCapabilities = { atomicLocking: true, history: true, projectScoped: true };
  private readonly client: ServiceClient;
  private token: { value: string; source: string } | undefined;
  private user: Promise<ServiceUser> | undefined;
  /** Updates this instance has running, which `close` ends so no stack is left locked. */
  private readonly sessions = new Set<UpdateSession>();
  private readonly openUrl: (url: string) => boolean;
  private readonly browserLoginTimeoutMs: number;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly configDir: string;
  private defaultOrg: Promise<DefaultOrganization> | undefined;

  constructor(options: ServiceBackendOptions) {
    this.url = options.baseUrl;
    this.token = options.token;
    this.client = new ServiceClient(options.baseUrl, () => this.token?.value, options.fetch);
    this.openUrl = options.openUrl ?? ((url) => openInBrowser(url, process.env));
    this.browserLoginTimeoutMs = options.browserLoginTimeoutMs ?? 5 * 60_000;
    this.env = options.env ?? process.env;
    this.configDir = options.configDir ?? credentialsDirectory(this.env);
  }

  async login(options: BackendLoginOptions): Promise<BackendLoginResult> {
    if (options.browser) {
      this.token = { value: await this.browserLogin(options), source: "browser" };
    } else if (this.token === undefined) {
      if (!options.interactive) {
        throw new CairnError("Unauthenticated", `logging in to ${this.url} needs an access token`, {
          hint: "set PULUMI_ACCESS_TOKEN, run `cairn login` in a terminal to paste one, or `cairn login --browser`",
        });
      }
      const entered = (await options.promptSecret(`Enter your access token from ${this.url}\n    or hit <ENTER> to log in using your browser`)).trim();
      this.token = entered === "" ? { value: await this.browserLogin(options), source: "browser" } : { value: entered, source: "prompt" };
    }
    this.user = undefined;
    this.defaultOrg = undefined;
    await this.serviceUser(); // a wrong token fails here, before anything is stored
    return { accessToken: this.token.value };
  }

  /**
   * The browser login: a one-shot loopback listener, the server's `/cli-login` page (Pulumi's
   * parameters) printed and, where possible, opened; resolves with the new token it hands back.
   */
  private async browserLogin(options: BackendLoginOptions): Promise<string> {
    const flow = await startLoopbackLogin({ timeoutMs: this.browserLoginTimeoutMs });
    const query = new URLSearchParams({ cliSessionPort: String(flow.port), cliSessionNonce: flow.nonce, cliSessionDescription: `cairn login on ${hostname()}` });
    const url = `${this.url}/cli-login?${query}`;
    const opened = this.openUrl(url);
    options.notify(`${opened ? "Opened your browser to log in; if it did not appear, open" : "To log in, open"} this URL in a browser:\n\n  ${url}\n\nWaiting for the login to complete…`);
    return flow.token;
  }

  /** For `whoami -v`: where the token came from and the token redacted (`stored (token pul-…)`). */
  get credentialSource(): string | undefined {
    return this.token === undefined ? undefined : `${this.token.source} (token ${redactToken(this.token.value)})`;
  }

  async currentUser(): Promise<UserInfo> {
    const user = await this.serviceUser();
    const info: UserInfo = { name: user.githubLogin, organizations: user.organizations.map((org) => org.githubLogin) };
    if (this.token !== undefined) {
      info.token = { redacted: redactToken(this.token.value), source: this.token.source, ...(user.tokenInfo?.name ? { name: user.tokenInfo.name } : {}) };
    }
    if (user.tokenInfo !== undefined) {
      const { name = "", organization, team } = user.tokenInfo;
      info.tokenInformation = { name, ...(organization ? { organization } : {}), ...(team ? { team } : {}) };
    }
    return info;
  }

  async verify(): Promise<void> {
    await this.serviceUser();
  }

  /** The organization a stack name without one resolves to, in Pulumi's order (see `default-org.ts`). */
  defaultOrganization(): Promise<DefaultOrganization> {
    this.defaultOrg ??= resolveDefaultOrg({
      env: this.env,
      configDir: this.configDir,
      // Pulumi keys config.json by the backend URL without a trailing slash, as credentials.json.
      configKey: this.url,
      client: this.client,
      userName: async () => (await this.serviceUser()).githubLogin,
    }).catch((error: unknown) => {
      this.defaultOrg = undefined;
      throw error;
    });
    return this.defaultOrg;
  }

  /** Writes config.json's `backends[<url>].defaultOrg`, the entry `pulumi org set-default` writes. */
  async setDefaultOrganization(name: string): Promise<void> {
    validateName("organization", name);
    await setBackendDefaultOrg(this.configDir, this.url, name);
    this.defaultOrg = undefined;
  }

  async listStacks(filter: StackFilter = {}): Promise<StackSummary[]> {
    const summaries: StackSummary[] = [];
    let continuation: string | undefined;
    do {
      const query = new URLSearchParams();
      if (filter.project !== undefined) query.set("project", filter.project);
      if (filter.tagName !== undefined) query.set("tagName", filter.tagName);
      if (filter.tagValue !== undefined) query.set("tagValue", filter.tagValue);
      if (continuation !== undefined) query.set("continuationToken", continuation);
      const page = await this.client.request<{ stacks: ServiceStack[]; continuationToken?: string }>("GET", `/api/user/stacks?${query}`);
      for (const stack of page.stacks) summaries.push(await this.summaryOf(stack));
      continuation = page.continuationToken;
    } while (continuation !== undefined);
    return summaries;
  }

  async getStack(ref: StackRef): Promise<StackSummary | undefined> {
    const stack = await this.client.request<ServiceStack | undefined>("GET", await this.stackPath(ref), { allowNotFound: true });
    return stack === undefined ? undefined : this.summaryOf(stack);
  }

  async createStack(ref: StackRef, options: CreateStackOptions = {}): Promise<StackSummary> {
    const path = await this.stackPath(ref);
    const state = options.initialDeployment === undefined ? undefined : validateDeployment(options.initialDeployment);
    const org = path.split("/")[3];
    const label = labelOf(path);
    try {
      // Not idempotent: sent again after a lost answer it would fail with "already exists".
      await this.client.request("POST", `/api/stacks/${org}/${ref.project}`, { body: { stackName: ref.name, ...(state === undefined ? {} : { state }) }, stackLabel: label });
    } catch (error) {
      if (!isAmbiguous(error)) throw error;
      throw await this.createOutcome(ref, label, error);
    }
    return { ref, resourceCount: ((state?.deployment as { resources?: unknown[] } | undefined)?.resources ?? []).length };
  }

  async removeStack(ref: StackRef, options: RemoveStackOptions = {}): Promise<void> {
    const path = await this.stackPath(ref);
    try {
      await this.client.request("DELETE", `${path}${options.force ? "?force=true" : ""}`, { stackLabel: labelOf(path) });
    } catch (error) {
      // Retried after a lost answer, the delete finds the stack gone: the first try removed it.
      if (isCairnError(error, "NotFound") && error.ambiguous) return;
      throw error;
    }
  }

  async renameStack(ref: StackRef, to: StackRef): Promise<void> {
    if ((await this.orgOf(ref)) !== (await this.orgOf(to))) throw new CairnError("InvalidArgument", "a stack cannot be renamed into another organization");
    const path = await this.stackPath(ref);
    await this.stackPath(to); // checks the new names
    try {
      await this.client.request("POST", `${path}/rename`, { body: { newName: to.name, newProject: to.project }, stackLabel: labelOf(path) });
    } catch (error) {
      if (!isAmbiguous(error)) throw error;
      // The stack where we meant to move it and gone from where it was: the rename happened.
      const [before, after] = await Promise.all([this.getStack(ref), this.getStack(to)]).catch(() => [undefined, undefined]);
      if (before === undefined && after !== undefined) return;
      throw new CairnError("Unavailable", `renaming stack ${labelOf(path)}: ${(error as Error).message}`, {
        cause: error,
        ambiguous: true,
        hint: "`cairn stack ls` shows whether the stack has its new name; run the rename again if it does not",
      });
    }
  }

  async exportDeployment(ref: StackRef, options: { version?: number } = {}): Promise<UntypedDeployment> {
    const path = await this.stackPath(ref);
    return this.client.request<UntypedDeployment>("GET", options.version === undefined ? `${path}/export` : `${path}/export/${options.version}`);
  }

  async importDeployment(ref: StackRef, deployment: UntypedDeployment, options: SaveOptions = {}): Promise<void> {
    const validated = validateDeployment(deployment);
    const path = await this.stackPath(ref);
    // A whole import update (under our own lock a save is `UpdateSession.save`, a checkpoint).
    // Gzipped, as the Pulumi CLI sends an import (see `RequestOptions.gzip`); the body stays
    // Pulumi's, and the update's message (a restore's) rides in cairn-server's `message` parameter.
    // Not idempotent (each import is an update of its own): never sent twice after a lost answer.
    const message = options.record?.message ?? options.message;
    await this.client.request("POST", `${path}/import${message ? `?message=${encodeURIComponent(message)}` : ""}`, {
      body: validated,
      stackLabel: labelOf(path),
      gzip: true,
      unknownOutcomeHint: "`cairn stack history` shows whether a new import update was recorded; run the import again only if it was not",
    });
  }

  async listHistory(ref: StackRef, options: { limit?: number } = {}): Promise<UpdateRecord[]> {
    const path = await this.stackPath(ref);
    const pageSize = Math.min(options.limit ?? 500, 500);
    const records: UpdateRecord[] = [];
    for (let page = 1; ; page++) {
      const { updates } = await this.client.request<{ updates: UpdateRecord[] }>("GET", `${path}/updates?page=${page}&pageSize=${pageSize}`);
      records.push(...updates);
      if (updates.length < pageSize || (options.limit !== undefined && records.length >= options.limit)) break;
    }
    return options.limit === undefined ? records : records.slice(0, options.limit);
  }

  async lockStack(ref: StackRef, operation: string): Promise<StackLock> {
    const path = await this.stackPath(ref);
    const user = await this.serviceUser();
    const session = await UpdateSession.begin(this.client, path, labelOf(path), operation, user.githubLogin, () => this.sessions.delete(session));
    this.sessions.add(session);
    return session;
  }

  /** An update on the service carrying the engine's steps (see `service-update-session.ts`). */
  async beginUpdate(ref: StackRef, kind: string): Promise<EngineUpdateSession> {
    const lock = (await this.lockStack(ref, kind)) as UpdateSession;
    try {
      return new ServiceUpdateSession(lock, await this.exportDeployment(ref));
    } catch (error) {
      await lock.release("failed");
      throw error;
    }
  }

  async getLock(ref: StackRef): Promise<LockInfo[]> {
    const stack = await this.client.request<ServiceStack>("GET", await this.stackPath(ref));
    return stack.currentOperation?.lock === undefined ? [] : [stack.currentOperation.lock];
  }

  async forceUnlock(ref: StackRef): Promise<LockInfo[]> {
    // Idempotent: the server ends whatever update holds the stack (a repeat finds none).
    const { holders } = await this.client.request<{ holders: LockInfo[] }>("POST", `${await this.stackPath(ref)}/cancel`, { body: {}, idempotent: true });
    return holders;
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => session.release("cancelled").catch(() => {})));
  }

  /**
   * The error for a stack create whose answer was lost. Whether the stack exists now is looked
   * up, but it is not taken for our create: another client may have created the same name at the
   * same moment, and reporting that as our success would hide its stack from us.
   */
  private async createOutcome(ref: StackRef, label: string, error: unknown): Promise<CairnError> {
    const exists = await this.getStack(ref).then((found) => found !== undefined, () => undefined);
    const detail = (error as Error).message;
    if (exists === false) {
      return new CairnError("Unavailable", `creating stack ${label}: ${detail}; the stack does not exist, so it was not created`, { cause: error, ambiguous: false, hint: "run the command again" });
    }
    return new CairnError("Unavailable", `creating stack ${label}: ${detail}; ${exists ? "the stack exists now — most likely this request created it" : "whether the stack was created could not be checked"}`, {
      cause: error,
      ambiguous: true,
      hint: `run \`cairn stack ls\` to see whether ${label} exists; if it does, select it (\`cairn stack select ${label}\`) instead of creating it again`,
    });
  }

  private serviceUser(): Promise<ServiceUser> {
    this.user ??= this.client.request<ServiceUser>("GET", "/api/user").catch((error: unknown) => {
      this.user = undefined;
      throw error;
    });
    return this.user;
  }

  async consoleUrl(ref: StackRef, options: { version?: number } = {}): Promise<string | undefined> {
    const base = consoleBaseUrl(this.url, this.env);
    if (base === undefined || ref.project === undefined) return undefined;
    return `${base}${consolePath(await this.orgOf(ref), ref.project, ref.name, options.version)}`;
  }

  private async orgOf(ref: StackRef): Promise<string> {
    return ref.organization === DEFAULT_ORGANIZATION ? (await this.defaultOrganization()).name : ref.organization;
  }

  /** `/api/stacks/<org>/<project>/<stack>`, names checked first so nothing odd reaches the URL. */
  private async stackPath(ref: StackRef): Promise<string> {
    validateName("organization", ref.organization);
    if (ref.project === undefined) {
      const named = ref.organization === DEFAULT_ORGANIZATION ? ref.name : `${ref.organization}/${ref.name}`;
      throw new CairnError("InvalidArgument", `stack ${named} names no project`, { hint: "run inside a project, or name it <org>/<project>/<stack>" });
    }
    validateName("project", ref.project);
    validateName("stack", ref.name);
    return `/api/stacks/${await this.orgOf(ref)}/${ref.project}/${ref.name}`;
  }

  private async summaryOf(stack: ServiceStack): Promise<StackSummary> {
    const defaultOrg = (await this.defaultOrganization()).name;
    const summary: StackSummary = {
      ref: { organization: stack.orgName === defaultOrg ? DEFAULT_ORGANIZATION : stack.orgName, project: stack.projectName, name: stack.stackName },
    };
    if (stack.resourceCount !== undefined) summary.resourceCount = stack.resourceCount;
    if (stack.lastUpdate !== undefined) summary.lastUpdate = new Date(stack.lastUpdate * 1000);
    return summary;
  }
}

/** `org/project/stack`, the stack as the server stores it, from its `/api/stacks/…` path. */
/** The stack as the service names it in a path: `org/project/stack`. */
function labelOf(stackPath: string): string {
  return stackPath.slice("/api/stacks/".length);
}
