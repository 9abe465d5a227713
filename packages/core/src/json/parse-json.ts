/**
 * JSON.parse for text that may hold secrets (credentials.json, a `--show-secrets` export, a stack
 * file). V8's SyntaxError quotes the text around the fault (`Unexpected token 'h', ..."hunter2"...`),
 * so its message must never reach the user; this one says what kind of fault and where, by line and
 * column, and nothing of the text itself.
 */
export function parseJsonQuietly(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, problem: describeJsonFault(text) };
  }
}

/** Like `JSON.parse`, but a syntax error comes from `fail` with a snippet-free description. */
export function parseJsonOr(text: string, fail: (problem: string) => never): unknown {
  const result = parseJsonQuietly(text);
  return result.ok ? result.value : fail(result.problem);
}

/** `unexpected character at line 3 column 7`: where the first JSON syntax fault in `text` is. */
export function describeJsonFault(text: string): string {
  const fault = findFault(text);
  if (fault === undefined) return "invalid JSON";
  const before = text.slice(0, fault.offset);
  const line = before.split("\n").length;
  const column = fault.offset - (before.lastIndexOf("\n") + 1) + 1;
  return `${fault.kind} at line ${line} column ${column}`;
}

interface Fault {
  offset: number;
  kind: string;
}

/** A small recursive-descent JSON checker whose only output is the first fault's offset and kind. */
function findFault(text: string): Fault | undefined {
  let at = 0;
  class Stop {
    constructor(readonly fault: Fault) {}
  }
  const stop = (kind: string, offset = at): never => {
    throw new Stop({ offset, kind: offset >= text.length ? "unexpected end of input" : kind });
  };
  const space = () => {
    while (at < text.length && " \t\n\r".includes(text[at] as string)) at++;
  };
  const expect = (char: string) => {
    if (text[at] !== char) stop(`expected '${char}'`);
    at++;
  };
  const string = () => {
    expect('"');
    for (;;) {
      if (at >= text.length) stop("unterminated string");
      const char = text.charCodeAt(at);
      if (char === 0x22) return void at++;
      if (char < 0x20) stop("control character in string");
      if (char === 0x5c) {
        at++;
        const escape = text[at];
        if (escape === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) stop("bad \\u escape in string");
          at += 5;
        } else if (escape !== undefined && "\"\\/bfnrt".includes(escape)) at++;
        else stop("bad escape in string");
      } else at++;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (match === null || match[0] === "" || match[0] === "-") stop("unexpected character");
    at += (match as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    space();
    const char = text[at];
    if (char === "{") {
      at++;
      space();
      if (text[at] === "}") return void at++;
      for (;;) {
        space();
        if (text[at] !== '"') stop("expected a property name");
        string();
        space();
        expect(":");
        value();
        space();
        if (text[at] === ",") at++;
        else if (text[at] === "}") return void at++;
        else stop("expected ',' or '}'");
      }
    }
    if (char === "[") {
      at++;
      space();
      if (text[at] === "]") return void at++;
      for (;;) {
        value();
        space();
        if (text[at] === ",") at++;
        else if (text[at] === "]") return void at++;
        else stop("expected ',' or ']'");
      }
    }
    if (char === '"') return string();
    for (const literal of ["true", "false", "null"]) {
      if (text.startsWith(literal, at)) return void (at += literal.length);
    }
    if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) return number();
    stop("unexpected character");
  };
  try {
    value();
    space();
    if (at < text.length) stop("unexpected text after the JSON value");
    return undefined;
  } catch (error) {
    // Anything else (a RangeError from nesting too deep to recurse) has no position to report.
    return error instanceof Stop ? error.fault : undefined;
  }
}
