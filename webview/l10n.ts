// The panel's own vscode.l10n.t: the host puts vscode.l10n.bundle (undefined in English) as JSON into the page's
// data-l10n attribute (src/host/panel/panelHtml.ts); a message missing from it stays English. Messages use the
// host's `{0}` placeholders, and scripts/l10n-bundle.mjs collects every t('…') into l10n/bundle.l10n.json.

let bundle: Record<string, string> | undefined;

function loadBundle(): Record<string, string> {
  if (bundle) return bundle;
  bundle = {};
  // Outside a page (a unit test importing a webview module) there is no bundle: English.
  const text = typeof document === 'undefined' ? undefined : document.getElementById('app')?.dataset.l10n;
  if (!text) return bundle;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') {
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') bundle[k] = v;
    }
  } catch {
    // A broken bundle leaves the panel in English rather than blank.
  }
  return bundle;
}

/** The translation of an English message, with `{0}`, `{1}`… replaced by the arguments. */
export function t(message: string, ...args: (string | number | boolean)[]): string {
  const text = loadBundle()[message] ?? message;
  return text.replace(/\{(\d+)\}/g, (whole, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : whole));
}
