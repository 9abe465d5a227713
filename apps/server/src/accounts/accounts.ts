import { CairnError, isCairnError, validateName } from "@cairn/core";
import { redactToken } from "@cairn/core/driver";
import { JsonRecords } from "../records/json-records.js";
import { RECORD_KEYS } from "../records/keys.js";
import { keepingOneAdmin } from "./keep-one-admin.js";
import { refuseReservedName } from "./reserved-names.js";
import type { Role } from "./roles.js";
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

export interface OrganizationRecord {
  name: string;
  createdAt: string;
  /** A user's own organization (same name as the user): that user is always its admin. */
  personal?: boolean;
}

export interface Membership {
  org: string;
  user: string;
  role: Role;
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
 * Users, organizations, memberships and access tokens. Every user has a personal organization of
 * the same name (their default, as in Pulumi Cloud). Tokens are returned once, at creation.
 */
export class Accounts {
  constructor(private readonly records: JsonRecords) {}

  async createUser(name: string, options: { siteAdmin?: boolean } = {}): Promise<UserRecord> {
    validateName("organization", name);
    refuseReservedName("user", name);
    const user: UserRecord = { name, siteAdmin: options.siteAdmin ?? false, createdAt: new Date().toISOString() };
    // The personal organization's name is claimed first: if someone already made an organization
    // of that name, the user is not created at all (else its "personal" organization would be
    // owned by whoever made it).
    const orgKey = RECORD_KEYS.org(name);
    try {
      await this.records.create<OrganizationRecord>(orgKey, { name, createdAt: user.createdAt, personal: true }, `organization ${name}`);
    } catch (error) {
      if (isCairnError(error, "AlreadyExists")) {
        throw new CairnError("AlreadyExists", `the name ${name} is taken by an existing user or organization`, { hint: "choose another user name" });
      }
      throw error;
    }
    try {
      await this.records.create(RECORD_KEYS.user(name), user, `user ${name}`);
    } catch (error) {
      await this.records.delete(orgKey); // give the name back: nothing half-made stays
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
  async createOrganization(name: string, owner: string): Promise<void> {
    validateName("organization", name);
    refuseReservedName("organization", name);
    await this.records.create<OrganizationRecord>(RECORD_KEYS.org(name), { name, createdAt: new Date().toISOString() }, `organization ${name}`);
    await this.setRole(name, owner, "admin");
  }

  async organizationExists(name: string): Promise<boolean> {
    return (await this.getOrganization(name)) !== undefined;
  }

  async getOrganization(name: string): Promise<OrganizationRecord | undefined> {
    validateName("organization", name);
    return (await this.records.get<OrganizationRecord>(RECORD_KEYS.org(name)))?.value;
  }

  /**
   * Gives `user` `role` in `org` (adding them when not a member). Two rules keep an organization
   * manageable: its last admin cannot be demoted, and a personal organization's user stays its admin.
   */
  async setRole(org: string, user: string, role: Role): Promise<void> {
    const organization = await this.requireOrganization(org);
    if ((await this.getUser(user)) === undefined) throw new CairnError("NotFound", `user ${user} does not exist`);
    if (role === "admin") return this.writeRole(org, user, role);
    refusePersonalOwner(organization, user, `make ${user} a ${role} of`);
    await this.keepingOneOrgAdmin(org, user, () => this.writeRole(org, user, role));
  }

  /** Removes `user` from `org`; NotFound when not a member. The same two rules as `setRole`. */
  async removeMember(org: string, user: string): Promise<void> {
    const organization = await this.requireOrganization(org);
    if ((await this.roleOf(org, user)) === undefined) throw new CairnError("NotFound", `${user} is not a member of ${org}`);
    refusePersonalOwner(organization, user, `remove ${user} from`);
    await this.keepingOneOrgAdmin(org, user, async () => {
      await this.records.delete(RECORD_KEYS.member(org, user));
      await this.records.delete(RECORD_KEYS.userOrg(user, org));
    });
  }

  /** The organization's members, by name. */
  async membersOf(org: string): Promise<Membership[]> {
    const prefix = RECORD_KEYS.members(org);
    const members = (await this.records.list<{ role: Role }>(prefix)).map(({ key, value }) => ({ org, user: key.slice(prefix.length, -".json".length), role: value.role }));
    return members.sort((a, b) => a.user.localeCompare(b.user));
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

  private async requireOrganization(org: string): Promise<OrganizationRecord> {
    const organization = await this.getOrganization(org);
    if (organization === undefined) throw new CairnError("NotFound", `organization ${org} not found`);
    return organization;
  }

  private async writeRole(org: string, user: string, role: Role): Promise<void> {
    await this.records.update(RECORD_KEYS.member(org, user), () => ({ role }));
    await this.records.update(RECORD_KEYS.userOrg(user, org), () => ({ role }));
  }

  private async keepingOneOrgAdmin(org: string, user: string, change: () => Promise<void>): Promise<void> {
    await keepingOneAdmin({
      isAdmin: async () => (await this.roleOf(org, user)) === "admin",
      countAdmins: async () => (await this.membersOf(org)).filter((member) => member.role === "admin").length,
      change,
      undo: () => this.writeRole(org, user, "admin"),
      lastAdmin: () => new CairnError("Conflict", `${user} is the last admin of ${org}: nobody could manage its members without one`, { hint: "make another member an admin first" }),
      raced: () => new CairnError("Conflict", `another admin of ${org} was changed at the same time, so this change was undone`, { hint: "reload and try again" }),
    });
  }

  /** The user's role in `org`, or undefined when not a member (the membership record is authoritative). */
  async roleOf(org: string, user: string): Promise<Role | undefined> {
    validateName("organization", org);
    validateName("organization", user);
    return (await this.records.get<{ role: Role }>(RECORD_KEYS.member(org, user)))?.value.role;
  }

  /** The organizations a user belongs to, sorted, personal one included. */
  async organizationsOf(user: string): Promise<string[]> {
    return (await this.membershipsOf(user)).map((membership) => membership.org);
  }

  /** The user's memberships with their roles, sorted by organization. */
  async membershipsOf(user: string): Promise<Membership[]> {
    const prefix = RECORD_KEYS.userOrgs(user);
    const memberships: Membership[] = [];
    for (const key of await this.records.keys(prefix)) {
      const org = key.slice(prefix.length, -".json".length);
      const role = await this.roleOf(org, user);
      if (role !== undefined) memberships.push({ org, user, role });
    }
    return memberships.sort((a, b) => (a.org < b.org ? -1 : a.org > b.org ? 1 : 0));
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

/** A personal organization belongs to its user: they are always its admin (never demoted or removed). */
function refusePersonalOwner(organization: OrganizationRecord, user: string, action: string): void {
  if (organization.personal === true && organization.name === user) {
    throw new CairnError("Conflict", `cannot ${action} ${organization.name}: it is ${user}'s personal organization, and its user is always its admin`, {
      hint: "create a shared organization for a team",
    });
  }
}

function invalidToken(): CairnError {
  return new CairnError("Unauthenticated", "the access token is invalid or has been revoked", {
    hint: "create a new token and run `cairn login` again",
  });
}
