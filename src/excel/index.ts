export { createExcelHost } from "./host";
export { isHostError, type HostError, type HostErrorCode } from "./errors";
export { RESULT_SHEET } from "./write";
