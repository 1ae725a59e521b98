#!/usr/bin/env node
/**
 * Runs a TypeScript file with node, without ts-node (not a dependency): a require hook that
 * transpiles each .ts/.tsx module with the project's own `typescript` (no type checking — that
 * is `npx tsc --noEmit`'s job).  Usage: node scripts/run-ts.js scripts/bench-functions.ts [args…]
 */
"use strict";
const fs = require("fs");
const path = require("path");
const ts = require("typescript");

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  jsx: ts.JsxEmit.ReactJSX,
  esModuleInterop: true,
  resolveJsonModule: true,
  inlineSourceMap: true,
};

for (const ext of [".ts", ".tsx"]) {
  require.extensions[ext] = (module, filename) => {
    const source = fs.readFileSync(filename, "utf8");
    const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
    module._compile(outputText, filename);
  };
}

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error("usage: node scripts/run-ts.js <file.ts> [args…]");
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(script), ...args];
require(path.resolve(script));
