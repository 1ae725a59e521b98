/*
 * Preloaded (node -r) by the folder-walking test: the folder named in KJ_DENY answers readdir with
 * EACCES, as a protected folder does for an ordinary user (the tests run as root, who reads any
 * folder whatever its permissions).
 */
"use strict";
const fs = require("fs");
const real = fs.readdirSync;
fs.readdirSync = function (p, ...rest) {
  if (process.env.KJ_DENY && String(p) === process.env.KJ_DENY) {
    throw Object.assign(new Error(`EACCES: permission denied, scandir '${p}'`), { code: "EACCES" });
  }
  return real.call(this, p, ...rest);
};
