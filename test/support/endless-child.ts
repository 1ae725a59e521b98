/** A worker whose every job never ends (file-read.test.ts): only child.ts's watchdog thread can stop it. */
import { serve } from "../../src/file/node/child";

serve(() => {
  for (;;);
});
