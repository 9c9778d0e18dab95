/**
 * The nudge and block pages. Nudge: a pause of the user's chosen length, then
 * the cost per minute, the balance and three choices (buy the offered minutes,
 * continue at the surcharge, go back). Block: buy or go back. When the desktop
 * app cannot be asked (or now allows the page) the page sends the user on at
 * once: friction, never a wall because the app is down.
 */

import { ask } from "../lib/browser.js";
import { minutes, points } from "../lib/format.js";

const $ = (id) => document.getElementById(id);
const mode = document.body.dataset.mode;
const target = new URLSearchParams(location.search).get("u") || "";

function proceed() {
  location.replace(target);
}

function countdown(seconds) {
  return new Promise((resolve) => {
    let left = seconds;
    $("pause").hidden = left <= 0;
    $("seconds").textContent = String(left);
    if (left <= 0) return resolve();
    const timer = setInterval(() => {
      left -= 1;
      $("seconds").textContent = String(left);
      if (left <= 0) {
        clearInterval(timer);
        $("pause").hidden = true;
        resolve();
      }
    }, 1000);
  });
}

async function choose(action) {
  for (const button of document.querySelectorAll("button")) button.disabled = true;
  try {
    await action();
  } catch (error) {
    $("message").textContent = error.message;
    for (const button of document.querySelectorAll("button")) button.disabled = false;
  }
}

async function main() {
  const { verdict } = await ask("verdict", { url: target });
  if (!verdict || verdict.verdict === "allow") return proceed();
  $("site").textContent = verdict.subject;
  $("rate").textContent = `${points(-verdict.rate)} points per minute`;
  $("balance").textContent = `${points(verdict.balance)} points`;
  $("facts").hidden = false;
  const buy = $("buy");
  buy.hidden = verdict.buy_cost === null;
  buy.textContent = `Buy ${minutes(verdict.buy_minutes)} for ${points(verdict.buy_cost)} points`;
  buy.onclick = () =>
    choose(async () => {
      await ask("buy", { url: target, minutes: verdict.buy_minutes });
      proceed();
    });
  const go = $("continue");
  if (go) {
    const surcharged = (-verdict.rate * verdict.surcharge_pct) / 100;
    go.textContent = `Continue anyway (${points(surcharged)} points per minute)`;
    go.onclick = () =>
      choose(async () => {
        await ask("continue", { url: target });
        proceed();
      });
  }
  $("back").onclick = () => choose(() => ask("leave"));
  document.body.dataset.ready = "true";
  if (mode === "nudge") await countdown(verdict.pause_s);
  $("choices").hidden = false;
  document.body.dataset.choices = "true";
}

main().catch((error) => {
  $("message").textContent = error.message;
});
