/**
 * Builds two pages:
 * - taskpane.html, the add-in: ONE page that hosts the task pane, the custom functions and the
 *   ribbon commands — the shared runtime of manifest.xml — plus functions.json (Chinese) and
 *   functions-en.json, generated from src/functions/functions.ts and localized from
 *   src/functions/metadata-text.json. It loads office.js from the Office CDN, as Microsoft
 *   requires (the npm copy is no longer officially supported; local copies are for internal
 *   deployments). The intranet build (`--env intranet`, or KJ_OFFICE_JS=local) copies the npm
 *   copy next to the page and references that instead, for offices without internet.
 * - index.html, the standalone web page: the same UI over a file, with no office.js and no request
 *   to any other origin (office.js adds a telemetry frame on every load).
 *
 *   npx webpack --mode production      → dist/
 *   npx webpack serve --mode development (npm run dev-server; npm start adds certificates and help)
 *
 * The manifest's URLs point to https://localhost:3000. A deployment builds with
 * KJ_ORIGIN=https://example.org/kj (no trailing slash) to rewrite them in dist/manifest.xml.
 */
const fs = require("fs");
const os = require("os");
const path = require("path");
const CopyWebpackPlugin = require("copy-webpack-plugin");
const CustomFunctionsMetadataPlugin = require("custom-functions-metadata-plugin");
const HtmlWebpackPlugin = require("html-webpack-plugin");
const { LocalizedFunctionsMetadataPlugin } = require("./src/functions/metadata-i18n.js");

const DEV_ORIGIN = "https://localhost:3000";
const PORT = 3000;
/** Where Microsoft serves office.js (the "Referencing the Office JavaScript API library" page). */
const OFFICE_CDN = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js";
const OFFICE_JS = path.join(path.dirname(require.resolve("@microsoft/office-js/package.json")), "dist");

/**
 * office.js and what it loads at run time, minus what an Excel add-in never loads (its dist is
 * 86 MB: debug builds, other hosts' scripts, type definitions). Copied as-is and marked
 * minimized so the production minifier leaves them alone (it would take minutes).
 */
const OFFICE_JS_SKIP = [
  "**/*.debug.js",
  "**/*.d.ts",
  "**/office-vsdoc.js",
  "**/outlook*",
  "**/access-*",
  "**/onenote-*",
  "**/powerpoint*",
  "**/project-*",
  "**/visio-*",
  "**/word*",
];

/** Certificates made by office-addin-dev-certs (npm start creates them when missing). Read only when serving. */
function httpsOptions() {
  const dir = process.env.KJ_CERT_DIR || path.join(os.homedir(), ".office-addin-dev-certs");
  const read = (f) => fs.readFileSync(path.join(dir, f));
  try {
    return { key: read("localhost.key"), cert: read("localhost.crt"), ca: read("ca.crt") };
  } catch (e) {
    throw new Error(`找不到开发证书（${dir}）。请运行 npm start，它会先生成证书。No dev certificates in ${dir}: run npm start. (${e.message})`);
  }
}

module.exports = (env = {}, argv = {}) => {
  const dev = argv.mode !== "production";
  const origin = process.env.KJ_ORIGIN;
  const intranet = !!env.intranet || process.env.KJ_OFFICE_JS === "local";
  return {
    mode: dev ? "development" : "production",
    devtool: dev ? "source-map" : false,
    entry: {
      functions: "./src/functions/functions.ts",
      commands: "./src/commands/commands.ts",
      taskpane: "./src/taskpane/index.tsx",
      page: "./src/taskpane/page.tsx",
      // The page's reading worker (src/file/door.ts starts it as page-worker.js): self-contained,
      // with its own webpack runtime and no chunk shared with the pages.
      "page-worker": { import: "./src/file/page-worker.ts", runtime: false },
    },
    output: {
      path: path.resolve(__dirname, env.outDir || "dist"),
      // functions.js keeps its name: the manifest's CustomFunctions <Script> points to it.
      filename: "[name].js",
      clean: true,
    },
    resolve: { extensions: [".ts", ".tsx", ".js", ".json"] },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          exclude: /node_modules/,
          use: {
            loader: "ts-loader",
            // Type checking is `npx tsc --noEmit`'s job; ES modules let webpack drop unused code.
            options: { transpileOnly: true, compilerOptions: { module: "es2020", sourceMap: dev } },
          },
        },
      ],
    },
    optimization: {
      // One webpack runtime for the three bundles: a module (e.g. src/functions/params.ts) then
      // exists once on the page, so the task pane and the formulas share its state.
      runtimeChunk: "single",
      splitChunks: { chunks: (chunk) => chunk.name !== "page-worker" },
    },
    performance: { hints: false },
    plugins: [
      new CustomFunctionsMetadataPlugin({ output: "functions.json", input: "./src/functions/functions.ts" }),
      // functions.json in Chinese (the default) and functions-en.json, from metadata-text.json.
      new LocalizedFunctionsMetadataPlugin(),
      new HtmlWebpackPlugin({
        filename: "taskpane.html",
        template: "./src/taskpane/taskpane.html",
        // Functions first: Excel waits for their associations before it calculates.
        chunks: ["functions", "commands", "taskpane"],
        chunksSortMode: "manual",
        templateParameters: { officeJs: intranet ? "office-js/office.js" : OFFICE_CDN },
      }),
      new HtmlWebpackPlugin({ filename: "index.html", template: "./src/taskpane/page.html", chunks: ["page"] }),
      new CopyWebpackPlugin({
        patterns: [
          { from: "assets/*", to: "assets/[name][ext]" },
          // The web page's first screen offers them to try.
          { from: "examples/*.xlsx", to: "examples/[name][ext]" },
          {
            from: "manifest.xml",
            to: "manifest.xml",
            transform: (content) => (origin ? content.toString().split(DEV_ORIGIN).join(origin) : content),
          },
          ...(intranet
            ? [
                {
                  from: "**/*",
                  context: OFFICE_JS,
                  to: "office-js/[path][name][ext]",
                  globOptions: { ignore: OFFICE_JS_SKIP },
                  info: { minimized: true },
                },
              ]
            : []),
        ],
      }),
    ],
    // Only `webpack serve` needs certificates; a plain build must work without them.
    devServer: env.WEBPACK_SERVE
      ? {
          port: PORT,
          host: "localhost",
          headers: { "Access-Control-Allow-Origin": "*" },
          server: { type: "https", options: httpsOptions() },
          static: false,
          hot: false,
          client: { overlay: { warnings: false, errors: true } },
        }
      : undefined,
  };
};
