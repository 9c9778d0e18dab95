/** The toolbar popup: balance, today, the current site's rule and allowance, and buying time. */

import { ask } from "../lib/browser.js";
import { STATES, duration, minutes, points } from "../lib/format.js";

const $ = (id) => document.getElementById(id);

function showConnection(conn) {
  const state = conn.paired ? conn.state : "unpaired";
  $("conn").className = `state ${state}`;
  $("conn").textContent = STATES[state] || state;
}

function showQueue(answer) {
  $("queue").textContent = answer.queued ? `${answer.queued} events waiting for the desktop app.` : "";
  $("dropped").hidden = !answer.dropped;
  $("dropped").querySelector("span").textContent =
    `Queue full: ${answer.dropped} events could not be recorded while the app was away.`;
}

function showSite(site) {
  const verdict = site && site.verdict;
  $("site").hidden = !verdict;
  if (!verdict) return;
  $("subject").textContent = verdict.subject;
  $("category").textContent = verdict.category;
  $("rate").textContent = `${points(verdict.rate)} points/min`;
  $("allowance").textContent = verdict.allowance_remaining_s ? duration(verdict.allowance_remaining_s) : "none";
  const buy = $("buy");
  buy.hidden = verdict.buy_cost === null;
  buy.textContent = `Buy ${minutes(verdict.buy_minutes)} for ${points(verdict.buy_cost)} points`;
  buy.onclick = async () => {
    buy.disabled = true;
    try {
      const { bought } = await ask("buy", { url: site.url, minutes: verdict.buy_minutes });
      $("buy-result").textContent = `Bought: ${bought.reward}. Balance ${points(bought.balance)}.`;
      await refresh();
    } catch (error) {
      $("buy-result").textContent = error.message;
    } finally {
      buy.disabled = false;
    }
  };
}

// Opened as a page (popup.html?tab=ID, e.g. for the README's screenshot) it describes that tab.
const tabParam = new URLSearchParams(location.search).get("tab");
const tabId = tabParam === null ? undefined : Number(tabParam);

async function refresh() {
  const answer = await ask("popup", { tabId });
  showConnection(answer.conn);
  showQueue(answer);
  const summary = answer.summary;
  $("numbers").hidden = !summary;
  if (summary) {
    $("balance").textContent = points(summary.balance);
    $("earned").textContent = `+${points(summary.earned_today)}`;
    $("spent").textContent = summary.spent_today ? `−${points(summary.spent_today)}` : "0";
  }
  showSite(answer.site);
  document.body.dataset.ready = "true";
}

$("dismiss").addEventListener("click", async () => showQueue(await ask("ackDropped")));
refresh().catch((error) => {
  $("conn").textContent = error.message;
  document.body.dataset.ready = "true";
});
