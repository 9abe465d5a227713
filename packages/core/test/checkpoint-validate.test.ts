import { describe, expect, it } from "vitest";
import { parseVersionedCheckpoint, validateDeployment, MAX_JSON_DEPTH, SUPPORTED_FEATURES } from "../src/index.js";
import { fixtureText, memorySpace, DEV } from "./layout-test-helpers.js";
import { cairnErrorFrom, cairnErrorThrownBy } from "./cairn-error.js";
import {
  BUCKET_URN,
  OBJECT_URN,
  PROVIDER_ID,
  PROVIDER_REF,
  PROVIDER_URN,
  SECRET,
  SIG,
  STACK_URN,
  compact,
  exported,
  manifest,
  resources,
} from "./deployment-builders.js";

type Json = Record<string, unknown>;

const PULUMI_FEATURES = ["refreshBeforeUpdate", "views", "hooks", "taint", "replaceWith", "snippets-prototype", "extensionParameterization", "byteString"];

/** A resource carrying every optional field of Pulumi's `ResourceV3`, plus fields no Pulumi has yet. */
function resourceWithEveryField(): Json {
  return {
    urn: "urn:pulumi:dev::shop::aws:s3/bucket:Bucket::logs",
    custom: true,
    delete: false,
    id: "logs-1",
    type: "aws:s3/bucket:Bucket",
    inputs: { tags: { team: "web" } },
    outputs: { arn: "arn:aws:s3:::logs-1", key: { [SIG]: SECRET, ciphertext: "v1:aa:bb" } },
    parent: STACK_URN,
    protect: true,
    taint: true,
    external: false,
    dependencies: [BUCKET_URN, ""],
    initErrors: ["creating bucket: timeout"],
    provider: PROVIDER_REF,
    propertyDependencies: { tags: [BUCKET_URN], acl: null },
    pendingReplacement: false,
    additionalSecretOutputs: ["key"],
    aliases: ["urn:pulumi:dev::shop::aws:s3/bucket:Bucket::old-logs"],
    customTimeouts: { create: 600, update: 0, delete: 60 },
    importID: "logs-1",
    retainOnDelete: true,
    deletedWith: BUCKET_URN,
    replaceWith: [BUCKET_URN],
    created: "2026-05-06T07:08:09Z",
    modified: "2026-05-07T07:08:09.5+02:00",
    sourcePosition: "project:///index.ts#12,5",
    stackTrace: [{ sourcePosition: "project:///index.ts#12,5" }],
    ignoreChanges: ["tags"],
    hideDiff: [["tags", "team"]],
    replaceOnChanges: ["acl"],
    replacementTrigger: { generation: 2 },
    refreshBeforeUpdate: true,
    viewOf: BUCKET_URN,
    resourceHooks: { beforeCreate: ["notify"] },
    hooks: { beforeDelete: ["page"] },
    extensionRef: "ext-1",
    snippetID: "snippet-1",
    fromTheFuture: { nested: [1, "two", null, { deep: true }] },
  };
}

