import { CairnError, isCairnError, validateName } from "@cairn/core";
import { redactToken } from "@cairn/core/driver";
import { JsonRecords } from "../records/json-records.js";
import { RECORD_KEYS } from "../records/keys.js";
import { keepingOneAdmin } from "./keep-one-admin.js";
import { Organizations, type Membership, type OrganizationRecord } from "./organizations.js";
import { refuseReservedName } from "./reserved-names.js";
import type { Role } from "./roles.js";

export type { Membership, OrganizationRecord } from "./organizations.js";
import { hashToken, newSecretToken } from "./token-hash.js";

export interface UserRecord {
  name: string;
  /** May manage users and every organization. */
  siteAdmin: boolean;
  createdAt: string;
}

export interface TokenRecord {
  /** A short public id (the digest's first 16 hex digits): what lists and revocation use. */
  id: string;
  user: string;
  description: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
  /** First characters only (`pul-…`), to tell tokens apart in a list. */
  redacted: string;
}

/** The longest token description kept (the CLI's login descriptions are cut to this too). */
export const TOKEN_DESCRIPTION_MAX = 200;

export interface Principal {
  user: UserRecord;
  token: TokenRecord;
}

/** How stale `lastUsedAt` may get before a request records use (one write per minute, not per request). */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Users and access tokens, and (through `organizations`) organizations and memberships. Every user has a personal organization of
 * the same name (their default, as in Pulumi Cloud). Tokens are returned once, at creation.
 */
export class Accounts {
  /** Organizations and their members (the rules that keep each one manageable live there). */
  readonly organizations: Organizations;

  constructor(private readonly records: JsonRecords) {
    this.organizations = new Organizations(records, async (name) => (await this.getUser(name)) !== undefined);
  }

  async createUser(name: string, options: { siteAdmin?: boolean } = {}): Promise<UserRecord> {
    validateName("organization", name);
    refuseReservedName("user", name);
    const user: UserRecord = { name, siteAdmin: options.siteAdmin ?? false, createdAt: new Date().toISOString() };
    // The personal organization's name is claimed first: if someone already made an organization
    // of that name, the user is not created at all (else its "personal" organization would be
    // owned by whoever made it).
    await this.organizations.claimPersonal(name, user.createdAt);
    try {
      await this.records.create(RECORD_KEYS.user(name), user, `user ${name}`);
    } catch (error) {
      await this.organizations.release(name); // give the name back: nothing half-made stays
      throw error;
    }
    await this.setRole(name, name, "admin");
    return user;
  }

  /**
   * Claims a CLI login's nonce for one hand-off: the first claim wins (a create-only record of its
   * digest), any replay of the same link is refused, so one login request mints one token.
   */
  async claimLoginNonce(nonce: string): Promise<void> {
    try {
      await this.records.create(RECORD_KEYS.loginRequest(hashToken(nonce)), { usedAt: new Date().toISOString() }, "login request");
    } catch (error) {
      if (!isCairnError(error, "AlreadyExists")) throw error;
      throw new CairnError("Conflict", "this sign-in link was already used", { hint: "run the login command again for a new link" });
    }
  }

  /** The user of that name (a name that could not be one is a 400: it never reaches a record key). */
  async getUser(name: string): Promise<UserRecord | undefined> {
    validateName("organization", name);
    return (await this.records.get<UserRecord>(RECORD_KEYS.user(name)))?.value;
  }

  async anyUserExists(): Promise<boolean> {
    return (await this.records.keys(RECORD_KEYS.users())).length > 0;
  }

