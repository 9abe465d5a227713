// Seeds a cairn-server through its REST API (the calls the Pulumi CLI makes) with what the console
// benchmarks and screenshots show: many stacks, and a stack of many resources in a parent tree.

import { api } from "../../apps/server/dist/testing.js";
import { mapLimit } from "../../packages/core/dist/index.js";

/** One API call with a user's token (`api` opens a fresh connection each time); fails loudly with the server's answer. */
export async function call(url, token, method, path, body) {
  const answer = await api(url, method, path, token, body);
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
  return answer.body;
}

/**
 * A deployment of `count` resources for `org/project/stack`: the root stack, one provider, and
 * components each holding a few custom resources (every fifth of them nested one level deeper),
 * so the console's tree has depth; the root has a plain and a secret output.
 */
export function generatedDeployment(project, stack, count, { secretCiphertext, secretsProviders } = {}) {
  const prefix = `urn:pulumi:${stack}::${project}::`;
  const rootUrn = `${prefix}pulumi:pulumi:Stack::${project}-${stack}`;
  const providerUrn = `${prefix}pulumi:providers:aws::default_6_66_0`;
  const providerRef = `${providerUrn}::4f3c2b1a-0000-4000-8000-000000000001`;
  const time = "2026-11-30T12:00:00.000Z";
  const resources = [
    { urn: rootUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: { endpoint: `https://${stack}.example.com`, ...(secretCiphertext === undefined ? {} : { dbPassword: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: secretCiphertext } }) }, created: time, modified: time },
    { urn: providerUrn, custom: true, id: "4f3c2b1a-0000-4000-8000-000000000001", type: "pulumi:providers:aws", parent: rootUrn, inputs: { region: "eu-west-1" }, outputs: { region: "eu-west-1" }, created: time, modified: time },
  ];
  let component = 0;
  let componentUrn = rootUrn;
  let lastBucket = rootUrn;
  for (let i = resources.length; i < count; i++) {
    if (i % 10 === 2) {
      component++;
      resources.push({ urn: `${prefix}app:web:Site::site-${component}`, custom: false, type: "app:web:Site", parent: rootUrn, created: time, modified: time });
      componentUrn = `${prefix}app:web:Site::site-${component}`;
      continue;
    }
    const nested = i % 5 === 0 && lastBucket !== rootUrn;
    const parent = nested ? lastBucket : componentUrn;
    const type = nested ? "aws:s3/bucketObject:BucketObject" : "aws:s3/bucketV2:BucketV2";
    const name = nested ? `object-${i}` : `bucket-${i}`;
    // A child's URN carries its parents' types: Site$BucketV2, Site$BucketV2$BucketObject.
    const typeChain = nested ? `app:web:Site$aws:s3/bucketV2:BucketV2$${type}` : `app:web:Site$${type}`;
    const urn = `${prefix}${typeChain}::${name}`;
    resources.push({ urn, custom: true, id: `${name}-${(i * 2654435761 % 0xffffff).toString(16)}`, type, parent, provider: providerRef, inputs: { name }, outputs: { name, arn: `arn:aws:s3:::${name}` }, created: time, modified: time });
    if (!nested) lastBucket = urn;
  }
  return { version: 3, deployment: { manifest: { time, magic: "", version: "v3.274.1" }, ...(secretsProviders === undefined ? {} : { secrets_providers: secretsProviders }), resources } };
}

/** A secret as the service secrets provider stores it: the server encrypts it for this stack only. */
export async function serviceCiphertext(url, token, org, project, stack, value) {
  const plaintext = Buffer.from(JSON.stringify(value)).toString("base64");
  return (await call(url, token, "POST", `/api/stacks/${org}/${project}/${stack}/encrypt`, { plaintext })).ciphertext;
}

/**
 * `count` stacks `<org>/project-<k>/stack-<i>`, each imported once (so each has a last update and
 * who ran it), tagged `team=web` or `team=data` by turns.
 */
export async function seedManyStacks(url, token, org, count, { projects = 10, resources = 3, onProgress } = {}) {
  let done = 0;
  await mapLimit(Array.from({ length: count }, (_, i) => i), 8, async (i) => {
    const project = `project-${i % projects}`;
    const stack = `stack-${String(i).padStart(4, "0")}`;
    await call(url, token, "POST", `/api/stacks/${org}/${project}`, { stackName: stack, tags: { team: i % 2 === 0 ? "web" : "data" } });
    await call(url, token, "POST", `/api/stacks/${org}/${project}/${stack}/import`, generatedDeployment(project, stack, resources));
    if (onProgress && ++done % 100 === 0) onProgress(done, count);
  });
}

/** One stack of `count` resources. */
export async function seedBigStack(url, token, org, project, stack, count) {
  await call(url, token, "POST", `/api/stacks/${org}/${project}`, { stackName: stack, tags: { env: "prod", team: "web" } });
  const secretCiphertext = await serviceCiphertext(url, token, org, project, stack, "correct horse battery staple");
  await call(url, token, "POST", `/api/stacks/${org}/${project}/${stack}/import`, generatedDeployment(project, stack, count, { secretCiphertext, secretsProviders: { type: "service", state: { url, owner: org, project, stack } } }));
}
