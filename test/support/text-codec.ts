/** jsdom has no TextDecoder/TextEncoder; the .xlsx reader needs them (Node's are the same API). */
import { TextDecoder as NodeTextDecoder, TextEncoder as NodeTextEncoder } from "util";

const g = globalThis as unknown as { TextDecoder?: unknown; TextEncoder?: unknown };
g.TextDecoder ??= NodeTextDecoder;
g.TextEncoder ??= NodeTextEncoder;
