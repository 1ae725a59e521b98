#!/usr/bin/env node
/**
 * `npm start`: builds the add-in and serves it over https on localhost:3000, then says how to load
 * it into Excel. Needs no Excel on this machine: it only makes certificates, runs webpack's dev
 * server and prints instructions. Stop with Ctrl+C.
 *
 * Certificates come from office-addin-dev-certs (~/.office-addin-dev-certs). They are reused while
 * valid; otherwise `office-addin-dev-certs install` makes new ones and asks the system to trust
 * their CA — which needs an administrator and is not possible everywhere (it still exits 0), so
 * the CA's path is printed for browsers that have to be told by hand.
 */
"use strict";
const { spawn, spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const https = require("https");
const net = require("net");
const os = require("os");
const path = require("path");

const ROOT = path.join(__dirname, "..");
const PORT = 3000;
const ORIGIN = `https://localhost:${PORT}`;
const CERT_DIR = process.env.KJ_CERT_DIR || path.join(os.homedir(), ".office-addin-dev-certs");
const CERT_FILES = ["ca.crt", "localhost.crt", "localhost.key"];
const READY_TIMEOUT_MS = 5 * 60 * 1000;

function log(msg) {
  process.stdout.write(`[kj-assess] ${msg}\n`);
}

/** Reusable certificates: all three files present and the localhost certificate valid for another day. */
function certificatesUsable() {
  if (!CERT_FILES.every((f) => fs.existsSync(path.join(CERT_DIR, f)))) return false;
  try {
    const cert = new crypto.X509Certificate(fs.readFileSync(path.join(CERT_DIR, "localhost.crt")));
    return new Date(cert.validTo).getTime() - Date.now() > 24 * 3600 * 1000;
  } catch {
    return false;
  }
}

function ensureCertificates() {
  if (certificatesUsable()) {
    log(`使用已有开发证书 (dev certificates): ${CERT_DIR}`);
    return;
  }
  if (process.env.KJ_CERT_DIR) {
    log(`KJ_CERT_DIR=${CERT_DIR} 中没有有效的 ${CERT_FILES.join("、")}。No valid certificates in KJ_CERT_DIR.`);
    process.exit(1);
  }
  log("生成开发证书 (generating dev certificates) …");
  const cli = require.resolve("office-addin-dev-certs/cli.js", { paths: [ROOT] });
  // Trusting the CA may fail without administrator rights; the certificates are still usable.
  spawnSync(process.execPath, [cli, "install"], { cwd: ROOT, stdio: "inherit" });
  if (!certificatesUsable()) {
    log(`无法生成开发证书，请检查 ${CERT_DIR} 是否可写。Could not create dev certificates in ${CERT_DIR}.`);
    process.exit(1);
  }
  log("证书已生成。若上面提示无法安装 CA（需要管理员权限），服务照常运行，见最后的证书说明。");
  log("Certificates ready. If installing the CA failed above (needs admin rights), serving still works: see the note at the end.");
}

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "localhost", () => srv.close(() => resolve(true)));
  });
}

function fetchOk(url, ca) {
  return new Promise((resolve) => {
    const req = https.get(url, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.setTimeout(5000, () => req.destroy());
  });
}

function instructions() {
  const manifest = path.join(ROOT, "manifest.xml");
  const ca = path.join(CERT_DIR, "ca.crt");
  return [
    "",
    "================================================================",
    ` 科教考核助手已在 ${ORIGIN} 运行 (KJ Assess is being served)`,
    "================================================================",
    " 加载到 Excel（How to load the add-in）:",
    "",
    " 1) Excel 桌面版 · Windows / macOS (Excel desktop):",
    "    保持本窗口运行，另开一个终端，在项目目录执行 (keep this running; in another terminal):",
    "      npx office-addin-debugging start manifest.xml desktop",
    "    结束时 (when done): npx office-addin-debugging stop manifest.xml",
    "    macOS 也可手动：把 manifest.xml 复制到",
    "      ~/Library/Containers/com.microsoft.Excel/Data/Documents/wef/ 后重启 Excel。",
    "",
    " 2) Excel 网页版 (Excel on the web):",
    "    打开一个工作簿 → 插入 → 加载项 → 上传我的加载项 → 选择",
    `      ${manifest}`,
    "    (Insert → Add-ins → Upload My Add-in → choose manifest.xml)",
    "",
    " 之后在“开始”选项卡点击“考核助手”，或在单元格输入 =KJ.ASSESS(...)。",
    " Then click 考核助手 on the Home tab, or type =KJ.ASSESS(...) in a cell.",
    "",
    ` 不装加载项也可在浏览器中打开 ${ORIGIN}/index.html 检查 .xlsx 文件 (standalone page).`,
    "",
    ` 如果浏览器或 Excel 提示证书不受信任，请把 CA 证书导入为受信任的根证书:`,
    `   ${ca}`,
    " (If the certificate is not trusted, import this CA as a trusted root.)",
    "",
    " 按 Ctrl+C 停止 (Ctrl+C stops the server).",
    "================================================================",
    "",
  ].join("\n");
}

async function main() {
  ensureCertificates();
  if (!(await portFree(PORT))) {
    log(`端口 ${PORT} 已被占用：可能已有一个 npm start 在运行。Port ${PORT} is in use (another npm start?).`);
    process.exit(1);
  }
  log("构建并启动 https 服务 (building and serving) …");
  const webpackCli = require.resolve("webpack-cli/bin/cli.js", { paths: [ROOT] });
  const child = spawn(process.execPath, [webpackCli, "serve", "--mode", "development"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, KJ_CERT_DIR: CERT_DIR },
  });
  let stopping = false;
  const stop = (signal) => {
    stopping = true;
    child.kill(signal);
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  child.on("exit", (code, signal) => {
    if (!stopping && code !== 0) log(`开发服务器已退出 (dev server exited: ${signal || code})`);
    process.exit(stopping ? 0 : (code ?? 1));
  });

  const ca = fs.readFileSync(path.join(CERT_DIR, "ca.crt"));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    if (await fetchOk(`${ORIGIN}/taskpane.html`, ca)) {
      process.stdout.write(instructions());
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  if (child.exitCode === null) log(`${ORIGIN}/taskpane.html 仍未就绪，请查看上面的构建输出。Not ready yet: see the build output above.`);
}

main().catch((e) => {
  log(`启动失败 (start failed): ${e && e.message ? e.message : e}`);
  process.exit(1);
});
