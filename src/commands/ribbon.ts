/**
 * The bridge between the ribbon and the task pane. The shared runtime runs both in one JavaScript
 * context, so a ribbon button can hand work to the pane directly: the pane subscribes with
 * `onRibbonValidate`; a press that comes before the pane has subscribed (the pane was closed and
 * is still loading) waits and is delivered on subscription, so the click is never lost.
 */

type Handler = () => void | Promise<void>;

let handler: Handler | null = null;
let pending = false;

/** The task pane's "一键校验" entry point. Returns an unsubscribe function. */
export function onRibbonValidate(h: Handler): () => void {
  handler = h;
  if (pending) {
    pending = false;
    void Promise.resolve().then(() => h());
  }
  return () => {
    if (handler === h) handler = null;
  };
}

/** Called by the ribbon command: runs the pane's validation now, or as soon as the pane subscribes. */
export async function requestValidate(): Promise<void> {
  if (handler) await handler();
  else pending = true;
}
