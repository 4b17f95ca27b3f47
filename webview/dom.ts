// DOM building without markup strings: user data (class names, file names, messages) only ever reaches the page
// through textContent and attribute setters, so it can never become HTML.

type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates an element with attributes (false/undefined skipped, true as empty) and children (strings become text). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: (Node | string | null | undefined)[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: (Node | string | null | undefined)[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: (Node | string | null | undefined)[]): void {
  for (const c of children) {
    if (c === null || c === undefined) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: (Node | string | null | undefined)[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** Only data: images made by the host are shown; anything else (a remote URL, script) is refused. */
export function isImageDataUri(src: string): boolean {
  return /^data:image\/(jpeg|png|webp|gif);base64,[A-Za-z0-9+/=]+$/.test(src);
}
