/**
 * Just enough of a DOM to run the extension's page scripts (popup, options, the
 * nudge and block pages, the scroll content script) in node: the elements come
 * from the page's real HTML file (every element with an id, its tag, `hidden`,
 * the body's data-* attributes), so a script that needs an element the HTML
 * lacks fails here too. Elements keep what the script sets (textContent, hidden,
 * disabled, value, className, dataset, handlers); `click()` and `submit()` run them.
 * No layout, no parsing beyond that: jsdom would be a large dependency for this.
 */

import { readFileSync } from "node:fs";

class FakeElement {
  constructor(tag, id = "", { hidden = false, inner = "" } = {}) {
    this.tagName = tag.toUpperCase();
    this.id = id;
    this.hidden = hidden;
    this.disabled = false;
    this.textContent = "";
    this.className = "";
    this.value = "";
    this.dataset = {};
    this.onclick = null;
    this.listeners = {};
    this.inner = inner;
    this.children = {};
  }

  addEventListener(type, fn) {
    (this.listeners[type] ??= []).push(fn);
  }

  /** Dispatch an event of `type` to the listeners (and `onclick` for clicks); returns their results. */
  dispatch(type, event = {}) {
    const full = { type, target: this, preventDefault() {}, ...event };
    const results = (this.listeners[type] ?? []).map((fn) => fn(full));
    if (type === "click" && this.onclick) results.push(this.onclick(full));
    return Promise.all(results);
  }

  click() {
    if (this.disabled) return Promise.resolve([]);
    return this.dispatch("click");
  }

  submit() {
    return this.dispatch("submit");
  }

  /** A child by tag name ("span"), if the HTML has one inside this element. */
  querySelector(tag) {
    if (!new RegExp(`<${tag}[\\s>]`).test(this.inner)) return null;
    return (this.children[tag] ??= new FakeElement(tag));
  }
}

/**
 * A document built from `htmlPath` (relative to extension/; null for a web page), with `search` as the
 * page's query string. Returns {document, location, window, elements}.
 */
export function loadPage(htmlPath, { search = "" } = {}) {
  // A web page for the content script: no extension HTML, just a document and a window.
  const html = htmlPath ? readFileSync(new URL(`../../${htmlPath}`, import.meta.url), "utf-8") : "<body></body>";
  const elements = new Map();
  for (const match of html.matchAll(/<(\w+)([^>]*?)\bid="([^"]+)"([^>]*)>/g)) {
    const [whole, tag, before, id, after] = match;
    const attributes = before + after;
    const close = html.indexOf(`</${tag}>`, match.index);
    const inner = close < 0 ? "" : html.slice(match.index + whole.length, close);
    const element = new FakeElement(tag, id, { hidden: /\shidden(\s|$|=)/.test(attributes + " "), inner });
    const cls = /class="([^"]*)"/.exec(attributes);
    if (cls) element.className = cls[1];
    elements.set(id, element);
  }
  const body = new FakeElement("body");
  const bodyTag = /<body([^>]*)>/.exec(html);
  for (const [, name, value] of (bodyTag ? bodyTag[1] : "").matchAll(/data-([\w-]+)="([^"]*)"/g)) body.dataset[name] = value;
  const document = new FakeElement("#document");
  Object.assign(document, {
    body,
    documentElement: new FakeElement("html"),
    visibilityState: "visible",
    getElementById: (id) => elements.get(id) ?? null,
    querySelectorAll: (tag) => [...elements.values()].filter((e) => e.tagName === tag.toUpperCase()),
  });
  const location = {
    search,
    replaced: [],
    replace(url) {
      location.replaced.push(url);
    },
  };
  const window = new FakeElement("#window");
  Object.assign(window, { scrollX: 0, scrollY: 0 });
  return { document, location, window, elements };
}

/** Put a loaded page's globals where page scripts look for them. */
export function installPage(page) {
  globalThis.document = page.document;
  globalThis.location = page.location;
  globalThis.window = page.window;
  return page;
}
