import { CairnError } from "@cairn/core/driver";

/**
 * A commander option parser for a whole-number flag in [min, max]. `Number.parseInt` alone turns
 * "abc" into NaN and "10abc" into 10, so a typo silently changed what a command did; every numeric
 * flag parses through here so a bad value is a usage error naming the flag and its range.
 */
export function integerFlag(flag: string, min: number, max: number = Number.MAX_SAFE_INTEGER, hint?: string): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `a whole number from ${min} up` : `a whole number from ${min} to ${max}`;
      throw new CairnError("InvalidArgument", `${flag} must be ${range} (got ${JSON.stringify(value)})`, hint === undefined ? {} : { hint });
    }
    return parsed;
  };
}
