import { expect } from "vitest";

export interface WebResponse {
  status: number;
  location: string;
  setCookie: string;
  body: string;
}

export interface WebClient {
  /** One browser-like request that does not follow redirects (tests look at each hop). */
  request(method: string, path: string, options?: { form?: Record<string, string>; cookie?: string }): Promise<WebResponse>;
  /** Signs in with `token` and returns the session cookie (`name=value`). */
  signIn(token: string): Promise<string>;
  /** The anti-forgery token a signed-in page gives its forms (read off the console's front page). */
  csrf(cookie: string): Promise<string>;
}

/** The server's web pages over plain HTTP: forms, cookies and redirects, as a browser sends them. */
export function webClient(url: () => string): WebClient {
  const client: WebClient = {
    async request(method, path, options = {}) {
      const headers: Record<string, string> = {};
      if (options.cookie !== undefined) headers.cookie = options.cookie;
      if (options.form !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
      const response = await fetch(`${url()}${path}`, {
        method,
        headers,
        redirect: "manual",
        ...(options.form === undefined ? {} : { body: new URLSearchParams(options.form).toString() }),
      });
      return { status: response.status, location: response.headers.get("location") ?? "", setCookie: response.headers.get("set-cookie") ?? "", body: await response.text() };
    },
    async signIn(token) {
      const signedIn = await client.request("POST", "/login", { form: { token } });
      expect(signedIn.status).toBe(303);
      return signedIn.setCookie.split(";")[0] as string;
    },
    async csrf(cookie) {
      const front = await client.request("GET", "/", { cookie });
      const token = /name="csrf" value="([^"]+)"/.exec(front.body)?.[1];
      expect(token, "the signed-in page has no anti-forgery token").toBeDefined();
      return token as string;
    },
  };
  return client;
}
