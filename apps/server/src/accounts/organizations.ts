import { CairnError, isCairnError, validateName } from "@cairn/core";
import type { JsonRecords } from "../records/json-records.js";
import { RECORD_KEYS } from "../records/keys.js";
import { keepingOneAdmin } from "./keep-one-admin.js";
import { refuseReservedName } from "./reserved-names.js";
import type { Role } from "./roles.js";

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

/**
 * Organizations and their members. A membership is two records (`members/<org>/<user>`, the
 * authority, and `user-orgs/<user>/<org>`, to list a user's organizations). Two rules keep every
 * organization manageable, for the API and the console alike: its last admin can be neither
 * demoted nor removed, and a personal organization's user is always its admin.
 */
export class Organizations {
  constructor(
    private readonly records: JsonRecords,
    private readonly userExists: (name: string) => Promise<boolean>,
  ) {}

  /** Claims `name` as a new user's personal organization; AlreadyExists (naming the clash) when taken. */
  async claimPersonal(name: string, createdAt: string): Promise<void> {
    try {
      await this.records.create<OrganizationRecord>(RECORD_KEYS.org(name), { name, createdAt, personal: true }, `organization ${name}`);
    } catch (error) {
      if (isCairnError(error, "AlreadyExists")) {
        throw new CairnError("AlreadyExists", `the name ${name} is taken by an existing user or organization`, { hint: "choose another user name" });
      }
      throw error;
    }
  }

  /** Gives back a name `claimPersonal` took, when the user could not be created after all. */
  async release(name: string): Promise<void> {
    await this.records.delete(RECORD_KEYS.org(name));
  }

  /** Creates an organization with `owner` as its admin. */
  async create(name: string, owner: string): Promise<void> {
    validateName("organization", name);
    refuseReservedName("organization", name);
    await this.records.create<OrganizationRecord>(RECORD_KEYS.org(name), { name, createdAt: new Date().toISOString() }, `organization ${name}`);
    await this.setRole(name, owner, "admin");
  }

  async exists(name: string): Promise<boolean> {
    return (await this.get(name)) !== undefined;
  }

  async get(name: string): Promise<OrganizationRecord | undefined> {
    validateName("organization", name);
    return (await this.records.get<OrganizationRecord>(RECORD_KEYS.org(name)))?.value;
  }

  /**
   * Gives `user` `role` in `org` (adding them when not a member). Two rules keep an organization
   * manageable: its last admin cannot be demoted, and a personal organization's user stays its admin.
   */
  async setRole(org: string, user: string, role: Role): Promise<void> {
    const organization = await this.requireOrganization(org);
    if (!(await this.userExists(user))) throw new CairnError("NotFound", `user ${user} does not exist`);
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

  private async requireOrganization(org: string): Promise<OrganizationRecord> {
    const organization = await this.get(org);
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
}

/** A personal organization belongs to its user: they are always its admin (never demoted or removed). */
function refusePersonalOwner(organization: OrganizationRecord, user: string, action: string): void {
  if (organization.personal === true && organization.name === user) {
    throw new CairnError("Conflict", `cannot ${action} ${organization.name}: it is ${user}'s personal organization, and its user is always its admin`, {
      hint: "create a shared organization for a team",
    });
  }
}
