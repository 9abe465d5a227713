import { afterAll, beforeAll, expect, it } from "vitest";
import { createUser, startFixture, type Fixture } from "./fixture.js";

let fixture: Fixture;
beforeAll(async () => {
  fixture = await startFixture();
});
afterAll(async () => {
  await fixture?.dispose();
});

it("an organization named after a future user blocks that user's creation cleanly: 409 and no user (not a user whose personal org someone else owns)", async () => {
  const mallory = await createUser(fixture, "mallory");
  expect((await fixture.call("POST", "/api/orgs", { name: "victim" }, mallory)).status).toBe(200);
  const refused = await fixture.call("POST", "/api/admin/users", { name: "victim" });
  expect(refused.status).toBe(409);
  expect(refused.body.message).toMatch(/taken/);
  // Nothing was created: no token can be issued for a user that does not exist.
  expect((await fixture.call("POST", "/api/admin/users/victim/tokens", { description: "x" })).status).toBe(404);
  // And a normal user still gets a personal organization it alone administers.
  const alice = await createUser(fixture, "alice");
  expect((await fixture.call("GET", "/api/user", undefined, alice)).body.organizations).toEqual([{ githubLogin: "alice", name: "alice" }]);
});

it("names the web console's own pages use are refused for users and organizations: 400, nothing created", async () => {
  const alice = await createUser(fixture, "alice-reserved");
  for (const name of ["orgs", "site-admin", "login", "user"]) {
    const user = await fixture.call("POST", "/api/admin/users", { name });
    expect(user.status, name).toBe(400);
    expect(user.body.message).toMatch(/reserved/);
    expect((await fixture.call("POST", "/api/orgs", { name }, alice)).status, name).toBe(400);
  }
  expect((await fixture.call("POST", "/api/admin/users/orgs/tokens", { description: "x" })).status).toBe(404);
});
