/**
 * Pulumi's URN and provider-reference rules (`sdk/go/common/resource/urn`,
 * `sdk/go/common/providers`), as far as its snapshot integrity check applies them. Pulumi checks
 * only the shape below, not the tokens inside, so these do not either: project names with spaces
 * and custom component types are real.
 */

const URN_PREFIX = "urn:pulumi:";
const NAME_DELIMITER = "::";
const PROVIDERS_MODULE_PREFIX = "pulumi:providers:";

/** The id Pulumi gives a provider reference whose provider has no id yet. */
export const UNKNOWN_PROVIDER_ID = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** `urn:pulumi:<stack>::<project>::<type>::<name>`: the prefix and at least three `::`. */
export function isUrn(value: string): boolean {
  if (!value.startsWith(URN_PREFIX)) return false;
  let count = 0;
  for (let at = value.indexOf(NAME_DELIMITER); at !== -1; at = value.indexOf(NAME_DELIMITER, at + NAME_DELIMITER.length)) {
    if (++count === 3) return true;
  }
  return false;
}

/** `pulumi:providers:<package>`: a provider resource's type token. */
export function isProviderType(type: string): boolean {
  return type.startsWith(PROVIDERS_MODULE_PREFIX) && type.length > PROVIDERS_MODULE_PREFIX.length;
}

/** The parts of `urn:pulumi:<stack>::<project>::<qualified type>::<name>`. */
export interface UrnParts {
  stack: string;
  project: string;
  /** The type with its parents' types before it, `$`-separated (a child's URN prefixes them). */
  qualifiedType: string;
  /** The resource's own type: the qualified type after its last `$`. */
  type: string;
  /** May itself contain `::`. */
  name: string;
}

/**
 * The one URN parser: the parts of `value`, or undefined when it does not start with
 * `urn:pulumi:`. A value with fewer than three `::` gets empty parts for what it lacks; `isUrn`
 * says whether it is whole.
 */
export function urnParts(value: string): UrnParts | undefined {
  if (!value.startsWith(URN_PREFIX)) return undefined;
  const parts = value.slice(URN_PREFIX.length).split(NAME_DELIMITER);
  const qualifiedType = parts[2] ?? "";
  return {
    stack: parts[0] ?? "",
    project: parts[1] ?? "",
    qualifiedType,
    type: qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1),
    name: parts.slice(3).join(NAME_DELIMITER),
  };
}

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>`. */
export function formatUrn(parts: Omit<UrnParts, "type">): string {
  return `${URN_PREFIX}${[parts.stack, parts.project, parts.qualifiedType, parts.name].join(NAME_DELIMITER)}`;
}

/** A URN that can be referenced as a provider: a valid URN whose type is a provider type. */
export function isProviderUrn(urn: string): boolean {
  return isUrn(urn) && isProviderType(urnParts(urn)!.type);
}

/**
 * A resource's `provider` field, `<provider urn>::<provider id>`, split at the last `::` (so the id
 * never contains `::`); undefined when the part before it is not a provider URN.
 */
export function parseProviderReference(reference: string): { urn: string; id: string } | undefined {
  const split = reference.lastIndexOf(NAME_DELIMITER);
  if (split === -1) return undefined;
  const urn = reference.slice(0, split);
  return isProviderUrn(urn) ? { urn, id: reference.slice(split + NAME_DELIMITER.length) } : undefined;
}
