/** Options: pairing (code and port) and the connection state: paired, app not running, revoked. */

import { ask } from "../lib/browser.js";
import { STATES } from "../lib/format.js";

const $ = (id) => document.getElementById(id);

function show(answer) {
  const conn = answer.conn;
  const state = conn.paired ? conn.state : "unpaired";
  $("state").className = `state ${state}`;
  $("state").dataset.state = state;
  $("state").textContent = STATES[state] || state;
  $("port").value = $("port").value || conn.port;
  $("queue").textContent = answer.queued ? `${answer.queued} events are waiting to be delivered.` : "";
}

$("pair").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("submit").disabled = true;
  $("result").textContent = "Pairing…";
  try {
    const answer = await ask("pair", { port: $("port").value, code: $("code").value });
    $("result").textContent = answer.ok ? "Paired." : `${STATES[answer.state] || ""} ${answer.message}`.trim();
    $("result").className = answer.ok ? "" : "warn";
    if (answer.conn) show(answer);
    if (answer.ok) $("code").value = "";
  } catch (error) {
    $("result").textContent = error.message;
  } finally {
    $("submit").disabled = false;
  }
});

$("check").addEventListener("click", async () => show(await ask("check")));

ask("check")
  .then(show)
  .finally(() => (document.body.dataset.ready = "true"));
