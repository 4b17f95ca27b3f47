// Ids of the bases that ship inside the extension (dist/models/<id>). Here, not in the trainer, so the
// language server and the recipe reader can name them without loading tfjs.

/** Built-in base ids, the first being the default. */
export const BUILTIN_BASES = ['mobilenet_v2'] as const;
