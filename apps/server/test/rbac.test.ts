import { afterAll, beforeAll, expect, it } from "vitest";
import { api } from "../src/testing.js";
import { createUser, SAMPLE, startFixture, type Fixture } from "./fixture.js";

let fixture: Fixture;
let viewer: string;
let member: string;
let outsider: string;
const STACK = "/api/stacks/team/app/prod";

beforeAll(async () => {
  fixture = await startFixture();
  viewer = await createUser(fixture, "vera");
  member = await createUser(fixture, "max");
  outsider = await createUser(fixture, "olga");
  expect((await fixture.call("POST", "/api/orgs", { name: "team" })).status).toBe(200);
  expect((await fixture.call("PUT", "/api/orgs/team/members/vera", { role: "viewer" })).status).toBe(200);
  expect((await fixture.call("PUT", "/api/orgs/team/members/max", { role: "member" })).status).toBe(200);
  expect((await fixture.call("POST", "/api/stacks/team/app", { stackName: "prod" })).status).toBe(200);
  expect((await fixture.call("POST", `${STACK}/import`, SAMPLE)).status).toBe(200);
});
afterAll(() => fixture?.dispose());

async function exportedAsAdmin(): Promise<unknown> {
  return (await fixture.call("GET", `${STACK}/export`)).body;
}

it("a viewer reads but cannot write: 403 and the state is unchanged", async () => {
  expect((await fixture.call("GET", `${STACK}/export`, undefined, viewer)).body).toEqual(SAMPLE);
  const emptied = { version: 3, deployment: { manifest: SAMPLE.deployment.manifest, resources: [] } };
  const refused = await fixture.call("POST", `${STACK}/import`, emptied, viewer);
  expect(refused.status).toBe(403);
  expect(refused.body).toMatchObject({ code: 403, errorCode: "PermissionDenied" });
  expect((await fixture.call("DELETE", `${STACK}?force=true`, undefined, viewer)).status).toBe(403);
  expect((await fixture.call("POST", `${STACK}/update`, {}, viewer)).status).toBe(403);
  expect(await exportedAsAdmin()).toEqual(SAMPLE);
});

it("a member writes", async () => {
  expect((await fixture.call("POST", `${STACK}/import`, SAMPLE, member)).status).toBe(200);
});

it("a user of another organization sees nothing: not in lists, 404 on the stack, nothing changed", async () => {
  const listed = await fixture.call("GET", "/api/user/stacks", undefined, outsider);
  expect(listed.status).toBe(200);
  expect(listed.body.stacks).toEqual([]);
  expect((await fixture.call("GET", "/api/user/stacks?organization=team", undefined, outsider)).status).toBe(404);
  expect((await fixture.call("GET", STACK, undefined, outsider)).status).toBe(404);
  expect((await fixture.call("GET", `${STACK}/export`, undefined, outsider)).status).toBe(404);
  const write = await fixture.call("POST", `${STACK}/import`, { version: 3, deployment: { manifest: SAMPLE.deployment.manifest } }, outsider);
  expect(write.status).toBe(404);
  expect(await exportedAsAdmin()).toEqual(SAMPLE);
});

it("a revoked token is refused with 401, and state is unchanged", async () => {
  const issued = await fixture.call("POST", "/api/user/tokens", { description: "short-lived" }, member);
  const token = issued.body.tokenValue as string;
  expect((await fixture.call("GET", "/api/user", undefined, token)).status).toBe(200);
  const listed = await fixture.call("GET", "/api/user/tokens", undefined, member);
  expect(JSON.stringify(listed.body)).not.toContain(token); // shown once, never listed
  expect((await fixture.call("DELETE", `/api/user/tokens/${issued.body.id}`, undefined, member)).status).toBe(200);
  const refused = await fixture.call("POST", `${STACK}/import`, { version: 3, deployment: { manifest: SAMPLE.deployment.manifest } }, token);
  expect(refused.status).toBe(401);
  expect(refused.body).toMatchObject({ code: 401, errorCode: "Unauthenticated" });
  expect(await exportedAsAdmin()).toEqual(SAMPLE);
});

it("bad or missing tokens are 401 with a JSON error", async () => {
  for (const token of [undefined, "pul-0000000000000000000000000000000000000000"]) {
    const response = await api(fixture.server.url, "GET", "/api/user", token);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe(401);
  }
});

it("only a site admin creates users; only an org admin sets roles", async () => {
  expect((await fixture.call("POST", "/api/admin/users", { name: "eve" }, member)).status).toBe(403);
  expect((await fixture.call("PUT", "/api/orgs/team/members/olga", { role: "admin" }, member)).status).toBe(403);
  expect((await fixture.call("GET", "/api/user/stacks", undefined, outsider)).body.stacks).toEqual([]);
});
