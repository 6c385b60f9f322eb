// The inspector: reads the mock's admin API (/__admin/requests, /__admin/fixtures) and shows the journal live.
// Every value from the journal is written with textContent, never as markup: a request body is the caller's text.
"use strict";

const API = "/__admin";
const POLL_MS = 1000;
const KEEP = 500; // calls the page holds; the journal itself is bounded by the mock
const calls = new Map(); // id -> journal entry
const fixtures = new Map(); // name -> fixture summary
let newest = -1;
let selected = null;
let polling = false;
let token = sessionStorage.getItem("mockkit-admin-token") || "";

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

async function get(path) {
  const headers = token ? { "x-mock-admin-token": token } : {};
  const response = await fetch(API + path, { headers, cache: "no-store" });
  if (response.status === 401) {
    $("login").hidden = false;
    throw new Error("the admin API needs a token");
  }
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

function pretty(value) {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

function clock(seconds) {
  const date = new Date(seconds * 1000);
  return date.toISOString().slice(11, 23);
}

function answeredBy(call) {
  if (call.miss) return "no fixture matched";
  if (call.source === "generated") return "generated";
  if (call.fixture) return `${call.source === "recorded" ? "recorded" : "fixture"}: ${call.fixture}`;
  return "";
}

function shown(call) {
  const provider = $("f-provider").value;
  const model = $("f-model").value;
  const status = $("f-status").value;
  return (!provider || call.provider === provider) && (!model || call.model === model)
    && (!status || String(call.status) === status);
}

function refillSelect(select, values) {
  const keep = select.value;
  const known = new Set([...select.options].map((o) => o.value));
  for (const value of [...values].sort()) {
    if (!known.has(value)) select.append(el("option", { value }, value));
  }
  select.value = keep;
}

function renderList() {
  const body = $("calls").tBodies[0];
  const rows = [];
  const ids = [...calls.keys()].sort((a, b) => b - a); // newest first
  for (const id of ids) {
    const call = calls.get(id);
    if (!shown(call)) continue;
    const kind = call.miss ? "miss" : call.status >= 400 ? "error" : "ok";
    const row = el("tr", { class: `call ${kind}${id === selected ? " selected" : ""}`, dataset: { id: String(id) },
      tabindex: "0" },
      el("td", {}, id), el("td", {}, clock(call.time)), el("td", {}, call.provider),
      el("td", {}, call.operation || ""), el("td", { class: "model", title: call.model || "" }, call.model || ""),
      el("td", { class: "status" }, call.status),
      el("td", { class: "answer", title: answeredBy(call) }, answeredBy(call)),
      el("td", { class: "num" }, call.elapsed_ms === undefined ? "" : call.elapsed_ms.toFixed(2)));
    rows.push(row);
  }
  body.replaceChildren(...rows);
  $("empty").hidden = rows.length > 0;
  refillSelect($("f-provider"), new Set([...calls.values()].map((c) => c.provider)));
  refillSelect($("f-model"), new Set([...calls.values()].map((c) => c.model).filter(Boolean)));
  refillSelect($("f-status"), new Set([...calls.values()].map((c) => String(c.status))));
}

function table(headers, rows, cls) {
  return el("table", { class: cls || "" },
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c) => el("td", {}, c))))));
}

function pairs(object) {
  return table(["name", "value"], Object.entries(object || {}).map(([k, v]) => [k, pretty(v)]), "pairs");
}

function fixtureBlock(name) {
  const fixture = fixtures.get(name);
  if (!fixture) return el("p", { class: "muted" }, `fixture ${name} (no longer held)`);
  const where = fixture.provider ? `${fixture.provider} ${fixture.operation}` : "shared (conversations/)";
  return el("div", { class: "fixture" },
    el("p", {}, el("strong", {}, fixture.name), ` — ${fixture.kind}, ${where}, used ${fixture.used}`
      + (fixture.times ? ` of ${fixture.times}` : "") + (fixture.runtime ? ", added at run time" : "")),
    el("h4", {}, "matchers"), pairs(fixture.match),
    fixture.reply ? [el("h4", {}, "reply"), pairs(fixture.reply)] : null,
    fixture.response ? [el("h4", {}, "recorded response"), pairs(fixture.response)] : null,
    Object.keys(fixture.provenance || {}).length ? [el("h4", {}, "provenance"), pairs(fixture.provenance)] : null);
}

function missBlock(miss) {
  const near = miss.closest.map((c) => el("div", { class: "near" },
    el("h4", {}, `closest: ${c.fixture}`),
    table(["matcher", "why it failed"], c.failed.map((f) => [f.matcher, f.reason || ""]), "failed"),
    fixtures.has(c.fixture) ? el("details", {}, el("summary", {}, "this fixture"), fixtureBlock(c.fixture)) : null));
  return el("section", { class: "miss", id: "miss" },
    el("h3", {}, miss.title || "No fixture matched"), el("p", {}, miss.detail || ""),
    miss.fix ? el("p", { class: "fix" }, `Fix: ${miss.fix}`) : null,
    near.length ? near : el("p", {}, "There are no fixtures for this operation."));
}

