import { CairnError, isCairnError, validateName } from "@cairn/core";
import { redactToken } from "@cairn/core/driver";
import { JsonRecords } from "../records/json-records.js";
import { RECORD_KEYS } from "../records/keys.js";
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
      await this.records.create(orgKey, { name, createdAt: user.createdAt, personal: true }, `organization ${name}`);
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

  async getUser(name: string): Promise<UserRecord | undefined> {
    return (await this.records.get<UserRecord>(RECORD_KEYS.user(name)))?.value;
  }

  async anyUserExists(): Promise<boolean> {
    return (await this.records.keys(RECORD_KEYS.users())).length > 0;
  }

  /** Creates an organization with `owner` as its admin. */
  async createOrganization(name: string, owner: string): Promise<void> {
    validateName("organization", name);
    refuseReservedName("organization", name);
    await this.records.create(RECORD_KEYS.org(name), { name, createdAt: new Date().toISOString() }, `organization ${name}`);
    await this.setRole(name, owner, "admin");
  }

  async organizationExists(name: string): Promise<boolean> {
    return (await this.records.get(RECORD_KEYS.org(name))) !== undefined;
  }

  async setRole(org: string, user: string, role: Role): Promise<void> {
    if ((await this.getUser(user)) === undefined) throw new CairnError("NotFound", `user ${user} does not exist`);
    await this.records.update(RECORD_KEYS.member(org, user), () => ({ role }));
    await this.records.update(RECORD_KEYS.userOrg(user, org), () => ({ role }));
  }

  async removeMember(org: string, user: string): Promise<void> {
    await this.records.delete(RECORD_KEYS.member(org, user));
    await this.records.delete(RECORD_KEYS.userOrg(user, org));
  }

  /** The user's role in `org`, or undefined when not a member (the membership record is authoritative). */
  async roleOf(org: string, user: string): Promise<Role | undefined> {
    return (await this.records.get<{ role: Role }>(RECORD_KEYS.member(org, user)))?.value.role;
  }

  /** The organizations a user belongs to, sorted, personal one included. */
  async organizationsOf(user: string): Promise<string[]> {
    const prefix = RECORD_KEYS.userOrgs(user);
    const orgs: string[] = [];
    for (const key of await this.records.keys(prefix)) {
      const org = key.slice(prefix.length, -".json".length);
      if ((await this.roleOf(org, user)) !== undefined) orgs.push(org);
    }
    return orgs.sort();
  }

  /** Issues a token for `user`; the secret is in the result and nowhere else. */
  async issueToken(user: string, description: string, secret = newSecretToken()): Promise<{ token: string; record: TokenRecord }> {
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

  async tokensOf(user: string): Promise<TokenRecord[]> {
    const all = await this.records.list<TokenRecord>(RECORD_KEYS.tokens());
    return all.map((entry) => entry.value).filter((token) => token.user === user);
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
