// Building the page from data without ever parsing it as HTML: every piece of user text
// (titles, descriptions, evidence) becomes a text node. No innerHTML anywhere in the page.

const ATTRIBUTE = /^(?!on)[a-z][a-z0-9-]*$/; // never a handler from text, never odd names
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction"]);
const SAFE_URL = /^(#|\/|blob:)/; // the page's own fragments and paths, and checked pictures

/** An element: h("button", {class: "primary", onclick: fn, disabled: true}, "Buy", child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value !== "function" && !ATTRIBUTE.test(key)) throw new Error(`h(): attribute ${key} refused`);
    if (URL_ATTRIBUTES.has(key) && !SAFE_URL.test(String(value))) throw new Error(`h(): ${key} ${value} refused`);
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "value") {
      el.value = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what `root` shows. */
export function show(root, ...children) {
  root.replaceChildren();
  append(root, children);
}

/** A notice line: kind is "info", "error", "warning" or "ok". */
export function notice(kind, ...text) {
  return h("p", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, ...text);
}

/** A labelled form field. */
export function field(label, input, hint) {
  return h("label", { class: "field" }, h("span", {}, label), input, hint ? h("small", {}, hint) : null);
}
