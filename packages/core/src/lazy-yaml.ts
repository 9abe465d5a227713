/**
 * The yaml functions core uses, in a module of its own that callers load with `import("./lazy-yaml.js")`
 * on first use: yaml is most of core's start-up cost, and `cairn version`, `--help` or a command
 * outside a project never parse YAML. (Importing this module rather than "yaml" itself gives named
 * exports however yaml is packaged or bundled.)
 */
export { isMap, isScalar, isSeq, parse, parseDocument } from "yaml";
