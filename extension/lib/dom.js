// The one element builder the extension pages share (no innerHTML anywhere: text is always text).

/** `<tag>` with `props` (class, aria-*, role as attributes; the rest as properties) and `children`. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("aria-") || k === "role" || k.startsWith("data-")) node.setAttribute(k, v);
    else node[k] = v;
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}
