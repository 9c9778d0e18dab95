/**
 * An in-memory stand-in for the part of the WebExtension API the extension uses
 * (what lib/browser.js exposes as `ext`), for node unit tests: storage.local and
 * storage.session (async; values are copied in and out like the real JSON store,
 * so the product cannot rely on sharing objects with it), alarms, tabs, windows,
 * idle, runtime messaging and the action badge. Events (`onX`) record their
 * listeners; the test fires them with `fire(...)` as the browser would.
 *
 * Only behaviour the background relies on is modelled, and nothing is invented
 * on top: calls the real API does not have are absent, so code using them fails.
 */

export const EXTENSION_ID = "ibnpehkffnpbllimldigpdhhlghdjljl";
export const ORIGIN = `chrome-extension://${EXTENSION_ID}/`;
const WINDOW_ID_NONE = -1;

class FakeEvent {
  constructor() {
    this.listeners = [];
  }

  addListener(fn) {
    this.listeners.push(fn);
  }

  removeListener(fn) {
    this.listeners = this.listeners.filter((l) => l !== fn);
  }

  hasListener(fn) {
    return this.listeners.includes(fn);
  }

  /** Test side: the browser fires the event; returns what each listener returned. */
  fire(...args) {
    return this.listeners.map((listener) => listener(...args));
  }
}

// Chrome keeps storage as JSON: what comes back is a copy, and only JSON survives the trip.
const copy = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

function storageArea() {
  const data = new Map();
  return {
    data,
    async get(keys) {
      const result = {};
      if (keys === null || keys === undefined) {
        for (const [k, v] of data) result[k] = copy(v);
        return result;
      }
      if (typeof keys === "string") keys = [keys];
      if (Array.isArray(keys)) {
        for (const k of keys) if (data.has(k)) result[k] = copy(data.get(k));
        return result;
      }
      for (const [k, fallback] of Object.entries(keys)) result[k] = data.has(k) ? copy(data.get(k)) : copy(fallback);
      return result;
    },
    async set(values) {
      for (const [k, v] of Object.entries(values)) {
        if (v === undefined) continue; // like chrome: undefined values are not stored
        data.set(k, copy(v));
      }
    },
    async remove(keys) {
      for (const k of [].concat(keys)) data.delete(k);
    },
    async clear() {
      data.clear();
    },
  };
}

