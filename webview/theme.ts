// VS Code themes the webview through --vscode-* variables on <html> and a body class (vscode-light,
// vscode-dark, vscode-high-contrast, vscode-high-contrast-light). Canvas charts cannot use CSS variables,
// so they read the values and redraw when the theme changes.

/** The current value of a CSS variable, or the fallback when VS Code does not set it. */
export function cssVar(name: string, fallback: string): string {
  const value =
    getComputedStyle(document.documentElement).getPropertyValue(name).trim() ||
    getComputedStyle(document.body).getPropertyValue(name).trim();
  return value || fallback;
}

export function themeKind(): 'light' | 'dark' | 'high-contrast' | 'high-contrast-light' {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  return c.contains('vscode-light') ? 'light' : 'dark';
}

/** Calls `listener` (at most once a frame) when the body class or the root style changes. */
export function onThemeChange(listener: () => void): void {
  let pending = false;
  const fire = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      listener();
    });
  };
  new MutationObserver(fire).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  new MutationObserver(fire).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['style', 'class'],
  });
}
