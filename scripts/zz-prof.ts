import { evaluateSheet } from "../src/engine";
import { getPack } from "../src/packs";
import { budgetGrid } from "./bench-engine";
const pack = getPack("studio-budget")!;
const g = budgetGrid(100000);
evaluateSheet(budgetGrid(1000), pack);
for (let i = 0; i < 6; i++) { const t = Date.now(); evaluateSheet(g, pack); console.log(Date.now() - t); }
