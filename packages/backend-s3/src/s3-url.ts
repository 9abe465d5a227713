import { CairnError, KeyPrefix, redactUrl, parseBooleanParameter, readUrlParameters } from "@cairn/core/driver";

/**
 * The query parameters Pulumi's `s3://` URLs accept (gocloud's `s3blob` URL opener and the AWS
 * SDK's config parameters), so a URL that works for Pulumi works for cairn.
 */
export const S3_URL_PARAMETERS = [
  "region",
  "endpoint",
  "profile",
  "role",
  "anonymous",
  "dualstack",
  "fips",
  "hostname_immutable",
  "rate_limiter_capacity",
  "awssdk",
  "s3ForcePathStyle",
  "use_path_style",
  "disableSSL",
  "disable_https",
  "request_checksum_calculation",
] as const;

const ACCEPTED_FORM = "s3://bucket or s3://bucket/prefix, with optional parameters such as ?region=eu-west-1";

export type ChecksumCalculation = "WHEN_SUPPORTED" | "WHEN_REQUIRED";

/** What an `s3://` URL says, before any credential is looked up. */
export interface S3UrlOptions {
  bucket: string;
  /** The URL's path: state lives under it. */
  prefix: KeyPrefix;
  region?: string;
  /** Absolute URL of an S3-compatible service (MinIO, Ceph, R2, …). */
  endpoint?: string;
  profile?: string;
  /** ARN of a role to assume with the resolved credentials. */
  role?: string;
  /** Send unsigned requests (public buckets). */
  anonymous: boolean;
  dualstack: boolean;
  fips: boolean;
  /** Bucket in the path, not the host name. `hostname_immutable` implies it: the endpoint host is used as given. */
  forcePathStyle: boolean;
  /** Accepted and validated; the JavaScript SDK has no retry-quota knob, so it has no effect. */
  rateLimiterCapacity?: number;
  requestChecksumCalculation: ChecksumCalculation;
}

export function parseS3Url(url: URL): S3UrlOptions {
  if (url.protocol !== "s3:") throw invalid(url, "it is not an s3:// URL");
  if (url.username !== "" || url.password !== "") {
    throw invalid(url, "credentials never go in the URL; use the AWS environment variables or a profile");
  }
  const bucket = decodeURIComponent(url.hostname);
  if (bucket === "") throw invalid(url, "the bucket name is missing");
  if (url.port !== "") throw invalid(url, "a bucket name has no port; give a custom server with ?endpoint=host:port");
  const parameters = readUrlParameters(url, S3_URL_PARAMETERS);
  const flag = (name: string) => parseBooleanParameter(name, parameters[name]);

  const disableHttps = flag("disable_https") ?? flag("disableSSL") ?? false;
  const endpoint = parameters.endpoint === undefined ? undefined : endpointUrl(url, parameters.endpoint, disableHttps);
  const hostnameImmutable = flag("hostname_immutable") ?? false;
  const options: S3UrlOptions = {
    bucket,
    prefix: new KeyPrefix(url.pathname),
    anonymous: flag("anonymous") ?? false,
    dualstack: flag("dualstack") ?? false,
    fips: flag("fips") ?? false,
    forcePathStyle: (flag("use_path_style") ?? flag("s3ForcePathStyle") ?? false) || hostnameImmutable,
    requestChecksumCalculation: checksumCalculation(parameters.request_checksum_calculation, endpoint !== undefined),
  };
  if (parameters.region !== undefined) options.region = nonEmpty(url, "region", parameters.region);
  if (endpoint !== undefined) options.endpoint = endpoint;
  if (parameters.profile !== undefined) options.profile = nonEmpty(url, "profile", parameters.profile);
  if (parameters.role !== undefined) options.role = nonEmpty(url, "role", parameters.role);
  if (parameters.rate_limiter_capacity !== undefined) {
    const capacity = Number(parameters.rate_limiter_capacity);
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw invalid(url, `rate_limiter_capacity=${JSON.stringify(parameters.rate_limiter_capacity)} is not a whole number ≥ 0`);
    }
    options.rateLimiterCapacity = capacity;
  }
  return options;
}

/** A scheme-less endpoint gets https:// (http:// when HTTPS is disabled), as in Pulumi. */
function endpointUrl(url: URL, value: string, disableHttps: boolean): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `${disableHttps ? "http" : "https"}://${value}`;
  try {
    const parsed = new URL(withScheme);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("not http(s)");
    return withScheme.replace(/\/+$/, "");
  } catch {
    throw invalid(url, `endpoint=${JSON.stringify(value)} is not a host[:port] or an http(s) URL`);
  }
}

/** Pulumi defaults to `when_required` for custom endpoints: S3-compatible stores reject the newer checksums. */
function checksumCalculation(value: string | undefined, customEndpoint: boolean): ChecksumCalculation {
  if (value === undefined) return customEndpoint ? "WHEN_REQUIRED" : "WHEN_SUPPORTED";
  const normalised = value.toLowerCase();
  if (normalised === "when_supported") return "WHEN_SUPPORTED";
  if (normalised === "when_required") return "WHEN_REQUIRED";
  throw new CairnError("InvalidArgument", `request_checksum_calculation=${JSON.stringify(value)} is not a known value`, {
    hint: "use when_supported or when_required",
  });
}

function nonEmpty(url: URL, name: string, value: string): string {
  if (value === "") throw invalid(url, `${name} is empty`);
  return value;
}

function invalid(url: URL, why: string): CairnError {
  return new CairnError("InvalidArgument", `invalid S3 backend URL ${redactUrl(url.href)}: ${why}`, { hint: `use ${ACCEPTED_FORM}` });
}
