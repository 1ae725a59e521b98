/*
 * Starts the TypeScript worker when there is no compiled one (under jest, or `node scripts/run-ts.js`):
 * a require hook transpiles .ts with the project's own typescript, then the worker given in argv runs.
 */
"use strict";
const fs = require("fs");
const ts = require("typescript");

for (const ext of [".ts", ".tsx"]) {
  require.extensions[ext] = (module, filename) => {
    const { outputText } = ts.transpileModule(fs.readFileSync(filename, "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true },
      fileName: filename,
    });
    module._compile(outputText, filename);
  };
}
require(process.argv[2]);
