/**
 * What the custom functions need from Excel's custom-functions runtime, made safe outside Excel.
 *
 * custom-functions-metadata-plugin appends `CustomFunctions.associate(...)` to functions.ts at
 * build time. office.js defines `CustomFunctions.associate` as soon as it loads, but the standalone
 * page (office.js missing or blocked) and any other host without it would throw a ReferenceError
 * there and take the whole page down. functions.ts imports this module first, so the global exists
 * before those appended lines run. Inside Excel nothing is replaced.
 *
 * `CustomFunctions.Error` is only defined once Excel's runtime script has loaded (after office.js),
 * so errors are made at call time, never captured at load time.
 */

export type ErrorKind = "invalidValue" | "notAvailable";

const CODES: Record<ErrorKind, string> = { invalidValue: "#VALUE!", notAvailable: "#N/A" };

/** Stand-in with the runtime's shape (`code`, `message`) where Excel's class is not loaded: tests, standalone page. */
export class FormulaError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "FormulaError";
    this.code = code;
  }
}

type Runtime = {
  associate?: (...args: unknown[]) => void;
  Error?: new (code: string, message?: string) => Error;
  ErrorCode?: Record<string, string>;
};

function runtime(): Runtime | undefined {
  return (globalThis as unknown as { CustomFunctions?: Runtime }).CustomFunctions;
}

if (!runtime()) (globalThis as unknown as { CustomFunctions?: Runtime }).CustomFunctions = { associate: () => undefined };
else if (typeof runtime()!.associate !== "function") runtime()!.associate = () => undefined;

/** The error a formula shows: #VALUE! or #N/A in the cell, `message` in the cell's error tooltip. */
export function formulaError(kind: ErrorKind, message: string): Error {
  const rt = runtime();
  if (rt && typeof rt.Error === "function") return new rt.Error(rt.ErrorCode?.[kind] ?? CODES[kind], message);
  return new FormulaError(CODES[kind], message);
}
