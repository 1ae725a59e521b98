/** docs/RULES.md is what scripts/rules-doc.ts makes of the packs: regenerate it when a pack changes. */
import * as fs from "fs";
import { rulesDoc, RULES_DOC } from "../scripts/rules-doc";

test("docs/RULES.md matches the packs (node scripts/run-ts.js scripts/rules-doc.ts)", () => {
  expect(fs.readFileSync(RULES_DOC, "utf8")).toBe(rulesDoc());
});

test("it names every rule with its article, quotes the text and marks the tool's own numbers", () => {
  const doc = rulesDoc();
  expect(doc).toContain("| 四 | 省级竞赛获一等奖2项或二等奖4项以上 | 第十六条（四） |");
  expect(doc).toContain("按解释“std4-strict”");
  expect(doc).toMatch(/near-limit-warning\*\*（本工具设定/);
  expect(doc).toContain("条文原文：“每个工作室可遴选1名主持人，培养骨干成员10名左右。”");
  expect(doc).toContain("福利院");
});
