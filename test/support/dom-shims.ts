/**
 * What Fluent UI v9 expects from a browser and jsdom lacks. Imported first by the task pane's
 * component tests (which run under `@jest-environment jsdom`).
 */
import { configure } from "@testing-library/react";

if (!window.matchMedia)
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList;

if (!("ResizeObserver" in window))
  (window as unknown as { ResizeObserver: unknown }).ResizeObserver = class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };

// findBy…/waitFor give up after 1 s by default: a check of a real workbook takes longer than that
// on a loaded 2-core CI machine, and a test must fail on behaviour, not on the machine's load.
configure({ asyncUtilTimeout: 15000 });

if (!window.HTMLElement.prototype.scrollIntoView) window.HTMLElement.prototype.scrollIntoView = () => undefined;

export {};
