import { isCairnError, type CairnError } from "../src/index.js";

/**
 * The CairnError `action` fails with (sync or async), for tests that then assert its code, hint or
 * message. Throws if the action succeeds or throws anything else. (@cairn/conformance has the same
 * helper for backend packages; core's own tests cannot depend on it.)
 */
export async function cairnErrorFrom(action: () => unknown): Promise<CairnError> {
  try {
    await action();
  } catch (error) {
    if (isCairnError(error)) return error;
    throw error;
  }
  throw new Error("expected a CairnError, but the call succeeded");
}

/** The same for a synchronous action. */
export function cairnErrorThrownBy(action: () => unknown): CairnError {
  try {
    action();
  } catch (error) {
    if (isCairnError(error)) return error;
    throw error;
  }
  throw new Error("expected a CairnError, but the call succeeded");
}
