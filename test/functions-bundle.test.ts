/**
 * The functions bundle as webpack really builds it (with the metadata plugin appending its
 * CustomFunctions.associate calls), run in a bare JavaScript context: it must load without Excel
 * and without office.js (the standalone page), and inside Excel it must bind every id in
 * functions.json to the function that answers it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vm from "vm";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const webpack = require("webpack");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const makeConfig = require("../webpack.config.js");

let out: string;
let files: string[];
let metadata: { functions: { id: string }[] };

beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), "kj-functions-"));
  const base = makeConfig({ outDir: out }, { mode: "production" });
  const config = {
    ...base,
    entry: { functions: base.entry.functions },
    // Only the metadata plugins: no HTML page, no copies of office.js.
    plugins: base.plugins.filter((p: object) => ["CustomFunctionsMetadataPlugin", "LocalizedFunctionsMetadataPlugin"].includes(p.constructor.name)),
  };
  const stats = await new Promise<{ hasErrors(): boolean; toJson(o: object): { errors: unknown[]; entrypoints: Record<string, { assets: { name: string }[] }> } }>(
    (resolve, reject) => webpack(config, (err: Error | null, s: never) => (err ? reject(err) : resolve(s))),
  );
  const json = stats.toJson({ all: false, errors: true, entrypoints: true });
  expect(json.errors).toEqual([]);
  files = json.entrypoints.functions.assets.map((a) => a.name).filter((n) => n.endsWith(".js"));
  metadata = JSON.parse(fs.readFileSync(path.join(out, "functions.json"), "utf8"));
}, 120000);

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

/** Loads the entry's files in order into a fresh context holding `globals`; returns the context. */
function load(globals: Record<string, unknown>): Record<string, unknown> {
  const context: Record<string, unknown> = { console, ...globals };
  context.self = context;
  vm.createContext(context);
  for (const f of files) vm.runInContext(fs.readFileSync(path.join(out, f), "utf8"), context, { filename: f });
  return context;
}

describe("functions bundle", () => {
  it("is named functions.js, as the manifest's CustomFunctions script says", () => {
    expect(files).toContain("functions.js");
  });

  it("loads outside Excel without office.js or CustomFunctions", () => {
    const context = load({});
    expect(typeof (context.CustomFunctions as { associate: unknown }).associate).toBe("function");
  });

  it("binds every id of functions.json to a function inside Excel", () => {
    const bound = new Map<string, (...args: unknown[]) => unknown>();
    load({ CustomFunctions: { associate: (id: string, f: (...args: unknown[]) => unknown) => bound.set(id, f) } });
    expect([...bound.keys()].sort()).toEqual(metadata.functions.map((f) => f.id).sort());
    // The bound functions are the real ones: Excel calls them with 2-D ranges and null for left-out optionals.
    expect(bound.get("NUM")!("1.2万元")).toBe(12000);
    expect(bound.get("ASSESS")!([["是", "是", "是", "是", "是", "是", "是", "是", "是", "否"]], null, null)).toBe("优秀");
  });

  it("writes the metadata per language: functions.json in Chinese (the default), functions-en.json in English, the same functions", () => {
    type Meta = { functions: { id: string; description: string; parameters: { name: string }[] }[] };
    const en = JSON.parse(fs.readFileSync(path.join(out, "functions-en.json"), "utf8")) as Meta;
    const zh = metadata as Meta;
    expect(en.functions.map((f) => f.id)).toEqual(zh.functions.map((f) => f.id));
    const assess = (m: Meta) => m.functions.find((f) => f.id === "ASSESS")!;
    expect(assess(zh).parameters.map((p) => p.name)).toEqual(["数据", "表头", "规则包"]);
    expect(assess(zh).description).toMatch(/^工作室年度考核等级/);
    expect(assess(en).parameters.map((p) => p.name)).toEqual(["values", "headers", "rules"]);
    expect(assess(en).description).toMatch(/^A studio's annual grade/);
  });
});