function eventRow(event, index, first, span) {
  const bar = el("span", { class: "bar" }); // where the event falls between the first and the last one
  bar.style.width = `${span > 0 ? Math.max(2, (100 * (event.at_ms - first)) / span) : 2}%`;
  const what = event.text !== undefined ? event.text
    : event.event !== undefined ? `${event.event}  ${pretty(event.payload)}` : event.hex || "(bytes not kept)";
  return [index, event.at_ms.toFixed(3), event.delay_ms.toFixed(3), event.size, el("div", {}, bar), what];
}

function responseBlock(call) {
  const response = call.response || {};
  const parts = [el("h3", {}, `Response ${call.status}`), pairs(response.headers)];
  if (response.stream) {
    const stream = response.stream;
    const times = stream.events.map((e) => e.at_ms);
    const first = times.length ? Math.min(...times) : 0;
    const span = times.length ? Math.max(...times) - first : 0;
    parts.push(el("p", {}, `stream: ${stream.pieces} pieces, ${stream.bytes} bytes, ${stream.state}`
      + (stream.untimed ? ` (${stream.untimed} later pieces not timed)` : "")));
    parts.push(table(["#", "at ms", "delay ms", "bytes", "", "event"],
      stream.events.map((e, i) => eventRow(e, i, first, span)), "events"));
  } else {
    parts.push(el("pre", {}, pretty(response.body)));
    if (response.body_truncated) parts.push(el("p", { class: "muted" }, `cut: ${response.body_size} bytes in all`));
  }
  return el("section", { class: "response" }, parts);
}

function renderDetail() {
  const panel = $("detail");
  const call = calls.get(selected);
  if (!call) {
    panel.hidden = true;
    return;
  }
  const query = Object.keys(call.query || {}).length ? [el("h4", {}, "query"), pairs(call.query)] : null;
  let answer;
  if (call.miss) answer = missBlock(call.miss);
  else if (call.fixture) answer = el("section", { class: "answer" }, el("h3", {}, "Answered by"),
    fixtureBlock(call.fixture));
  else answer = el("section", { class: "answer" }, el("h3", {}, "Answered by"),
    el("p", {}, call.source === "generated" ? "a generated reply (no fixture matched)" : "the provider's own logic"));
  panel.replaceChildren(
    el("h2", {}, `#${call.id} ${call.method} ${call.path}`),
    el("p", { class: "muted" }, `${call.provider} ${call.operation || ""} ${call.model || ""} — ${call.status}, `
      + `${call.elapsed_ms} ms`),
    answer,
    el("section", { class: "request" }, el("h3", {}, "Request"), pairs(call.headers), query,
      el("pre", {}, pretty(call.body)),
      call.body_truncated ? el("p", { class: "muted" }, `cut: ${call.body_size} bytes in all`) : null),
    responseBlock(call));
  panel.hidden = false;
}

async function loadFixtures() {
  const listing = await get("/fixtures");
  fixtures.clear();
  for (const fixture of listing.fixtures) fixtures.set(fixture.name, fixture);
}

async function poll() {
  if (polling) return;
  polling = true;
  try {
    await refresh();
    $("login").hidden = true;
    $("state").textContent = `${calls.size} calls · updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    $("state").textContent = `cannot read the journal: ${error.message}`;
  } finally {
    polling = false;
  }
}

async function refresh() {
  const since = newest >= 0 ? `since=${newest}&` : "";
  const page = await get(`/requests?${since}limit=200`);
  if (page.newest !== null && page.newest < newest) { // the mock was reset: start again
    calls.clear();
    newest = -1;
    return refresh();
  }
  const fresh = page.requests.filter((c) => c.id !== undefined);
  for (const call of calls.values()) { // a stream still going out when it was read: read it again
    if (call.response && call.response.stream && call.response.stream.state === "sending") {
      try {
        fresh.push(await get(`/requests/${call.id}`));
      } catch (error) {
        call.response.stream.state = "left the journal while sending";
      }
    }
  }
  if (fresh.length || newest < 0) {
    await loadFixtures(); // uses and run-time fixtures change with the calls
    for (const call of fresh) calls.set(call.id, call);
    newest = Math.max(newest, ...fresh.map((c) => c.id));
    for (const id of [...calls.keys()].sort((a, b) => a - b).slice(0, Math.max(0, calls.size - KEEP))) {
      calls.delete(id);
    }
    renderList();
    if (fresh.some((c) => c.id === selected)) renderDetail();
  }
}

function select(id) {
  selected = id;
  renderList();
  renderDetail();
}

function start() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) {
    token = fromHash;
    sessionStorage.setItem("mockkit-admin-token", token);
    history.replaceState(null, "", location.pathname); // the token leaves the address bar
  }
  $("calls").addEventListener("click", (event) => {
    const row = event.target.closest("tr.call");
    if (row) select(Number(row.dataset.id));
  });
  $("calls").addEventListener("keydown", (event) => {
    const row = event.target.closest("tr.call");
    if (row && event.key === "Enter") select(Number(row.dataset.id));
  });
  $("filters").addEventListener("change", renderList);
  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    token = $("token").value;
    sessionStorage.setItem("mockkit-admin-token", token);
    poll();
  });
  poll();
  setInterval(() => { if ($("f-live").checked) poll(); }, POLL_MS);
}

document.addEventListener("DOMContentLoaded", start);
