// The language VS Code gives *.recipe.yaml files (package.json contributes it, with a grammar that is YAML's):
// opening a recipe activates the extension through onLanguage:recipe, which does not depend on
// workspaceContains' file search (it gives up after a few seconds on a busy machine or a large workspace).
// The language client's selector and the manifest test read this one name.

/** The language id of recipe files. */
export const RECIPE_LANGUAGE = 'recipe';
