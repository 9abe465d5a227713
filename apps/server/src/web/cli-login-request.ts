import { CairnError } from "@cairn/core";

/**
 * What the CLI's browser login sends (Pulumi's parameters, so `pulumi login` works too; `port`,
 * `state` and `description` are accepted as shorter names): where its loopback listener is and
 * the nonce to hand back with the token.
 */
export interface CliLoginRequest {
  port: number;
  nonce: string;
  description: string;
}

const NONCE = /^[A-Za-z0-9_.~-]{16,256}$/;

/** The request from a query or form, or undefined when it names none; a malformed one is a 400. */
export function cliLoginRequestOf(params: URLSearchParams): CliLoginRequest | undefined {
  const portText = params.get("cliSessionPort") ?? params.get("port");
  const nonce = params.get("cliSessionNonce") ?? params.get("state");
  if (portText === null && nonce === null) return undefined;
  // Only a port: the hand-off always goes to 127.0.0.1, so no other host can be named.
  if (portText === null || !/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new CairnError("InvalidArgument", "cliSessionPort must be a port number: the token is only ever handed to 127.0.0.1", {
      hint: "start the login again with `cairn login <server URL>`",
    });
  }
  if (nonce === null || !NONCE.test(nonce)) {
    throw new CairnError("InvalidArgument", "cliSessionNonce is missing or malformed", { hint: "start the login again with `cairn login <server URL>`" });
  }
  const description = (params.get("cliSessionDescription") ?? params.get("description") ?? "cairn login").slice(0, 200);
  return { port: Number(portText), nonce, description };
}

/** Where the browser takes the new token: the CLI's listener (Pulumi's `accessToken` and `nonce`). */
export function loopbackHandOff(request: CliLoginRequest, token: string): string {
  return `http://127.0.0.1:${request.port}/?${new URLSearchParams({ accessToken: token, nonce: request.nonce })}`;
}

/** The same request as hidden form fields, so it survives the sign-in form. */
export function cliLoginFields(request: CliLoginRequest): Array<[string, string]> {
  return [
    ["cliSessionPort", String(request.port)],
    ["cliSessionNonce", request.nonce],
    ["cliSessionDescription", request.description],
  ];
}
