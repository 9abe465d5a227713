/**
 * Stand-in for Pulumi's `resources.json` schema, which `deployments.json` references by `$id` for
 * every resource (`…/resources.json#v3`). The upstream file pulls in further schemas
 * (property values); this stand-in checks what cairn itself relies on — a resource is an object
 * with string `urn` and `type` — plus the types of the fields the layout reads or rewrites
 * (`parent`, `provider`, `dependencies`, …). Unknown fields stay allowed, so state written by a
 * newer Pulumi still validates.
 */
export const RESOURCES_SCHEMA_ID = "https://github.com/pulumi/pulumi/blob/master/sdk/go/common/apitype/resources.json";

const urnList = { type: "array", items: { type: "string" } };

export const RESOURCES_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: RESOURCES_SCHEMA_ID,
  title: "Pulumi Resource State (cairn stand-in)",
  oneOf: [{ $ref: "#v3" }],
  $defs: {
    resourceV3: {
      $anchor: "v3",
      title: "Resource V3",
      type: "object",
      properties: {
        urn: { type: "string" },
        type: { type: "string" },
        custom: { type: "boolean" },
        delete: { type: "boolean" },
        id: { type: "string" },
        inputs: { type: "object" },
        outputs: { type: "object" },
        parent: { type: "string" },
        protect: { type: "boolean" },
        external: { type: "boolean" },
        dependencies: urnList,
        initErrors: { type: "array", items: { type: "string" } },
        provider: { type: "string" },
        // Pulumi's own v1→v3 migration writes `null` for an input without dependencies (a nil Go
        // slice), and the checkpoint fixtures contain such nulls; Go reads them back fine.
        propertyDependencies: { type: "object", additionalProperties: { anyOf: [urnList, { type: "null" }] } },
        aliases: urnList,
        deletedWith: { type: "string" },
        replaceWith: urnList,
        viewOf: { type: "string" },
      },
      required: ["urn", "type"],
    },
  },
};
