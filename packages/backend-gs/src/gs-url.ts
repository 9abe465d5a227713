import { CairnError, KeyPrefix, parseBooleanParameter, readUrlParameters } from "@cairn/core/driver";

/** Pulumi's (gocloud's gcsblob) parameters, plus cairn's `endpoint` for emulators and test servers. */
export const GS_URL_PARAMETERS = ["anonymous", "access_id", "private_key_path", "endpoint"] as const;

const ACCEPTED_FORM = "gs://bucket or gs://bucket/prefix, optionally ?anonymous=true or ?endpoint=http://host:port";

/** What a `gs://` URL names. */
export interface GsLocation {
  bucket: string;
  /** The URL's path: state lives under `<prefix>.pulumi/…`. */
  prefix: KeyPrefix;
  /** Send no credentials (public buckets). */
  anonymous: boolean;
  /** A JSON-API endpoint other than Google's (an emulator or test server). */
  endpoint?: string;
  /**
   * gocloud uses these two only to sign URLs, which state storage never does. They are accepted so
   * a URL that works for Pulumi works here, and otherwise ignored.
   */
  accessId?: string;
  privateKeyPath?: string;
}

// GCS bucket names: 3–63 characters (up to 222 with dots), lowercase letters, digits, - _ and .,
// starting and ending with a letter or digit.
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

export function parseGsUrl(url: URL): GsLocation {
  if (url.protocol !== "gs:") throw invalid(url, "it is not a gs:// URL");
  if (url.username !== "" || url.password !== "") throw invalid(url, "credentials never go in the URL");
  if (url.port !== "") throw invalid(url, "a bucket name has no port");
  const bucket = url.hostname;
  if (!BUCKET_NAME.test(bucket) || (!bucket.includes(".") && bucket.length > 63)) {
    throw invalid(url, bucket === "" ? "the bucket name is missing" : `${JSON.stringify(bucket)} is not a valid bucket name`);
  }
  const parameters = readUrlParameters(url, GS_URL_PARAMETERS);
  const endpoint = parameters.endpoint === undefined ? undefined : parseEndpoint(parameters.endpoint);
  return {
    bucket,
    prefix: new KeyPrefix(url.pathname),
    anonymous: parseBooleanParameter("anonymous", parameters.anonymous) ?? false,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(parameters.access_id === undefined ? {} : { accessId: parameters.access_id }),
    ...(parameters.private_key_path === undefined ? {} : { privateKeyPath: parameters.private_key_path }),
  };
}

/** `http(s)://host[:port]`, no path: the SDK appends `/storage/v1` and `/upload/storage/v1` itself. */
function parseEndpoint(value: string): string {
  let endpoint: URL;
  try {
    endpoint = new URL(value);
  } catch {
    throw new CairnError("InvalidArgument", `endpoint=${JSON.stringify(value)} is not a URL`, { hint: "use endpoint=http://127.0.0.1:4443 or endpoint=https://host" });
  }
  if (endpoint.protocol !== "http:" && endpoint.protocol !== "https:") {
    throw new CairnError("InvalidArgument", `endpoint=${JSON.stringify(value)} must be http:// or https://`, { hint: "use endpoint=http://127.0.0.1:4443 or endpoint=https://host" });
  }
  return endpoint.origin;
}

function invalid(url: URL, why: string): CairnError {
  return new CairnError("InvalidArgument", `invalid gs backend URL ${url.protocol}//${url.host}${url.pathname}: ${why}`, { hint: `use ${ACCEPTED_FORM}` });
}

/**
 * `STORAGE_EMULATOR_HOST` (`host:port` or a URL), as Google's SDKs and so Pulumi honour it: the
 * same `gs://` URL then reaches an emulator in both tools. An `?endpoint=` in the URL wins.
 */
export function withEmulatorHost(location: GsLocation, env: Readonly<Record<string, string | undefined>>): GsLocation {
  const host = env.STORAGE_EMULATOR_HOST;
  if (location.endpoint !== undefined || host === undefined || host === "") return location;
  return { ...location, endpoint: parseEndpoint(/^https?:\/\//.test(host) ? host : `http://${host}`) };
}
