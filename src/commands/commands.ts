/**
 * Ribbon command handlers (shared runtime: this bundle runs on taskpane.html beside the pane and
 * the custom functions). The manifest's "一键校验" button is an ExecuteFunction action named
 * `validateSheet`: it opens the task pane and asks it to check the active sheet.
 */
import { requestValidate } from "./ribbon";

/** Ribbon action: show the pane, then hand the check to it. Office requires `event.completed()` in every case. */
export async function validateSheet(event?: Office.AddinCommands.Event): Promise<void> {
  try {
    if (typeof Office !== "undefined" && Office.addin?.showAsTaskpane) await Office.addin.showAsTaskpane();
    await requestValidate();
  } catch (e) {
    // The pane reports its own problems; a failure here must not leave the ribbon button spinning.
    console.error("一键校验失败", e);
  } finally {
    event?.completed();
  }
}

// Outside Office (the standalone page, tests) office.js may be absent or have no actions registry.
if (typeof Office !== "undefined" && Office.actions?.associate) Office.actions.associate("validateSheet", validateSheet);
