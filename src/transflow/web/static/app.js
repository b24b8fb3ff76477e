// transflow review pages: keyboard shortcuts, state filter, tabs and live checks while editing.
// Everything works without it (forms post and the server redirects back); no library, no build.
"use strict";
(function () {
  document.body.classList.add("js");
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";

  // Index: filter articles by name.
  const articleFilter = document.getElementById("article-filter");
  if (articleFilter) {
    articleFilter.addEventListener("input", () => {
      const q = articleFilter.value.trim().toLowerCase();
      document.querySelectorAll("#articles tr.article").forEach((tr) => {
        tr.hidden = q !== "" && !tr.dataset.article.toLowerCase().includes(q);
      });
    });
  }

  // Article page: tabs.
  const tabs = Array.from(document.querySelectorAll("nav.tabs .tab"));
  function showTab(name) {
    tabs.forEach((t) => {
      const on = t.dataset.tab === name;
      t.classList.toggle("active", on);
      const panel = document.getElementById(t.dataset.tab);
      if (panel) panel.hidden = !on;
    });
  }
  tabs.forEach((t) => t.addEventListener("click", () => showTab(t.dataset.tab)));
  if (tabs.length) showTab("segments");

  // Preview: as build would publish it, or with every current translation (drafts too).
  const previewMode = document.getElementById("preview-drafts");
  function applyPreview() {
    document.getElementById("preview-published").hidden = previewMode.checked;
    document.getElementById("preview-current").hidden = !previewMode.checked;
  }
  if (previewMode) { previewMode.addEventListener("change", applyPreview); applyPreview(); }

  // Article page: filter segments by state.
  const filters = Array.from(document.querySelectorAll("input.state-filter"));
  function applyFilters() {
    const shown = new Set(filters.filter((f) => f.checked).map((f) => f.value));
    filters.forEach((f) => f.closest("label").classList.toggle("off", !f.checked));
    segments().forEach((s) => s.classList.toggle("hidden", !shown.has(s.dataset.state)));
    try { sessionStorage.setItem("transflow-filter", JSON.stringify([...shown])); } catch (e) { /* private mode */ }
  }
  filters.forEach((f) => f.addEventListener("change", applyFilters));
  try {
    const saved = JSON.parse(sessionStorage.getItem("transflow-filter") || "null");
    if (Array.isArray(saved)) filters.forEach((f) => { f.checked = saved.includes(f.value); });
  } catch (e) { /* ignore */ }
  if (filters.length) applyFilters();

  function segments() { return Array.from(document.querySelectorAll("article.seg")); }
  function visible() { return segments().filter((s) => !s.classList.contains("hidden")); }
  let current = null;
  function focusSeg(seg) {
    if (!seg) return;
    if (current) current.classList.remove("current");
    current = seg;
    seg.classList.add("current");
    seg.scrollIntoView({ block: "center" });
  }
  function move(step) {
    const list = visible();
    if (!list.length) return;
    const i = list.indexOf(current);
    focusSeg(list[Math.max(0, Math.min(list.length - 1, i < 0 ? 0 : i + step))]);
  }
  if (location.hash.startsWith("#s-")) {
    const seg = document.getElementById(location.hash.slice(1));
    if (seg) focusSeg(seg);
  }
  segments().forEach((s) => s.addEventListener("click", (ev) => {
    if (!ev.target.closest("form, summary, a, textarea")) focusSeg(s);
  }));

  // The reviewer's name: asked once, remembered in a cookie by the server.
  const reviewerInput = document.getElementById("reviewer-name");
  async function ensureReviewer() {
    if (!reviewerInput || reviewerInput.value.trim()) return true;
    const name = (window.prompt("Your name, recorded with each approval (asked once):") || "").trim();
    if (!name) return false;
    const body = new URLSearchParams({ name: name, csrf: csrf, next: "/" });
    const res = await fetch("/reviewer", { method: "POST", body: body, headers: { "X-CSRF-Token": csrf } });
    if (res.ok) reviewerInput.value = name;
    return res.ok;
  }
  document.querySelectorAll("form.act, form.accept").forEach((form) => {
    form.addEventListener("submit", async (ev) => {
      if (!form.querySelector("button.approve") && !form.classList.contains("accept")) return;
      if (reviewerInput && !reviewerInput.value.trim()) {
        ev.preventDefault();
        if (await ensureReviewer()) form.submit();
      }
    });
  });

  // Edit: live checks as you type, Ctrl+Enter saves, Esc closes.
  document.querySelectorAll("form.edit-form").forEach((form) => {
    const area = form.querySelector("textarea");
    const html = form.querySelector(".live-html");
    const list = form.querySelector(".live-findings");
    let timer = null;
    let seq = 0;
    async function check() {
      const mine = ++seq;
      const body = new URLSearchParams({ text: area.value, csrf: csrf });
      try {
        const res = await fetch(form.dataset.check, { method: "POST", body: body, headers: { "X-CSRF-Token": csrf, "Accept": "application/json" } });
        if (!res.ok || mine !== seq) return;
        const data = await res.json();
        html.innerHTML = data.html; // sanitized by the server
        list.replaceChildren(...data.findings.map((f) => {
          const li = document.createElement("li");
          li.className = f.severity;
          const span = document.createElement("span");
          const b = document.createElement("b"); b.textContent = f.severity;
          const c = document.createElement("code"); c.textContent = f.check;
          span.append(b, " ", c, " ", f.message);
          li.append(span);
          return li;
        }));
        if (!data.findings.length) {
          const li = document.createElement("li"); li.className = "clean"; li.textContent = "no findings";
          list.append(li);
        }
      } catch (e) { /* server gone: the save itself will say so */ }
    }
    area.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, 250); });
    area.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); form.requestSubmit(); }
      if (ev.key === "Escape") { form.closest("details").open = false; area.blur(); }
    });
    form.closest("details").addEventListener("toggle", (ev) => {
      if (ev.target.open) {
        area.focus();
        area.setSelectionRange(area.value.length, area.value.length);
        check();
      }
    });
  });

  // Keyboard shortcuts (listed on the page).
  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target;
    if (t.closest && t.closest("input, textarea, select")) return;
    const key = ev.key;
    if (key === "j") { move(1); }
    else if (key === "k") { move(-1); }
    else if (key === "?") { showTab("keys"); }
    else if (key === "p") { showTab("preview"); }
    else if (key === "Escape") { showTab("segments"); }
    else if (/^[0-6]$/.test(key) && filters.length) {
      if (key === "0") filters.forEach((f) => { f.checked = true; });
      else { const f = filters[Number(key) - 1]; f.checked = !f.checked; }
      applyFilters();
    } else if ("aude".includes(key) && current) {
      const el = current.querySelector(`[data-shortcut="${key}"]`);
      if (!el) return;
      ev.preventDefault();
      if (key === "e") { el.closest("details").open = true; }
      else { el.closest("form").requestSubmit(el); }
    } else { return; }
    ev.preventDefault();
  });
})();
