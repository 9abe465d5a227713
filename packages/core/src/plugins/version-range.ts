/**
 * `satisfiesRange(version, range)`: npm's semver range test, for the one question cairn asks —
 * does the running `@cairn/core` satisfy a plugin's `peerDependencies["@cairn/core"]`? Written here
 * (not the `semver` package) because it runs each time a plugin is loaded, and this is the whole
 * of what is needed: `||`, space-joined comparators, `<`, `<=`, `>`, `>=`, `=`, `^`, `~`, hyphen
 * ranges and x-ranges (`*`, `1.x`, `1.2`), with npm's rules for partial versions and prereleases
 * (a prerelease satisfies only a comparator set that names a prerelease of the same x.y.z).
 * Returns `undefined` for a range it cannot read (`workspace:`, tags, URLs), so the caller decides.
 */
export function satisfiesRange(version: string, range: string): boolean | undefined {
  const parsed = parseVersion(version);
  if (parsed === undefined) return undefined;
  const sets: Comparator[][] = [];
  for (const text of range.split("||")) {
    const set = parseComparatorSet(text.trim());
    if (set === undefined) return undefined;
    sets.push(set);
  }
  return sets.some((set) => testSet(set, parsed));
}

interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: (string | number)[];
}

type Operator = "<" | "<=" | ">" | ">=" | "=";
/** `version` undefined: matches anything (`*`). */
interface Comparator {
  operator: Operator;
  version?: Version;
}

/** A version as written in a range: missing or `x`/`*` parts are undefined. */
interface Partial {
  major?: number;
  minor?: number;
  patch?: number;
  prerelease: (string | number)[];
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const PARTIAL = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parseVersion(text: string): Version | undefined {
  const match = VERSION.exec(text.trim());
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), prerelease: prereleaseParts(match[4]) };
}

function prereleaseParts(text: string | undefined): (string | number)[] {
  return text === undefined ? [] : text.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function parsePartial(text: string): Partial | undefined {
  const match = PARTIAL.exec(text);
  if (match === null) return undefined;
  const part = (value: string | undefined) => (value === undefined || /^[xX*]$/.test(value) ? undefined : Number(value));
  const major = part(match[1]);
  const minor = major === undefined ? undefined : part(match[2]);
  const patch = minor === undefined ? undefined : part(match[3]);
  // A prerelease only means something on a full version (npm drops it otherwise).
  return { major, minor, patch, prerelease: patch === undefined ? [] : prereleaseParts(match[4]) };
}

const v = (major: number, minor: number, patch: number, prerelease: (string | number)[] = []): Version => ({ major, minor, patch, prerelease });
/** The lowest version of a release line: `<2.0.0-0` excludes 2.0.0's prereleases too, as npm desugars it. */
const floor = (major: number, minor: number, patch: number): Version => v(major, minor, patch, [0]);

function parseComparatorSet(text: string): Comparator[] | undefined {
  if (text === "" || text === "*" || /^[xX]$/.test(text)) return [{ operator: ">=" }];
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
  if (hyphen !== null) {
    const low = desugar(">=", hyphen[1] ?? "");
    const high = desugar("<=", hyphen[2] ?? "");
    return low && high ? [...low, ...high] : undefined;
  }
  // `>= 1.2.3` is `>=1.2.3`: glue an operator to the version after it before splitting.
  const tokens = text.replace(/(<=|>=|<|>|=|\^|~)\s+/g, "$1").split(/\s+/);
  const set: Comparator[] = [];
  for (const token of tokens) {
    const match = /^(<=|>=|<|>|=|\^|~>?|)(.*)$/.exec(token);
    const comparators = match && desugar((match[1] === "~>" ? "~" : match[1]) as string, match[2] ?? "");
    if (!comparators) return undefined;
    set.push(...comparators);
  }
  return set;
}

/** One written comparator (`^1.2`, `<=1`, `1.x`) as primitive comparators, as npm desugars it. */
function desugar(operator: string, text: string): Comparator[] | undefined {
  const p = parsePartial(text);
  if (p === undefined) return undefined;
  const { major, minor, patch, prerelease } = p;
  if (major === undefined) return operator === "<" || operator === ">" ? [{ operator: "<", version: floor(0, 0, 0) }] : [{ operator: ">=" }];
  const exact = minor !== undefined && patch !== undefined ? v(major, minor, patch, prerelease) : undefined;
  const low = exact ?? v(major, minor ?? 0, 0);
  /** The first version past what the partial names (`1` → 2.0.0-0, `1.2` → 1.3.0-0). */
  const past = minor === undefined ? floor(major + 1, 0, 0) : floor(major, minor + 1, 0);
  switch (operator) {
    case "":
    case "=":
      return exact ? [{ operator: "=", version: exact }] : [{ operator: ">=", version: low }, { operator: "<", version: past }];
    case ">=":
      return [{ operator: ">=", version: low }];
    case ">":
      // `>1.2` is `>=1.3.0`: the next release line, its prereleases not included.
      return [exact ? { operator: ">", version: exact } : { operator: ">=", version: { ...past, prerelease: [] } }];
    case "<":
      return [{ operator: "<", version: exact ?? floor(low.major, low.minor, 0) }];
    case "<=":
      return [exact ? { operator: "<=", version: exact } : { operator: "<", version: past }];
    case "~":
      return [{ operator: ">=", version: low }, { operator: "<", version: minor === undefined ? floor(major + 1, 0, 0) : floor(major, minor + 1, 0) }];
    case "^": {
      const high =
        major > 0 || minor === undefined
          ? floor(major + 1, 0, 0)
          : minor > 0 || patch === undefined
            ? floor(0, minor + 1, 0)
            : floor(0, 0, patch + 1);
      return [{ operator: ">=", version: low }, { operator: "<", version: high }];
    }
    default:
      return undefined;
  }
}

function testSet(set: Comparator[], version: Version): boolean {
  if (!set.every((comparator) => testComparator(comparator, version))) return false;
  if (version.prerelease.length === 0) return true;
  // npm: a prerelease is allowed only where the range itself names a prerelease of that x.y.z.
  return set.some(
    ({ version: bound }) =>
      bound !== undefined &&
      bound.prerelease.length > 0 &&
      bound.major === version.major &&
      bound.minor === version.minor &&
      bound.patch === version.patch,
  );
}

function testComparator({ operator, version: bound }: Comparator, version: Version): boolean {
  if (bound === undefined) return true;
  const order = compare(version, bound);
  switch (operator) {
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
    case "=":
      return order === 0;
  }
}

/** Semver precedence: x.y.z numerically, then a prerelease below its release, identifiers left to right. */
function compare(a: Version, b: Version): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  if (a.prerelease.length === 0 && b.prerelease.length === 0) return 0;
  if (a.prerelease.length === 0) return 1;
  if (b.prerelease.length === 0) return -1;
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return Math.sign(x - y);
    if (typeof x === "number") return -1;
    if (typeof y === "number") return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}
