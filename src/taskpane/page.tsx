/**
 * Entry of the standalone web page (index.html): the pane's UI over a file, without office.js.
 */
import { createRoot } from "react-dom/client";
import { builtinPacks } from "../packs";
import { fileDoor } from "../file/door";
import { Standalone } from "./Standalone";
import { pickLang } from "./strings";

const el = document.getElementById("root");
if (el) createRoot(el).render(<Standalone packs={builtinPacks()} door={fileDoor} initialLang={pickLang(navigator.language)} />);
