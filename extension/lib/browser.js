/**
 * The one module that touches the browser's extension API. Firefox's `browser`
 * and Chrome's `chrome` namespaces both return promises under Manifest V3; this
 * picks whichever exists and adds the few helpers every surface needs
 * (storage with defaults, messages to the background).
 */

export const ext = globalThis.browser ?? globalThis.chrome;

/** Read keys from extension storage, with defaults for missing ones. */
export async function load(defaults) {
  const stored = await ext.storage.local.get(Object.keys(defaults));
  return { ...defaults, ...stored };
}

export function save(values) {
  return ext.storage.local.set(values);
}

/** Send a named message to the background and get its answer (see background/messages.js). */
export async function ask(kind, payload = {}) {
  const answer = await ext.runtime.sendMessage({ kind, ...payload });
  if (answer && answer.error) throw new Error(answer.error);
  return answer;
}

export const WINDOW_ID_NONE = ext.windows ? ext.windows.WINDOW_ID_NONE : -1;
export const extensionUrl = (path) => ext.runtime.getURL(path);
