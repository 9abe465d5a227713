import { describe, expect, it } from "vitest";
import { parseGitUrl, resolveGitCredential } from "../src/index.js";

const parse = (text: string) => parseGitUrl(new URL(text));

describe("git backend URLs", () => {
  it("reads git+https with ref and path", () => {
    const options = parse("git+https://github.example/acme/state.git?ref=infra&path=teams/a");
    expect(options.remote).toEqual({ kind: "http", url: "https://github.example/acme/state.git" });
    expect(options.branch).toBe("infra");
    expect(options.prefix.objectName(".pulumi/meta.yaml")).toBe("teams/a/.pulumi/meta.yaml");
    expect(options.displayUrl).toBe("git+https://github.example/acme/state.git?ref=infra&path=teams/a");
  });

  it("reads git+http with a port and no parameters (default branch, repository root)", () => {
    const options = parse("git+http://127.0.0.1:8080/repo.git");
    expect(options.remote).toEqual({ kind: "http", url: "http://127.0.0.1:8080/repo.git" });
    expect(options.branch).toBeUndefined();
    expect(options.prefix.objectName("k")).toBe("k");
  });

  it("keeps a user name for token auth but drops it from the display URL", () => {
    const options = parse("git+https://oauth2@gitlab.example/g/r.git");
    expect(options.remote).toEqual({ kind: "http", url: "https://gitlab.example/g/r.git", username: "oauth2" });
    expect(options.displayUrl).toBe("git+https://gitlab.example/g/r.git");
  });

  it("reads git+file with an absolute path", () => {
    expect(parse("git+file:///srv/state%20repo.git?ref=main").remote).toEqual({ kind: "file", path: "/srv/state repo.git" });
  });

  it.each([
    ["git+https://user:secret@host/r.git", /must not contain a password/],
    ["git+https://host/r.git?branch=main", /unknown parameter "branch"/],
    ["git+https://host/r.git?ref=a..b", /not a valid branch name/],
    ["git+https://host/", /names no host and repository/],
    ["git+file://otherhost/r.git", /local path/],
    ["git+ssh://host/r.git", /ssh is not supported/],
    ["git+https://host/r.git?path=../x", /may not contain \. or \.\. segments/],
  ])("refuses %s with InvalidArgument", (url, message) => {
    let caught: unknown;
    try {
      parse(url);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: "InvalidArgument" });
    expect(String((caught as Error).message)).toMatch(message);
    expect(String((caught as Error).message)).not.toContain("secret");
  });

  it("names the accepted parameters for an unknown one", () => {
    expect(() => parse("git+http://h/r.git?depth=1")).toThrow(expect.objectContaining({ hint: "parameters accepted: ref, path" }));
  });
});

describe("git credentials", () => {
  it("prefers GIT_TOKEN, then GITHUB_TOKEN, then GITLAB_TOKEN, then the stored one", () => {
    const all = { GIT_TOKEN: "u:a", GITHUB_TOKEN: "b", GITLAB_TOKEN: "c" };
    expect(resolveGitCredential(all, "s:d", undefined)).toEqual({ username: "u", password: "a", source: "env:GIT_TOKEN" });
    expect(resolveGitCredential({ GITHUB_TOKEN: "b", GITLAB_TOKEN: "c" }, "d", undefined)).toEqual({ username: "x-access-token", password: "b", source: "env:GITHUB_TOKEN" });
    expect(resolveGitCredential({ GITLAB_TOKEN: "c" }, "d", undefined)).toEqual({ username: "oauth2", password: "c", source: "env:GITLAB_TOKEN" });
    expect(resolveGitCredential({}, "me:d", undefined)).toEqual({ username: "me", password: "d", source: "stored" });
    expect(resolveGitCredential({}, undefined, undefined)).toBeUndefined();
  });

  it("sends a bare token with the URL's user name", () => {
    expect(resolveGitCredential({ GIT_TOKEN: "tok" }, undefined, "oauth2")).toEqual({ username: "oauth2", password: "tok", source: "env:GIT_TOKEN" });
  });
});
