/** The engine's public API: what every door (functions, task pane, Excel, files, CLI) uses. */
export * from "./types";
export type * from "./host";
export * from "./values";
export * from "./address";
export * from "./issues";
export * from "./headers";
export * from "./records";
export * from "./evaluate";
export * from "./budget";
export * from "./interpretations";
export * from "./consequences";
export * from "./output";
export * from "./verdicts";
export * from "./record";
export * from "./overrides";