  /** Creates an organization with `owner` as its admin. */
  createOrganization(name: string, owner: string): Promise<void> {
    return this.organizations.create(name, owner);
  }
  organizationExists(name: string): Promise<boolean> {
    return this.organizations.exists(name);
  }
  getOrganization(name: string): Promise<OrganizationRecord | undefined> {
    return this.organizations.get(name);
  }
  setRole(org: string, user: string, role: Role): Promise<void> {
    return this.organizations.setRole(org, user, role);
  }
  removeMember(org: string, user: string): Promise<void> {
    return this.organizations.removeMember(org, user);
  }
  membersOf(org: string): Promise<Membership[]> {
    return this.organizations.membersOf(org);
  }
  roleOf(org: string, user: string): Promise<Role | undefined> {
    return this.organizations.roleOf(org, user);
  }
  organizationsOf(user: string): Promise<string[]> {
    return this.organizations.organizationsOf(user);
  }
  membershipsOf(user: string): Promise<Membership[]> {
    return this.organizations.membershipsOf(user);
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.records.list<UserRecord>(RECORD_KEYS.users())).map((entry) => entry.value).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Grants or takes away site admin; the last site admin keeps it (someone must be able to manage users). */
  async setSiteAdmin(name: string, siteAdmin: boolean): Promise<void> {
    if ((await this.getUser(name)) === undefined) throw new CairnError("NotFound", `user ${name} does not exist`);
    const write = (value: boolean) => this.records.update<UserRecord>(RECORD_KEYS.user(name), (current) => (current === undefined ? undefined : { ...current, siteAdmin: value })).then(() => {});
    if (siteAdmin) return write(true);
    await keepingOneAdmin({
      isAdmin: async () => (await this.getUser(name))?.siteAdmin === true,
      countAdmins: async () => (await this.listUsers()).filter((user) => user.siteAdmin).length,
      change: () => write(false),
      undo: () => write(true),
      lastAdmin: () => new CairnError("Conflict", `${name} is the last site admin: nobody could manage users without one`, { hint: "make another user a site admin first" }),
      raced: () => new CairnError("Conflict", "another site admin was changed at the same time, so this change was undone", { hint: "reload and try again" }),
    });
  }

  /** Issues a token for `user`; the secret is in the result and nowhere else. */
  async issueToken(user: string, description: string, secret = newSecretToken()): Promise<{ token: string; record: TokenRecord }> {
    if (description.length > TOKEN_DESCRIPTION_MAX) {
      throw new CairnError("InvalidArgument", `a token description is at most ${TOKEN_DESCRIPTION_MAX} characters (this one has ${description.length})`, { hint: "shorten the description" });
    }
    const hash = hashToken(secret);
    const record: TokenRecord = { id: hash.slice(0, 16), user, description, createdAt: new Date().toISOString(), redacted: redactToken(secret) };
    await this.records.create(RECORD_KEYS.token(hash), record, "token");
    return { token: secret, record };
  }

  /** The user and token a secret belongs to, or an Unauthenticated error (unknown or revoked). */
  async authenticate(secret: string): Promise<Principal> {
    const key = RECORD_KEYS.token(hashToken(secret));
    const found = await this.records.get<TokenRecord>(key);
    if (found === undefined || found.value.revokedAt !== undefined) throw invalidToken();
    const user = await this.getUser(found.value.user);
    if (user === undefined) throw invalidToken();
    const last = found.value.lastUsedAt === undefined ? 0 : Date.parse(found.value.lastUsedAt);
    if (Date.now() - last > LAST_USED_RESOLUTION_MS) {
      // Best effort: a concurrent request recording the same use is not worth a retry.
      await this.records.replace(key, { ...found.value, lastUsedAt: new Date().toISOString() }, found.version).catch(() => {});
    }
    return { user, token: found.value };
  }

  /** The user's tokens (revoked ones too), newest first. */
  async tokensOf(user: string): Promise<TokenRecord[]> {
    return (await this.allTokens()).filter((token) => token.user === user);
  }

  /** Every user's tokens, newest first (one listing, for pages that count them per user). */
  async allTokens(): Promise<TokenRecord[]> {
    const all = await this.records.list<TokenRecord>(RECORD_KEYS.tokens());
    return all.map((entry) => entry.value).sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  /** Revokes the user's token with public id `id`; NotFound when the user has no such token. */
  async revokeToken(user: string, id: string): Promise<void> {
    for (const key of await this.records.keys(RECORD_KEYS.tokens())) {
      if (!key.slice(RECORD_KEYS.tokens().length).startsWith(id)) continue;
      const updated = await this.records.update<TokenRecord>(key, (current) =>
        current !== undefined && current.user === user && current.id === id && current.revokedAt === undefined
          ? { ...current, revokedAt: new Date().toISOString() }
          : undefined,
      );
      if (updated?.user === user && updated.id === id) return;
    }
    throw new CairnError("NotFound", `no token ${id} for user ${user}`);
  }
}

function invalidToken(): CairnError {
  return new CairnError("Unauthenticated", "the access token is invalid or has been revoked", {
    hint: "create a new token and run `cairn login` again",
  });
}