/** A fresh fake browser: no windows, no tabs, empty storage. */
export function createBrowser() {
  const windows = new Map(); // id -> {id, focused, incognito}
  const tabs = new Map(); // id -> {id, windowId, url, title, active, audible, incognito}
  const alarms = new Map(); // name -> {name, scheduledTime, periodInMinutes}
  let nextId = 1;
  const badge = { text: "", color: null, title: "" };
  const idleState = { state: "active", interval: 60 };

  const tabCopy = (tab) => ({ ...tab });

  const browser = {
    storage: { local: storageArea(), session: storageArea() },

    runtime: {
      id: EXTENSION_ID,
      getURL: (path) => ORIGIN + String(path).replace(/^\//, ""),
      onMessage: new FakeEvent(),
      onInstalled: new FakeEvent(),
      openedOptions: 0,
      async openOptionsPage() {
        browser.runtime.openedOptions += 1;
      },
      /** A message from an extension page (the popup by default), answered like chrome does. */
      sendMessage(message) {
        return browser.send(message, { id: EXTENSION_ID, url: browser.runtime.getURL("popup/popup.html") });
      },
    },

    alarms: {
      all: alarms,
      async create(name, info) {
        const scheduledTime = info.when ?? Date.now() + (info.delayInMinutes ?? info.periodInMinutes) * 60_000;
        alarms.set(name, { name, scheduledTime, periodInMinutes: info.periodInMinutes });
      },
      async get(name) {
        return alarms.has(name) ? { ...alarms.get(name) } : undefined;
      },
      async clear(name) {
        return alarms.delete(name);
      },
      onAlarm: new FakeEvent(),
    },

    tabs: {
      async query(filter = {}) {
        let found = [...tabs.values()];
        if (filter.active !== undefined) found = found.filter((t) => t.active === filter.active);
        if (filter.windowId !== undefined) found = found.filter((t) => t.windowId === filter.windowId);
        if (filter.lastFocusedWindow) {
          const win = [...windows.values()].find((w) => w.focused);
          found = found.filter((t) => win && t.windowId === win.id);
        }
        return found.map(tabCopy);
      },
      async get(id) {
        if (!tabs.has(id)) throw new Error(`No tab with id: ${id}.`);
        return tabCopy(tabs.get(id));
      },
      async update(id, { url }) {
        if (!tabs.has(id)) throw new Error(`No tab with id: ${id}.`);
        const tab = tabs.get(id);
        tab.url = url;
        browser.tabs.onUpdated.fire(id, { url }, tabCopy(tab));
        return tabCopy(tab);
      },
      async remove(id) {
        tabs.delete(id);
        browser.tabs.onRemoved.fire(id, {});
      },
      onActivated: new FakeEvent(),
      onUpdated: new FakeEvent(),
      onRemoved: new FakeEvent(),
    },

    windows: {
      WINDOW_ID_NONE,
      async getLastFocused() {
        const win = [...windows.values()].find((w) => w.focused) ?? [...windows.values()].at(-1);
        if (!win) throw new Error("No last-focused window");
        return { ...win };
      },
      onRemoved: new FakeEvent(),
      onFocusChanged: new FakeEvent(),
    },

    idle: {
      setDetectionInterval(seconds) {
        idleState.interval = seconds;
      },
      async queryState() {
        return idleState.state;
      },
      onStateChanged: new FakeEvent(),
    },

    action: {
      async setBadgeText({ text }) {
        badge.text = text;
      },
      async getBadgeText() {
        return badge.text;
      },
      async setBadgeBackgroundColor({ color }) {
        badge.color = color;
      },
      async setTitle({ title }) {
        badge.title = title;
      },
    },

    // ------------------------------------------------------------ test side

    badge,
    idleState,
    windowsById: windows,
    tabsById: tabs,

    /** A window (focused unless said otherwise) with one active tab at `url`. */
    openWindow({ url, incognito = false, focused = true, title = "A page", audible = false } = {}) {
      const win = { id: nextId++, focused, incognito };
      if (focused) for (const w of windows.values()) w.focused = false;
      windows.set(win.id, win);
      const tab = browser.openTab({ windowId: win.id, url, title, audible });
      return { windowId: win.id, tabId: tab.id };
    },

    /** A tab in `windowId`; it becomes the active one there unless `active` is false. */
    openTab({ windowId, url, title = "A page", audible = false, active = true }) {
      const win = windows.get(windowId);
      if (active) for (const t of tabs.values()) if (t.windowId === windowId) t.active = false;
      const tab = { id: nextId++, windowId, url, title, active, audible, incognito: win.incognito };
      tabs.set(tab.id, tab);
      return tabCopy(tab);
    },

    /** The user switches to tab `id` in its window (fires onActivated). */
    activate(id) {
      const tab = tabs.get(id);
      for (const t of tabs.values()) if (t.windowId === tab.windowId) t.active = t.id === id;
      return browser.tabs.onActivated.fire({ tabId: id, windowId: tab.windowId });
    },

    /** The tab's page changes to `url` (fires onUpdated with the change, like a navigation). */
    navigate(id, url) {
      const tab = tabs.get(id);
      tab.url = url;
      return browser.tabs.onUpdated.fire(id, { url }, tabCopy(tab));
    },

    /** Another application takes the focus (`null`) or window `id` gets it. */
    focus(id) {
      for (const w of windows.values()) w.focused = w.id === id;
      return browser.windows.onFocusChanged.fire(id ?? WINDOW_ID_NONE);
    },

    /** Deliver a message to the background as the browser does and resolve with its answer. */
    send(message, sender) {
      return new Promise((resolve) => {
        let answered = false;
        const respond = (answer) => {
          if (!answered) resolve(answer);
          answered = true;
        };
        const results = browser.runtime.onMessage.fire(structuredClone(message), sender, respond);
        // A listener returning true answers later; otherwise the channel closes now.
        if (!results.includes(true)) respond(undefined);
      });
    },

    /** A message from a content script in tab `tabId`. */
    sendFromTab(tabId, message) {
      const tab = tabs.get(tabId);
      return browser.send(message, { id: EXTENSION_ID, url: tab.url, tab: tabCopy(tab), frameId: 0 });
    },

    /** A message from one of the extension's own pages (e.g. "pages/nudge.html?u=…" in tab `tabId`). */
    sendFromPage(path, message, tabId = undefined) {
      const sender = { id: EXTENSION_ID, url: browser.runtime.getURL(path) };
      if (tabId !== undefined) sender.tab = tabCopy(tabs.get(tabId));
      return browser.send(message, sender);
    },
  };
  return browser;
}
