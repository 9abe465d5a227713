import { CairnError } from "../errors.js";

/**
 * Maps store keys to object names under a URL's path prefix (`s3://bucket/team-a` keeps state at
 * `team-a/.pulumi/…`), and back. Object stores share it so the prefix rules live in one place.
 */
export class KeyPrefix {
  /** Normalised: no leading slash, either empty or ending in exactly one `/`. */
  readonly prefix: string;

  constructor(path: string) {
    // Decoded first, so a percent-encoded `%2E%2E` cannot slip past the check.
    const trimmed = decodeURIComponent(path).replace(/^\/+/, "").replace(/\/+$/, "");
    if (trimmed.split("/").some((segment) => segment === "." || segment === "..")) {
      throw new CairnError("InvalidArgument", `the path ${JSON.stringify(path)} may not contain . or .. segments`);
    }
    this.prefix = trimmed === "" ? "" : `${trimmed}/`;
  }

  objectName(key: string): string {
    return `${this.prefix}${key}`;
  }

  /** The store key of an object name, or undefined for objects outside the prefix. */
  keyOf(objectName: string): string | undefined {
    return objectName.startsWith(this.prefix) ? objectName.slice(this.prefix.length) : undefined;
  }
}
