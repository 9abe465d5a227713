import type { UntypedDeployment } from "@cairn/core";

const ROOT = "urn:pulumi:dev::conformance::pulumi:pulumi:Stack::conformance-dev";
const PROVIDER = "urn:pulumi:dev::conformance::pulumi:providers:random::default_4_16_0";

/**
 * A small, valid version 3 deployment (what `pulumi stack export` prints): a root stack, a default
 * provider and one resource. Shipped as code so third-party suites need no fixture path. Returns a
 * fresh copy each time, so a check that mutates it cannot affect another.
 */
export function sampleDeployment(): UntypedDeployment {
  return {
    version: 3,
    deployment: {
      manifest: { time: "2024-05-06T07:08:09.123456789Z", magic: "", version: "v3.115.0" },
      secrets_providers: { type: "passphrase", state: { salt: "v1:c2FsdHNhbHQ=:v1:bm9uY2Vub25jZQ==:Y2lwaGVydGV4dA==" } },
      resources: [
        { urn: ROOT, custom: false, type: "pulumi:pulumi:Stack", outputs: { petName: "sunny-otter" } },
        {
          urn: PROVIDER,
          custom: true,
          id: "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
          type: "pulumi:providers:random",
          inputs: { version: "4.16.0" },
          outputs: { version: "4.16.0" },
        },
        {
          urn: "urn:pulumi:dev::conformance::random:index/randomPet:RandomPet::pet",
          custom: true,
          id: "sunny-otter",
          type: "random:index/randomPet:RandomPet",
          inputs: { length: 2, separator: "-" },
          outputs: { id: "sunny-otter", length: 2, separator: "-" },
          parent: ROOT,
          provider: `${PROVIDER}::0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`,
          dependencies: [],
        },
      ],
    },
  };
}

/** How many resources `sampleDeployment()` holds. */
export const SAMPLE_RESOURCE_COUNT = 3;
