/**
 * Where the third-party corpus (../shared/corpus, never copied into the repo) is: KJ_CORPUS, else
 * beside the checkout, else the workplace's shared folder — a clean clone made elsewhere (as CI
 * makes it) still finds it. Tests that need it skip, saying so, when it is nowhere.
 */
import * as fs from "fs";
import * as path from "path";

const CANDIDATES = [process.env.KJ_CORPUS, path.resolve(__dirname, "..", "..", "..", "shared", "corpus"), "/work/shared/corpus"];

export const CORPUS: string = CANDIDATES.find((p): p is string => !!p && fs.existsSync(p)) ?? CANDIDATES.find((p): p is string => !!p)!;
export const corpusPresent: boolean = fs.existsSync(CORPUS);
