#!/usr/bin/env node
"use strict";
// The command line runs the compiled engine (lib/, built by `npm ci` through "prepare").
const path = require("path");
const fs = require("fs");
const entry = path.join(__dirname, "..", "lib", "cli", "main.js");
if (!fs.existsSync(entry)) {
  process.stderr.write("kj-assess 尚未编译：请先运行 npm ci（或 npm run prepare）。\nkj-assess is not built yet: run `npm ci` (or `npm run prepare`) first.\n");
  process.exit(2);
}
const args = process.argv.slice(2);
const start = () => require(path.join(__dirname, "..", "lib", "file", "node", "child-start.js"));
// A check of a folder or of several files runs again in a process started with glibc's memory setting for it (child-start.ts relaunchEnv).
const again = process.platform === "linux" && args[0] === "check" ? start().relaunchEnv(args) : null;
if (again) start().relaunch(__filename, args, again);
else run();

function run() {
  // A check's first worker process starts now, reading the first workbook named and loading its modules while this one loads its own (file/node/child-start.ts).
  if ((args[0] === "check" || args[0] === "inspect") && !args.includes("--help") && !args.includes("-h") && args.slice(1).some((a) => !a.startsWith("-"))) {
    start().startEarly("worker", args.slice(1));
  }
  require(entry)
    .main(args)
    .then((code) => {
      process.exitCode = code;
    })
    .catch((e) => {
      process.stderr.write(`kj-assess 出错（internal error）：${e && e.message ? e.message : e}\n`);
      process.exitCode = 2;
    });
}
