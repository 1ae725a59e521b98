/**
 * functions.json per language, as Office localizes custom functions: one metadata file per
 * language, the manifest's Functions.Metadata.Url pointing to the default one (Chinese, the
 * manifest's DefaultLocale) with an Override per other locale (functions-en.json for en-US).
 * custom-functions-metadata-plugin generates one file from the code (ids, parameters, types);
 * this puts in each language's description and parameter names and descriptions from
 * metadata-text.json — every user-facing word of the formulas, zh and en, in one place. A function
 * or parameter without its text in a language is a build error, never an English fallback.
 * CommonJS: webpack.config.js requires it; so do the tests.
 */
const TEXT = require("./metadata-text.json");

/** Metadata file per language; the first is the default (the manifest's DefaultValue). */
const METADATA_FILES = { zh: "functions.json", en: "functions-en.json" };

/** The generated metadata with `lang`'s texts; throws naming what is missing. */
function localize(metadata, lang) {
  const missing = [];
  const functions = metadata.functions.map((f) => {
    const t = TEXT[f.id] && TEXT[f.id][lang];
    if (!t) {
      missing.push(`${f.id}`);
      return f;
    }
    const parameters = f.parameters.map((p) => {
      const pt = t.params[p.name];
      if (!pt) {
        missing.push(`${f.id}(${p.name})`);
        return p;
      }
      return { ...p, name: pt[0], description: pt[1] };
    });
    const extra = Object.keys(t.params).filter((k) => !f.parameters.some((p) => p.name === k));
    for (const k of extra) missing.push(`${f.id}: no parameter ${k}`);
    return { ...f, description: t.description, parameters };
  });
  if (missing.length) throw new Error(`metadata-text.json (${lang}): ${missing.join(", ")}`);
  return { ...metadata, functions };
}

/** Rewrites the generated functions.json into one file per language (after the metadata plugin added it). */
class LocalizedFunctionsMetadataPlugin {
  apply(compiler) {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap("LocalizedFunctionsMetadata", (compilation) => {
      compilation.hooks.processAssets.tap({ name: "LocalizedFunctionsMetadata", stage: Compilation.PROCESS_ASSETS_STAGE_ADDITIONS }, () => {
        const asset = compilation.getAsset(METADATA_FILES.zh);
        if (!asset) return; // the metadata plugin reported its errors
        const generated = JSON.parse(asset.source.source().toString());
        try {
          for (const [lang, file] of Object.entries(METADATA_FILES)) {
            const json = JSON.stringify(localize(generated, lang), null, 2);
            if (compilation.getAsset(file)) compilation.updateAsset(file, new sources.RawSource(json));
            else compilation.emitAsset(file, new sources.RawSource(json));
          }
        } catch (e) {
          compilation.errors.push(new compiler.webpack.WebpackError(e.message));
        }
      });
    });
  }
}

module.exports = { localize, METADATA_FILES, LocalizedFunctionsMetadataPlugin };