/** Documents Pulumi writes or reads, each round-tripped byte for byte. */
const ACCEPTED: Array<[string, () => unknown]> = [
  ["version 3", () => exported()],
  ...PULUMI_FEATURES.map((feature): [string, () => unknown] => [`version 4 with feature ${feature}`, () => exported({ version: 4, features: [feature] })]),
  ["version 4 with all of Pulumi's features", () => exported({ version: 4, features: PULUMI_FEATURES })],
  ["a resource with every optional field", () => exported({ resources: [...resources(), resourceWithEveryField()] })],
  ["unknown fields at every level", () => ({ ...exported({ body: { futureTopLevel: { a: 1 } } }), exportedBy: "pulumi v9", deployment: { ...exported().deployment, manifest: { ...manifest(), build: "x" }, later: [] } })],
  ["extensions", () => exported({ body: { extensions: { "ext-1": { name: "aws", version: "6.0.0", value: "AQID" } } } })],
  ["metadata", () => exported({ body: { metadata: { integrity_error: { version: "v3.274.1", command: "pulumi up", error: "boom", env_vars: { CI: "1" } } } } })],
  ["pending_operations", () => exported({ body: { pending_operations: [{ resource: { urn: "urn:pulumi:dev::shop::aws:s3/bucket:Bucket::tmp", custom: true, type: "aws:s3/bucket:Bucket" }, type: "creating" }] } })],
  ["snippets", () => exported({ version: 4, features: ["snippets-prototype"], body: { snippets: [{ uuid: "a", name: "n", type: "t", code: "c", descriptor: { name: "p" } }] } })],
  ["a replaced resource kept beside its replacement (duplicate URN, delete: true)", () => exported({ resources: [...resources(), { ...resources()[2], id: "assets-old", delete: true }] })],
  ["a pendingReplacement resource naming a provider that is gone", () => exported({ resources: [...resources(), { urn: "urn:pulumi:dev::shop::aws:s3/bucket:Bucket::old", custom: true, type: "aws:s3/bucket:Bucket", provider: `${PROVIDER_URN}::old-id`, pendingReplacement: true }] })],
  ["a provider without an id, referenced by Pulumi's unknown id", () => exported({ resources: [{ urn: PROVIDER_URN, custom: true, type: "pulumi:providers:aws" }, { urn: BUCKET_URN, custom: true, type: "aws:s3/bucket:Bucket", provider: `${PROVIDER_URN}::04da6b54-80e4-46f7-96ec-b56ff0331ba9` }] })],
  ["null for struct fields (Go's absent)", () => exported({ body: { secrets_providers: null, pending_operations: null, resources: [{ urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack", parent: null, dependencies: null, inputs: null, protect: null }] } })],
  ["no resources at all", () => ({ version: 3, deployment: { manifest: manifest() } })],
];

describe("validateDeployment accepts what Pulumi writes", () => {
  it.each(ACCEPTED)("%s, returning the same object", (_name, build) => {
    const document = build();
    const text = compact(document);
    expect(validateDeployment(document)).toBe(document); // no copy: a large state costs one walk
    expect(compact(document)).toBe(text);
  });

  it.each(ACCEPTED)("%s, byte for byte through import and export", async (_name, build) => {
    const space = memorySpace();
    const backend = space.backend();
    await backend.createStack(DEV);
    const text = compact(build());
    await backend.importDeployment(DEV, JSON.parse(text) as never);
    const exportedBack = await backend.exportDeployment(DEV);
    // Top-level fields beyond version/features/deployment have no place in Pulumi's stack file.
    const { version, features, deployment } = JSON.parse(text) as Json;
    expect(compact(exportedBack)).toBe(compact({ version, ...(features === undefined ? {} : { features }), deployment }));
  });

  it("reads `deployment: null` (a never-updated stack's export) as an empty stack", async () => {
    const empty = validateDeployment({ version: 3, deployment: null });
    expect(empty).toEqual({ version: 3, deployment: { manifest: { time: "0001-01-01T00:00:00Z", magic: "", version: "" } } });
    const space = memorySpace();
    const backend = space.backend();
    await backend.createStack(DEV);
    await backend.importDeployment(DEV, { version: 4, features: ["views"], deployment: null } as never);
    expect(await backend.exportDeployment(DEV)).toEqual({ version: 4, features: ["views"], deployment: empty.deployment });
  });

  it("supports exactly Pulumi's feature set", () => {
    expect([...SUPPORTED_FEATURES].sort()).toEqual([...PULUMI_FEATURES].sort());
  });

  it("migrates versions 1 and 2 to version 3 the way Pulumi does", () => {
    const v1Resources = [
      { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack", dependencies: null, initErrors: null },
      { urn: BUCKET_URN, custom: true, id: "assets-1234", type: "aws:s3/bucket:Bucket", inputs: { acl: "private" }, defaults: { acl: "private" }, parent: STACK_URN, dependencies: [STACK_URN], initErrors: null },
    ];
    const migratedBucket = { urn: BUCKET_URN, custom: true, id: "assets-1234", type: "aws:s3/bucket:Bucket", inputs: { acl: "private" }, parent: STACK_URN, dependencies: [STACK_URN], propertyDependencies: { acl: [STACK_URN] } };
    for (const version of [1, 2]) {
      const migrated = validateDeployment({ version, deployment: { manifest: manifest(), resources: v1Resources } });
      expect(migrated.version).toBe(3);
      expect(compact(migrated.deployment)).toBe(compact({ manifest: manifest(), resources: [{ urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack" }, migratedBucket] }));
    }
  });

  it("validates a 10,000-resource state in one walk without copying it", () => {
    const many = exported({ resources: [...resources(), ...Array.from({ length: 10_000 }, (_, index) => ({ ...resources()[3], urn: `${OBJECT_URN}-${index}` }))] });
    const before = compact(many);
    expect(validateDeployment(many)).toBe(many);
    expect(compact(many)).toBe(before);
  });
});

interface Refusal {
  name: string;
  document: () => unknown;
  path: string;
  says: string | RegExp;
}

/** `exported()` with one resource changed (or replaced when `change` returns a value). */
function withResource(index: number, change: (resource: Json) => Json | void): unknown {
  const document = exported();
  const resource = document.deployment.resources[index]!;
  document.deployment.resources[index] = change(resource) ?? resource;
  return document;
}

const REFUSED: Refusal[] = [
  { name: "not an object", document: () => [exported()], path: "(document)", says: "must be a JSON object" },
  { name: "null", document: () => null, path: "(document)", says: "must be a JSON object" },
  { name: "missing version", document: () => ({ deployment: exported().deployment }), path: "version", says: "is required" },
  { name: "a string version", document: () => ({ ...exported(), version: "3" }), path: "version", says: "must be integer" },
  { name: "version 0", document: () => ({ ...exported(), version: 0 }), path: "version", says: "0 is not a deployment version" },
  { name: "version 5", document: () => ({ ...exported(), version: 5 }), path: "version", says: /deployment version 5 is newer than this cairn understands/ },
  { name: "a feature Pulumi does not have", document: () => exported({ version: 4, features: ["views", "teleportation"] }), path: "features[1]", says: 'requires feature "teleportation"' },
  { name: "features that are not a list", document: () => ({ ...exported({ version: 4 }), features: "views" }), path: "features", says: "must be an array" },
  { name: "features on version 3", document: () => exported({ features: ["views"] }), path: "features", says: "only version 4" },
  { name: "no deployment", document: () => ({ version: 3 }), path: "deployment", says: "is required" },
  { name: "a deployment that is a list", document: () => ({ version: 3, deployment: [] }), path: "deployment", says: "must be an object" },
  { name: "resources that are an object", document: () => exported({ body: { resources: {} } }), path: "deployment.resources", says: "must be an array" },
  { name: "a resource that is a string", document: () => withResource(2, () => "bucket" as never), path: "deployment.resources[2]", says: "must be an object" },
  { name: "a resource without a urn", document: () => withResource(2, (r) => void delete r.urn), path: "deployment.resources[2].urn", says: "is required" },
  { name: "a numeric urn", document: () => withResource(2, (r) => void (r.urn = 42)), path: "deployment.resources[2].urn", says: "must be string" },
  { name: "a urn that is not a URN", document: () => withResource(2, (r) => void (r.urn = "assets")), path: "deployment.resources[2].urn", says: "is not a URN" },
  { name: "a urn with too few parts", document: () => withResource(2, (r) => void (r.urn = "urn:pulumi:dev::shop::assets")), path: "deployment.resources[2].urn", says: "is not a URN" },
  { name: "a resource without a type", document: () => withResource(1, (r) => void delete r.type), path: "deployment.resources[1].type", says: "is required" },
  { name: "an empty type", document: () => withResource(3, (r) => void (r.type = "")), path: "deployment.resources[3].type", says: "must be string, a non-empty type token" },
  { name: "a duplicate live URN", document: () => exported({ resources: [...resources(), { ...resources()[2] }] }), path: "deployment.resources[4].urn", says: "duplicate URN" },
  { name: "a parent that comes later", document: () => exported({ resources: [{ ...resources()[2]!, provider: undefined }, resources()[0]!] }), path: "deployment.resources[0].parent", says: "comes after this resource" },
  { name: "a parent that is missing", document: () => withResource(3, (r) => void (r.parent = "urn:pulumi:dev::shop::my:Component::gone")), path: "deployment.resources[3].parent", says: "is not a resource in this deployment" },
  { name: "a dependency that comes later", document: () => withResource(2, (r) => void (r.dependencies = [OBJECT_URN])), path: "deployment.resources[2].dependencies[0]", says: "comes after this resource" },
  { name: "a dependency that is missing", document: () => withResource(3, (r) => void (r.dependencies = [BUCKET_URN, "urn:pulumi:dev::shop::aws:s3/bucket:Bucket::gone"])), path: "deployment.resources[3].dependencies[1]", says: "is not a resource" },
  { name: "a property dependency that is missing", document: () => withResource(3, (r) => void (r.propertyDependencies = { bucket: ["urn:pulumi:dev::shop::a:b:C::gone"] })), path: "deployment.resources[3].propertyDependencies.bucket[0]", says: "is not a resource" },
  { name: "deletedWith naming a later resource", document: () => withResource(2, (r) => void (r.deletedWith = OBJECT_URN)), path: "deployment.resources[2].deletedWith", says: "comes after" },
  { name: "replaceWith naming a missing resource", document: () => withResource(3, (r) => void (r.replaceWith = ["urn:pulumi:dev::shop::a:b:C::gone"])), path: "deployment.resources[3].replaceWith[0]", says: "is not a resource" },
  { name: "a provider reference without an id", document: () => withResource(2, (r) => void (r.provider = "aws")), path: "deployment.resources[2].provider", says: "is not a provider reference" },
  { name: "a provider reference to a non-provider URN", document: () => withResource(3, (r) => void (r.provider = `${BUCKET_URN}::assets-1234`)), path: "deployment.resources[3].provider", says: "is not a provider reference" },
  { name: "a provider reference with the wrong id", document: () => withResource(3, (r) => void (r.provider = `${PROVIDER_URN}::other-id`)), path: "deployment.resources[3].provider", says: "is not among the resources before it" },
  { name: "a provider that comes later", document: () => exported({ resources: [resources()[0]!, resources()[2]!, resources()[1]!] }), path: "deployment.resources[1].provider", says: "comes after this resource" },
  { name: "a provider resource whose URN is not a provider's", document: () => withResource(1, (r) => ({ ...r, type: "pulumi:providers:gcp", urn: "urn:pulumi:dev::shop::gcp:x:Y::p" })), path: "deployment.resources[1].urn", says: "must have a provider URN" },
  { name: "a secret with neither ciphertext nor plaintext", document: () => withResource(2, (r) => void (r.outputs = { nested: { list: ["a", { [SIG]: SECRET, value: "x" }] } })), path: "deployment.resources[2].outputs.nested.list[1]", says: "a secret must hold a string `ciphertext`" },
  { name: "a secret whose ciphertext is not a string", document: () => withResource(3, (r) => void (r.inputs = { "db-password": { [SIG]: SECRET, ciphertext: 7 } })), path: 'deployment.resources[3].inputs["db-password"]', says: "a secret must hold" },
  { name: "secrets_providers without a type", document: () => exported({ body: { secrets_providers: { state: {} } } }), path: "deployment.secrets_providers.type", says: "must be string" },
  { name: "secrets_providers that is a string", document: () => exported({ body: { secrets_providers: "passphrase" } }), path: "deployment.secrets_providers", says: "must be an object" },
  { name: "a string where Go has a bool", document: () => withResource(2, (r) => void (r.custom = "yes")), path: "deployment.resources[2].custom", says: "must be boolean" },
  { name: "a list of numbers where Go has []string", document: () => withResource(3, (r) => void (r.dependencies = [BUCKET_URN, 3])), path: "deployment.resources[3].dependencies[1]", says: "must be string" },
  { name: "inputs that are a list", document: () => withResource(2, (r) => void (r.inputs = [])), path: "deployment.resources[2].inputs", says: "must be object" },
  { name: "a created time that is not RFC 3339", document: () => withResource(2, (r) => void (r.created = "yesterday")), path: "deployment.resources[2].created", says: "RFC 3339" },
  { name: "a manifest time that is not RFC 3339", document: () => exported({ body: { manifest: { ...manifest(), time: "now" } } }), path: "deployment.manifest.time", says: "RFC 3339" },
  { name: "pending_operations that are an object", document: () => exported({ body: { pending_operations: {} } }), path: "deployment.pending_operations", says: "must be an array" },
  { name: "a pending operation's resource with a mistyped field", document: () => exported({ body: { pending_operations: [{ resource: { urn: BUCKET_URN, type: "aws:s3/bucket:Bucket", protect: "no" }, type: "creating" }] } }), path: "deployment.pending_operations[0].resource.protect", says: "must be boolean" },
  { name: "duplicate snippet uuids", document: () => exported({ version: 4, features: ["snippets-prototype"], body: { snippets: [{ uuid: "a" }, { uuid: "a" }] } }), path: "deployment.snippets[1].uuid", says: "duplicate snippet uuid" },
  { name: "an output number JSON reads as Infinity (1e999999)", document: () => withResource(2, (r) => void (r.outputs = JSON.parse('{"sizes":[1,1e999999]}'))), path: "deployment.resources[2].outputs.sizes[1]", says: "is a number too large to store" },
  { name: "an input number JSON reads as -Infinity", document: () => withResource(3, (r) => void (r.inputs = JSON.parse('{"ttl":-1e999999}'))), path: "deployment.resources[3].inputs.ttl", says: "is a number too large to store" },
  { name: "an Infinity outside the resources (metadata)", document: () => exported({ body: { metadata: JSON.parse('{"n":1e400}') } }), path: "deployment.metadata.n", says: "is a number too large to store" },
  { name: "a version 1 resource out of order", document: () => ({ version: 1, deployment: { manifest: manifest(), resources: [{ urn: BUCKET_URN, custom: true, type: "aws:s3/bucket:Bucket", parent: STACK_URN }, { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack" }] } }), path: "deployment.resources[0].parent", says: "comes after" },
];

describe("validateDeployment refuses what would break cairn or Pulumi", () => {
  it.each(REFUSED)("$name: at $path, changing nothing", ({ document: build, path, says }) => {
    const document = build();
    const before = compact(document);
    const error = cairnErrorThrownBy(() => validateDeployment(document));
    expect(error.code).toBe("InvalidArgument");
    expect(error.message).toContain(`${path}: `);
    expect(error.message).toMatch(says);
    expect(error.hint).toBeTruthy(); // what to do next
    expect(compact(document)).toBe(before);
  });

  it("an import refused for any of these leaves the stack and the store exactly as they were", async () => {
    const space = memorySpace();
    const backend = space.backend();
    await backend.createStack(DEV);
    await backend.importDeployment(DEV, exported() as never);
    const keys = await space.keys();
    const texts = await Promise.all(keys.map((key) => space.text(key)));
    for (const { name, document } of REFUSED) {
      const error = await cairnErrorFrom(() => backend.importDeployment(DEV, document() as never));
      expect(error.code, name).toBe("InvalidArgument");
    }
    expect(await space.keys()).toEqual(keys);
    expect(await Promise.all(keys.map((key) => space.text(key)))).toEqual(texts);
  });

  it("names a provider resource's URN, id and position in its reference errors", () => {
    const document = withResource(3, (r) => void (r.provider = `${PROVIDER_URN}::${PROVIDER_ID}x`));
    expect(cairnErrorThrownBy(() => validateDeployment(document)).message).toContain(`${PROVIDER_URN}::${PROVIDER_ID}x`);
  });
});

/** `{ "a": { "a": … leaf } }`, `levels` objects deep, built without recursion. */
function nested(levels: number, leaf: unknown = "x"): unknown {
  let value = leaf;
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

describe("validateDeployment bounds how deeply a deployment nests", () => {
  it(`accepts ${MAX_JSON_DEPTH} levels in all, round trip included`, async () => {
    // The document, `deployment`, `resources` and the resource are 4 levels; `outputs` is the 5th.
    const document = withResource(2, (r) => void (r.outputs = nested(MAX_JSON_DEPTH - 4)));
    expect(validateDeployment(document)).toBe(document);
    const space = memorySpace();
    const backend = space.backend();
    await backend.createStack(DEV);
    await backend.importDeployment(DEV, document as never);
    expect(compact(await backend.exportDeployment(DEV))).toBe(compact(document));
  });

  it("refuses one level more, naming where it starts", () => {
    const error = cairnErrorThrownBy(() => validateDeployment(withResource(2, (r) => void (r.outputs = nested(MAX_JSON_DEPTH - 3)))));
    expect(error.code).toBe("InvalidArgument");
    expect(error.message).toMatch(/: deployment\.resources\[2\]\.outputs(\.a)+…: /);
    expect(error.message).toContain(`nested deeper than ${MAX_JSON_DEPTH} levels`);
  });

  it("refuses 100,000 levels (as JSON.parse reads them) with InvalidArgument, not a stack overflow, changing nothing", async () => {
    const levels = 100_000;
    const text = `{"version":3,"deployment":{"resources":[{"urn":"${BUCKET_URN}","type":"aws:s3/bucket:Bucket","inputs":${'{"a":'.repeat(levels)}1${"}".repeat(levels)}}]}}`;
    const error = cairnErrorThrownBy(() => validateDeployment(JSON.parse(text)));
    expect(error.code).toBe("InvalidArgument");
    expect(error.message).toMatch(/deployment\.resources\[0\]\.inputs\.a\.a.*…: nested deeper than 256 levels/);
    expect(error.hint).toBeTruthy();

    const space = memorySpace();
    const backend = space.backend();
    await backend.createStack(DEV);
    await backend.importDeployment(DEV, exported() as never);
    const keys = await space.keys();
    const texts = await Promise.all(keys.map((key) => space.text(key)));
    expect((await cairnErrorFrom(() => backend.importDeployment(DEV, JSON.parse(text) as never))).code).toBe("InvalidArgument");
    expect(await Promise.all(keys.map((key) => space.text(key)))).toEqual(texts);
  });
});

describe("parseVersionedCheckpoint", () => {
  it("keeps version 4 with its features and refuses unsupported ones", () => {
    const parsed = parseVersionedCheckpoint(fixtureText("checkpoint-v4.json"));
    expect(parsed.version).toBe(4);
    expect(parsed.features).toEqual(["taint"]); // what `pulumi state taint` wrote
    const error = cairnErrorThrownBy(() => parseVersionedCheckpoint(fixtureText("checkpoint-v4-unsupported-feature.json")));
    expect(error.message).toContain("unsupported-feature");
  });

  it("reads version 0 (a new stack as Pulumi writes it) as an empty checkpoint and refuses version 5", () => {
    expect(parseVersionedCheckpoint('{"version":0,"checkpoint":{"stack":"organization/p/dev"}}')).toEqual({ version: 3, checkpoint: { stack: "" } });
    expect(cairnErrorThrownBy(() => parseVersionedCheckpoint('{"version":5,"checkpoint":{}}')).code).toBe("InvalidArgument");
  });

  it("reads a stack file whose latest is null as one without a deployment", () => {
    expect(parseVersionedCheckpoint('{"version":3,"checkpoint":{"stack":"organization/p/dev","latest":null}}').checkpoint.latest).toBeNull();
  });

  it("refuses a stack file that is not JSON, or whose latest repeats a live URN", () => {
    expect(cairnErrorThrownBy(() => parseVersionedCheckpoint("{ nope")).message).toContain("is not valid JSON");
    const file = { version: 3, checkpoint: { stack: "organization/shop/dev", latest: { manifest: manifest(), resources: [...resources(), resources()[2]] } } };
    expect(cairnErrorThrownBy(() => parseVersionedCheckpoint(compact(file))).message).toContain("checkpoint.latest.resources[4].urn: duplicate URN");
  });
});
