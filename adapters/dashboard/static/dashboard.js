// Progressive enhancement only: every page reads and works without it.
"use strict";

// Live progress: poll the broadcast's report until nothing is left to send.
function watchProgress(section) {
  const url = section.dataset.url;
  const set = (id, value) => { const el = document.getElementById(id); if (el) el.textContent = value; };
  async function tick() {
    let data;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return;
      data = await response.json();
    } catch (err) {
      setTimeout(tick, 5000);
      return;
    }
    document.getElementById("progress-bar").value = data.percent;
    set("percent", data.percent);
    set("state", data.state);
    for (const key of ["done", "queued", "sent", "skipped", "failed", "pending", "cancelled"]) {
      set(key, data[key]);
    }
    const finished = data.state === "done" || data.state === "cancelled";
    const cancel = document.getElementById("cancel");
    if (cancel && finished) cancel.closest("form").hidden = true;
    if (!(finished && data.pending === 0)) setTimeout(tick, 1500);
  }
  tick();
}

// A character count under the broadcast text.
function countCharacters(textarea, counter) {
  const max = Number(counter.dataset.max);
  const update = () => { counter.textContent = `${textarea.value.length} / ${max} characters. Mentions like @everyone are neutralised.`; };
  textarea.addEventListener("input", update);
  update();
}

// Live preview while composing: the server validates the order as a draft, stores nothing.
function livePreview(form, panel) {
  const csrf = form.querySelector("input[name=csrf]").value;
  const error = document.getElementById("live-error");
  let timer = null;
  let asked = 0;
  async function ask() {
    const mine = ++asked;
    let data;
    try {
      const response = await fetch(panel.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, Accept: "application/json" },
        body: new FormData(form),
      });
      data = await response.json();
    } catch (err) {
      return;
    }
    if (mine !== asked) return; // a newer keystroke already asked
    panel.hidden = false;
    error.hidden = data.ok;
    error.textContent = data.ok ? "" : data.error;
    document.getElementById("live-summary").textContent = data.ok ? data.summary : "";
    document.getElementById("live-message").textContent = data.ok ? data.message : "";
  }
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, 400);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("compose-form");
  const panel = document.getElementById("live-preview");
  if (form && panel) livePreview(form, panel);
  const section = document.getElementById("progress");
  if (section) watchProgress(section);
  const text = document.getElementById("text");
  const counter = document.getElementById("text-count");
  if (text && counter) countCharacters(text, counter);
});
