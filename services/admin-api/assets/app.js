// Sora admin: signs in through the browser session routes (the refresh
// token stays in an HttpOnly cookie; the access token only in this
// variable), and shows the overview. No framework, no build step, nothing
// from elsewhere: the Content-Security-Policy allows this file only.
"use strict";

const session = { token: null, timer: null, role: null, email: null };

const $ = (id) => document.getElementById(id);

async function sessionCall(method, path, body) {
  const headers = { "x-sora-csrf": "1" };
  if (body) headers["content-type"] = "application/json";
  return fetch(path, {
    method, headers, body: body ? JSON.stringify(body) : undefined,
    credentials: "same-origin", cache: "no-store",
  });
}

function started(answer) {
  session.token = answer.access_token;
  session.role = answer.role;
  session.email = answer.email;
  clearTimeout(session.timer);
  // Refresh a minute before the access token expires.
  session.timer = setTimeout(refresh, Math.max(answer.expires_in - 60, 10) * 1000);
}

// One refresh at a time: the calls that get a 401 together (the overview
// makes seven at once) share it. Two refreshes would present the same
// refresh token twice, and admin-api takes a spent token presented again
// for a stolen one and ends every session of the user.
let refreshing = null;
function refresh() {
  if (!refreshing) {
    refreshing = (async () => {
      const response = await sessionCall("POST", "/api/admin/session/refresh");
      if (!response.ok) return false;
      started(await response.json());
      return true;
    })().finally(() => { refreshing = null; });
  }
  return refreshing;
}

class ApiError extends Error {
  constructor(status, detail) { super(detail); this.status = status; }
}

// A call to the JSON API with the access token; a 401 refreshes the token
// once through the cookie. Resolves to the response; throws ApiError with
// the problem's detail otherwise.
async function request(path, method = "GET", body = undefined, retried = false) {
  const headers = { authorization: `Bearer ${session.token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401 && !retried && (await refresh())) {
    return request(path, method, body, true);
  }
  if (!response.ok) {
    let detail = `${response.status}`;
    try {
      const problem = await response.json();
      detail = problem.errors && problem.errors.length
        ? problem.errors.map((e) => `${e.field}: ${e.message}`).join("; ")
        : problem.detail || detail;
    } catch (_) { /* not JSON */ }
    throw new ApiError(response.status, detail);
  }
  return response;
}

async function api(path, method = "GET", body = undefined) {
  const response = await request(path, method, body);
  return response.status === 204 ? null : response.json();
}

const SECTIONS = ["loading", "signin", "overview", "catalog", "feedback", "workspaces", "tokens", "users", "audit", "forbidden"];
const RANK = { viewer: 0, editor: 1, admin: 2 };

// Whether the signed-in user has at least `role`.
function can(role) {
  return session.role !== null && RANK[session.role] >= RANK[role];
}

function show(id) {
  for (const section of SECTIONS) $(section).hidden = section !== id;
  const signedIn = session.token !== null;
  for (const element of document.querySelectorAll("[data-role]")) {
    element.hidden = !can(element.dataset.role);
  }
  $("nav").hidden = !signedIn;
  $("logout").hidden = !signedIn;
  $("who").textContent = signedIn ? `${session.email} (${session.role})` : "";
  const current = window.location.hash || "#/overview";
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.getAttribute("href") === current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function forbidden() {
  show("forbidden");
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

// One row saying there is nothing to show, across `columns`.
function emptyRow(body, text, columns) {
  const row = document.createElement("tr");
  cell(row, text, "muted").colSpan = columns;
  body.appendChild(row);
}

// Runs `call` with the page's status line saying it is loading and its
// error line saying what went wrong; resolves to the answer, or null.
async function load(prefix, what, call) {
  $(`${prefix}-status`).textContent = "Loading…";
  $(`${prefix}-error`).textContent = "";
  try {
    return await call();
  } catch (error) {
    $(`${prefix}-error`).textContent = `${what} could not be loaded: ${error.message}`;
    return null;
  } finally {
    $(`${prefix}-status`).textContent = "";
  }
}

// Runs an action (yank, hide, delete…), shows why it failed, then `after`.
async function act(prefix, call, after) {
  $(`${prefix}-error`).textContent = "";
  let failure = null;
  try {
    await call();
  } catch (error) {
    failure = error.message;
  }
  await after();
  if (failure) $(`${prefix}-error`).textContent = (explain[prefix] ?? String)(failure);
}

// How a page words the API's messages: the workspaces API names users by
// id; the page says their e-mail where it knows it.
const explain = {
  workspaces: (message) => {
    let said = message;
    for (const [id, email] of workspaceState.people) said = said.replaceAll(id, email);
    return said;
  },
};

// A button; `name` is its accessible name where the label alone would be
// ambiguous in a table of rows.
function button(label, action, name) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  if (name) b.setAttribute("aria-label", name);
  b.addEventListener("click", action);
  return b;
}

// ---- Overview: figures and charts for everyone; services and queues for admins.

const SVG = "http://www.w3.org/2000/svg";

function svg(name, attributes, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

// The range picked: `from`/`to` and the bucket size of its series.
function selectedRange() {
  const days = Number($("range").value);
  const now = new Date();
  if (days === 1) {
    return { from: new Date(now - 24 * 3600e3).toISOString(), to: now.toISOString(), interval: "hour" };
  }
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - days + 1));
  return { from: first.toISOString().slice(0, 10), to: now.toISOString(), interval: "day" };
}

function bucketLabel(time, interval) {
  return interval === "hour" ? `${time.slice(11, 16)} UTC` : time.slice(0, 10);
}

// Figures under a chart, for screen readers and for reading exact values.
function dataTable(points, format) {
  const details = document.createElement("details");
  const summary = document.createElement("summary");
  summary.textContent = "Figures";
  const table = document.createElement("table");
  for (const point of points) {
    const row = document.createElement("tr");
    cell(row, point.label);
    cell(row, format(point.value));
    table.appendChild(row);
  }
  details.append(summary, table);
  return details;
}

// A column per bucket (a null value draws nothing there). SVG with
// presentation attributes only: the CSP allows no inline style.
function columnChart(container, points, { label, format = String, max }) {
  const width = 600, height = 180, left = 48, bottom = 22, top = 8;
  const inner = height - bottom - top;
  const highest = max ?? Math.max(1, ...points.map((p) => p.value ?? 0));
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label, class: "plot" });
  chart.append(
    svg("line", { x1: left, y1: top + inner, x2: width, y2: top + inner, stroke: "#9aa3b2" }),
    svg("text", { x: left - 6, y: top + 10, "text-anchor": "end", class: "axis" }, format(highest)),
    svg("text", { x: left - 6, y: top + inner, "text-anchor": "end", class: "axis" }, format(0)),
  );
  const step = (width - left) / Math.max(points.length, 1);
  points.forEach((point, i) => {
    if (point.value === null) return;
    const h = Math.round((point.value / highest) * inner);
    const bar = svg("rect", {
      x: left + i * step + step * 0.15, y: top + inner - h, width: Math.max(step * 0.7, 1), height: h,
      fill: "#3a7bd5", class: "bar", "data-value": point.value,
    });
    bar.appendChild(svg("title", {}, `${point.label}: ${format(point.value)}`));
    chart.appendChild(bar);
  });
  if (points.length) {
    chart.append(
      svg("text", { x: left, y: height - 6, class: "axis" }, points[0].label),
      svg("text", { x: width, y: height - 6, "text-anchor": "end", class: "axis" }, points[points.length - 1].label),
    );
  }
  container.replaceChildren(chart, dataTable(points.filter((p) => p.value !== null), format));
}

// A horizontal bar per named figure.
function barChart(container, entries, { label }) {
  const width = 600, row = 24, left = 200;
  const highest = Math.max(1, ...entries.map((e) => e.value));
  const chart = svg("svg", { viewBox: `0 0 ${width} ${entries.length * row + 4}`, role: "img", "aria-label": label, class: "plot" });
  entries.forEach((entry, i) => {
    const y = i * row + 2;
    const w = Math.round((entry.value / highest) * (width - left - 50));
    chart.append(
      svg("text", { x: left - 8, y: y + 16, "text-anchor": "end", class: "axis" }, entry.label),
      svg("rect", { x: left, y: y + 3, width: w, height: row - 8, fill: "#4c9a6a", class: "bar", "data-value": entry.value }),
      svg("text", { x: left + w + 6, y: y + 16, class: "axis" }, String(entry.value)),
    );
  });
  container.replaceChildren(chart, dataTable(entries, String));
}

function empty(container, text) {
  const p = document.createElement("p");
  p.className = "muted empty";
  p.textContent = text;
  container.replaceChildren(p);
}

function figureCard(name, value) {
  const card = document.createElement("div");
  card.className = "card";
  const b = document.createElement("b");
  b.textContent = String(value);
  card.append(b, name);
  $("figures").appendChild(card);
}

const percent = (v) => `${Math.round(v * 1000) / 10}%`;
const sum = (points, key) => points.reduce((total, p) => total + (p[key] ?? 0), 0);

// Each page's latest render: an answer for an earlier one (the range changed
// while it loaded) is dropped instead of drawn over the newer.
const renders = { overview: 0, catalog: 0 };

async function overview() {
  const render = ++renders.overview;
  show("overview");
  const range = selectedRange();
  const span = $("range").selectedOptions[0].textContent.toLowerCase();
  const per = range.interval;
  const query = (extra) => new URLSearchParams({ from: range.from, to: range.to, ...extra });
  $("export").href = `/api/admin/stats/export.csv?${query({})}`;
  const calls = [
    api(`/api/admin/stats/summary?${query({})}`),
    api(`/api/admin/stats/timeseries?${query({ metric: "downloads", interval: per })}`),
    api(`/api/admin/stats/timeseries?${query({ metric: "acceptance", interval: per })}`),
    api(`/api/admin/stats/adoption?${query({})}`),
    api("/api/admin/catalog/extensions?per_page=1"),
    api("/api/admin/catalog/layouts?per_page=1"),
    can("admin") ? api("/api/admin/overview") : Promise.resolve(null),
  ];
  // Each part shows what it could load: one service down leaves the rest.
  const answers = await load("overview", "The figures", async () => {
    const settled = await Promise.allSettled(calls);
    return settled.map((s) => (s.status === "fulfilled" ? s.value : s.reason));
  });
  if (render !== renders.overview) return;
  const failures = answers.filter((a) => a instanceof Error).map((a) => a.message);
  if (failures.length) {
    $("overview-error").textContent = `Some figures could not be loaded: ${[...new Set(failures)].join("; ")}`;
  }
  const [summary, downloads, acceptance, adoption, extensions, layouts, internals] =
    answers.map((a) => (a instanceof Error ? null : a));
  $("figures").replaceChildren();
  figureCard("Extensions", extensions ? extensions.total : "—");
  figureCard("Layouts", layouts ? layouts.total : "—");
  if (summary) {
    figureCard(`Downloads, ${span}`, summary.downloads);
    figureCard(`Feedback events, ${span}`, summary.feedback_total);
    figureCard("Unique installs", summary.unique_installs);
    const rate = summary.recommendations.acceptance_rate;
    figureCard("Acceptance rate", rate === null || rate === undefined ? "—" : percent(rate));
  }
  const lastDay = adoption && adoption.days.length ? adoption.days[adoption.days.length - 1] : null;
  figureCard("Weekly active installs", lastDay ? lastDay.weekly : "—");
  figureCard("Monthly active installs", lastDay ? lastDay.monthly : "—");
  $("downloads-caption").textContent = `Downloads per ${per}`;
  $("acceptance-caption").textContent = `Recommendations accepted, per ${per}`;

  if (!downloads) empty($("chart-downloads"), "Unavailable.");
  else {
    const points = downloads.points.map((p) => ({ label: bucketLabel(p.time, per), value: p.count }));
    const total = sum(points, "value");
    if (total === 0) empty($("chart-downloads"), "No downloads in this range.");
    else columnChart($("chart-downloads"), points, { label: `Downloads per ${per}, ${span}: ${total} in all` });
  }

  if (!summary) empty($("chart-feedback"), "Unavailable.");
  else if (summary.feedback_total === 0) empty($("chart-feedback"), "No feedback in this range.");
  else {
    const entries = Object.entries(summary.feedback)
      .map(([type, value]) => ({ label: type.replaceAll("_", " "), value }));
    barChart($("chart-feedback"), entries, { label: `Feedback by type, ${span}: ${summary.feedback_total} events` });
  }

  if (!acceptance) empty($("chart-acceptance"), "Unavailable.");
  else {
    const shown = sum(acceptance.points, "shown");
    const accepted = sum(acceptance.points, "accepted");
    const points = acceptance.points.map((p) => ({ label: bucketLabel(p.time, per), value: p.rate ?? null }));
    if (shown === 0) empty($("chart-acceptance"), "No recommendations shown in this range.");
    else {
      columnChart($("chart-acceptance"), points, {
        label: `Share of recommendations accepted per ${per}, ${span}: ${accepted} of ${shown}`,
        format: percent, max: 1,
      });
    }
  }
  adoptionCharts(adoption, span);
  internalsTables(internals);
}

// Installs active and new per day (always daily: the sketches are), and
// each extension's installs in the range with its net installs.
function adoptionCharts(adoption, span) {
  $("extension-installs").replaceChildren();
  if (!adoption) {
    empty($("chart-active"), "Unavailable.");
    empty($("chart-new"), "Unavailable.");
    emptyRow($("extension-installs"), "Unavailable.", 4);
    return;
  }
  const days = adoption.days;
  const last = days[days.length - 1];
  const active = days.map((d) => ({ label: d.day, value: d.active }));
  if (!days.some((d) => d.active > 0)) empty($("chart-active"), "No installs active in this range.");
  else {
    columnChart($("chart-active"), active, {
      label: `Active installs per day, ${span}: ${last.weekly} in the last 7 days, ${last.monthly} in the last 30`,
    });
  }
  const fresh = days.map((d) => ({ label: d.day, value: d.new }));
  const total = sum(fresh, "value");
  if (total === 0) empty($("chart-new"), "No new installs in this range.");
  else columnChart($("chart-new"), fresh, { label: `New installs per day, ${span}: ${total} in all` });
  for (const extension of adoption.extensions) {
    const row = document.createElement("tr");
    cell(row, extension.name ? `${extension.name} (${extension.id})` : extension.id);
    cell(row, String(extension.installs));
    cell(row, String(extension.uninstalls));
    cell(row, String(extension.net_installs));
    $("extension-installs").appendChild(row);
  }
  if (!adoption.extensions.length) emptyRow($("extension-installs"), "No extension installed in this range.", 4);
}

// Admins: each service's state, and every queue's depth and dead letters.
function internalsTables(data) {
  $("services").replaceChildren();
  $("queues").replaceChildren();
  if (!data) return;
  const queues = [["admin-api", data.admin.events]];
  for (const [name, peer] of Object.entries(data.services)) {
    const row = document.createElement("tr");
    cell(row, name);
    cell(row, peer.status + (peer.reason ? `: ${peer.reason}` : ""), `state-${peer.status}`);
    cell(row, peer.summary ? String(peer.summary.events.outbox_backlog) : "—");
    const details = peer.summary && peer.summary.details ? peer.summary.details : {};
    cell(row, Object.entries(details).map(([k, v]) => `${k}: ${v}`).join(", ") || "—");
    $("services").appendChild(row);
    if (peer.summary) queues.push([name, peer.summary.events]);
  }
  for (const [name, events] of queues) {
    for (const [queue, depth] of Object.entries(events.queue_depth)) {
      const row = document.createElement("tr");
      cell(row, queue);
      cell(row, name);
      cell(row, String(depth));
      const dead = events.dlq_depth[queue] ?? 0;
      cell(row, String(dead), dead > 0 ? "state-degraded" : "");
      $("queues").appendChild(row);
    }
  }
  if (!$("queues").children.length) emptyRow($("queues"), "No queue figures yet.", 4);
}

$("range").addEventListener("change", overview);
$("range-form").addEventListener("submit", (event) => { event.preventDefault(); overview(); });

// The export needs the token, which a plain link cannot carry: fetched, then
// handed to the browser as a file.
$("export").addEventListener("click", async (event) => {
  event.preventDefault();
  $("overview-error").textContent = "";
  try {
    const response = await request($("export").getAttribute("href"));
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    const range = selectedRange();
    link.download = `sora-stats-${range.from.slice(0, 10)}-${range.to.slice(0, 10)}.csv`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } catch (error) {
    $("overview-error").textContent = `The export failed: ${error.message}`;
  }
});

// ---- Catalog: search, versions, yank, hide, feature, delete a layout.

const catalogState = { page: 1, selected: null };

function catalogPath(kind, rest = "") {
  return `/api/admin/catalog/${kind}${rest}`;
}

function heading(names) {
  const row = document.createElement("tr");
  for (const name of names) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    row.appendChild(th);
  }
  $("catalog-head").replaceChildren(row);
}

async function catalog() {
  const render = ++renders.catalog;
  show("catalog");
  const kind = $("catalog-kind").value;
  const query = new URLSearchParams({ page: String(catalogState.page), per_page: "20" });
  if ($("catalog-q").value) query.set("q", $("catalog-q").value);
  const page = await load("catalog", "The catalog", () => api(`${catalogPath(kind)}?${query}`));
  if (render !== renders.catalog) return;
  heading(kind === "extensions"
    ? ["Extension", "Latest", "Downloads", "Featured", "Actions"]
    : ["Layout", "Panels", "Downloads", "Updated", "Actions"]);
  $("catalog-rows").replaceChildren();
  if (page) {
    if (page.items.length === 0) {
      emptyRow($("catalog-rows"), $("catalog-q").value ? "Nothing matches." : "The catalog is empty.", 5);
    }
    for (const item of page.items) {
      $("catalog-rows").appendChild(kind === "extensions" ? extensionRow(item) : layoutRow(item));
    }
    const pages = Math.max(1, Math.ceil(page.total / page.per_page));
    $("catalog-page").textContent = `page ${page.page} of ${pages} (${page.total})`;
    $("catalog-prev").disabled = page.page <= 1;
    $("catalog-next").disabled = page.page >= pages;
  }
  if (kind === "extensions" && catalogState.selected) await versions(catalogState.selected);
  else $("versions").hidden = true;
  if (can("editor")) await unlisted();
  if (can("editor")) await held();
}

function extensionRow(item) {
  const row = document.createElement("tr");
  const name = cell(row, item.display_name || item.name);
  const id = document.createElement("small");
  id.textContent = ` ${item.id}`;
  name.appendChild(id);
  cell(row, item.version ?? "—");
  cell(row, String(item.downloads));
  cell(row, item.featured ? "featured" : "—");
  const actions = document.createElement("td");
  actions.append(button("Versions", () => {
    catalogState.selected = item.id;
    versions(item.id);
  }, `Versions of ${item.id}`));
  if (can("editor")) actions.append(button("Hide", () => moderate(item.id, { hidden: true }), `Hide ${item.id}`));
  if (can("admin")) {
    const label = item.featured ? "Unfeature" : "Feature";
    actions.append(button(label, () => moderate(item.id, { featured: !item.featured }), `${label} ${item.id}`));
  }
  row.appendChild(actions);
  return row;
}

function layoutRow(item) {
  const row = document.createElement("tr");
  cell(row, item.name);
  cell(row, item.panels.join(", ") || "—");
  cell(row, String(item.downloads));
  cell(row, new Date(item.updated_at).toLocaleDateString());
  const actions = document.createElement("td");
  if (can("editor")) {
    actions.append(button("Delete", async () => {
      if (!window.confirm(`Delete the layout "${item.name}"?`)) return;
      await act("catalog", () => api(catalogPath("layouts", `/${item.id}`), "DELETE"), catalog);
    }, `Delete ${item.name}`));
  }
  row.appendChild(actions);
  return row;
}

function moderate(id, body) {
  return act("catalog", () => api(catalogPath("extensions", `/${encodeURIComponent(id)}`), "PATCH", body), catalog);
}

async function versions(id) {
  const details = await load("catalog", "The versions", () => api(catalogPath("extensions", `/${encodeURIComponent(id)}`)));
  $("version-rows").replaceChildren();
  $("versions").hidden = details === null;
  if (!details) return;
  $("versions-title").textContent = `Versions of ${details.id}`;
  for (const version of [...details.versions].reverse()) {
    const row = document.createElement("tr");
    cell(row, version.version);
    cell(row, new Date(version.published_at).toLocaleString());
    cell(row, String(version.downloads));
    cell(row, version.yanked ? "yanked" : "available", version.yanked ? "state-degraded" : "state-ok");
    const actions = document.createElement("td");
    if (can("editor") && !version.yanked) {
      const path = `/${encodeURIComponent(details.id)}/versions/${encodeURIComponent(version.version)}`;
      actions.append(button("Yank", async () => {
        if (!window.confirm(`Yank ${details.id} ${version.version}? It leaves "latest"; its exact version stays downloadable.`)) return;
        await act("catalog", () => api(catalogPath("extensions", path), "DELETE"), catalog);
      }, `Yank ${version.version}`));
    }
    row.appendChild(actions);
    $("version-rows").appendChild(row);
  }
}

async function unlisted() {
  const items = await load("catalog", "Hidden extensions", () => api(catalogPath("extensions", "/unlisted")));
  $("unlisted-rows").replaceChildren();
  if (!items) return;
  if (items.length === 0) emptyRow($("unlisted-rows"), "None.", 3);
  for (const item of items) {
    const row = document.createElement("tr");
    cell(row, item.id);
    cell(row, item.hidden ? "hidden" : "every version yanked");
    const actions = document.createElement("td");
    if (item.hidden) {
      actions.append(button("Show again", () => moderate(item.id, { hidden: false }), `Show ${item.id} again`));
    }
    row.appendChild(actions);
    $("unlisted-rows").appendChild(row);
  }
}

async function held() {
  const items = await load("catalog", "Versions held for review", () => api(catalogPath("extensions", "/held")));
  $("held-rows").replaceChildren();
  if (!items) return;
  if (items.length === 0) emptyRow($("held-rows"), "None.", 4);
  for (const item of items) {
    const name = `${item.extension_id} ${item.version}`;
    const row = document.createElement("tr");
    cell(row, name);
    const found = item.scan_findings
      .filter((finding) => finding.severity === "high")
      .map((finding) => `${finding.rule} in ${finding.file}:${finding.line}: ${finding.message}`);
    cell(row, found.join("\n") || "—");
    cell(row, item.appeal ?? "—");
    const actions = document.createElement("td");
    if (can("admin")) {
      const reason = document.createElement("input");
      reason.type = "text";
      reason.setAttribute("aria-label", `Reason to release ${name}`);
      reason.placeholder = "why it is safe";
      const path = `/${encodeURIComponent(item.extension_id)}/versions/${encodeURIComponent(item.version)}/release`;
      actions.append(reason, button("Release", () => act("catalog",
        () => api(catalogPath("extensions", path), "POST", { reason: reason.value }), catalog), `Release ${name}`));
    }
    row.appendChild(actions);
    $("held-rows").appendChild(row);
  }
}

$("catalog-search").addEventListener("submit", (event) => {
  event.preventDefault();
  catalogState.page = 1;
  catalogState.selected = null;
  catalog();
});
$("catalog-kind").addEventListener("change", () => {
  catalogState.page = 1;
  catalogState.selected = null;
  catalog();
});
$("catalog-prev").addEventListener("click", () => { catalogState.page -= 1; catalog(); });
$("catalog-next").addEventListener("click", () => { catalogState.page += 1; catalog(); });

// ---- Feedback (admins): list with filters, read a comment, delete.

// Pages are followed by their `next` (keyset: as fast deep in ten million
// events as on the first page); the starts of the pages seen so far let
// "Previous" go back.
const feedbackState = { page: 1, starts: [null], next: null };

async function feedback() {
  if (!can("admin")) return forbidden();
  show("feedback");
  const query = new URLSearchParams({ per_page: "20" });
  const start = feedbackState.starts[feedbackState.page - 1];
  if (start) query.set("after", start);
  if ($("fb-type").value) query.set("type", $("fb-type").value);
  if ($("fb-comment").checked) query.set("has_comment", "true");
  if ($("fb-from").value) query.set("from", $("fb-from").value);
  if ($("fb-to").value) {
    // The day picked is included; the API's `to` is exclusive.
    const to = new Date(`${$("fb-to").value}T00:00:00Z`);
    to.setUTCDate(to.getUTCDate() + 1);
    query.set("to", to.toISOString().slice(0, 10));
  }
  const page = await load("feedback", "Feedback", () => api(`/api/admin/feedback?${query}`));
  $("feedback-rows").replaceChildren();
  if (!page) return;
  if (page.items.length === 0) emptyRow($("feedback-rows"), "No feedback matches.", 6);
  for (const event of page.items) {
    const when = new Date(event.occurred_at).toLocaleString();
    const row = document.createElement("tr");
    cell(row, when);
    cell(row, event.type.replaceAll("_", " "));
    const item = event.item;
    cell(row, item ? `${item.kind} ${item.id}${item.version ? ` ${item.version}` : ""}` : "—");
    cell(row, event.rating ? `${event.rating} of 5` : "—");
    cell(row, [event.app_version, event.os].filter(Boolean).join(", ") || "—");
    const actions = document.createElement("td");
    actions.append(
      button(event.has_comment ? "Read comment" : "Details", () => readFeedback(event.event_id)),
      button("Delete", async () => {
        if (!window.confirm("Delete this feedback event?")) return;
        $("feedback-detail").hidden = true;
        await act("feedback", () => api(`/api/admin/feedback/${event.event_id}`, "DELETE"), feedback);
      }, `Delete the event of ${when}`),
    );
    row.appendChild(actions);
    $("feedback-rows").appendChild(row);
  }
  const matching = page.total_capped ? `more than ${page.total.toLocaleString("en")}` : String(page.total);
  const pages = page.total_capped ? "many" : Math.max(1, Math.ceil(page.total / page.per_page));
  $("feedback-page").textContent = `page ${feedbackState.page} of ${pages} (${matching})`;
  feedbackState.next = page.next;
  $("feedback-prev").disabled = feedbackState.page <= 1;
  $("feedback-next").disabled = !page.next;
}

// Reading one event decrypts its comment; feedback-api audits it (feedback.read).
async function readFeedback(id) {
  const event = await load("feedback", "The event", () => api(`/api/admin/feedback/${id}`));
  if (!event) return;
  const fields = $("feedback-fields");
  fields.replaceChildren();
  const add = (name, value) => {
    if (value === null || value === undefined || value === "") return;
    const dt = document.createElement("dt");
    dt.textContent = name;
    const dd = document.createElement("dd");
    dd.textContent = String(value);
    fields.append(dt, dd);
  };
  add("Type", event.type);
  add("Occurred", new Date(event.occurred_at).toLocaleString());
  add("Received", new Date(event.received_at).toLocaleString());
  add("Item", event.item ? `${event.item.kind} ${event.item.id}` : null);
  add("Rating", event.rating);
  add("App", [event.app_version, event.os, event.locale].filter(Boolean).join(", "));
  add("Recommendation", event.recommendation_id);
  $("feedback-comment").textContent = event.comment
    ?? (event.has_comment ? "(the comment could not be decrypted)" : "(no comment)");
  $("feedback-detail").hidden = false;
  $("feedback-detail").focus();
}

$("feedback-filter").addEventListener("submit", (event) => {
  event.preventDefault();
  Object.assign(feedbackState, { page: 1, starts: [null], next: null });
  $("feedback-detail").hidden = true;
  feedback();
});
$("feedback-prev").addEventListener("click", () => { feedbackState.page -= 1; feedback(); });
$("feedback-next").addEventListener("click", () => {
  if (!feedbackState.next) return;
  feedbackState.starts[feedbackState.page] = feedbackState.next;
  feedbackState.page += 1;
  feedback();
});

// ---- Workspaces (Lichtblick's team layouts and extensions): the caller's,
// every one for an admin, who also creates them; owners manage members.

const workspaceState = { selected: null, people: new Map() };

// Admins see users by e-mail: the inputs suggest them and take either an
// e-mail or a user id. Other roles cannot list users, so they give ids.
async function loadPeople() {
  workspaceState.people = new Map();
  $("user-options").replaceChildren();
  if (!can("admin")) return;
  const page = await api("/api/admin/users?per_page=100");
  for (const user of page.items) {
    workspaceState.people.set(user.id, user.email);
    $("user-options").appendChild(new Option(user.email));
  }
}

function userId(value) {
  for (const [id, email] of workspaceState.people) if (email === value.trim()) return id;
  return value.trim();
}

function person(id) {
  return workspaceState.people.get(id) ?? id;
}

function workspacePath(name, rest = "") {
  return `/api/admin/workspaces/${encodeURIComponent(name)}${rest}`;
}

async function workspaces() {
  show("workspaces");
  const list = await load("workspaces", "Workspaces", async () => {
    await loadPeople();
    return api("/api/admin/workspaces");
  });
  $("workspace-rows").replaceChildren();
  if (!list) return;
  if (list.length === 0) emptyRow($("workspace-rows"), "No workspaces.", 4);
  for (const workspace of list) {
    const row = document.createElement("tr");
    cell(row, workspace.name);
    cell(row, workspace.role ?? "—");
    cell(row, workspace.anonymous_read ? "yes" : "no");
    const actions = document.createElement("td");
    if (can("admin") || workspace.role === "owner") {
      actions.append(button("Members", () => {
        workspaceState.selected = workspace.name;
        members();
      }, `Members of ${workspace.name}`));
    }
    if (can("admin")) {
      actions.append(button("Delete", async () => {
        if (!window.confirm(`Delete the workspace ${workspace.name}, with its layouts and extensions?`)) return;
        if (workspaceState.selected === workspace.name) workspaceState.selected = null;
        await act("workspaces", () => api(workspacePath(workspace.name), "DELETE"), workspaces);
      }, `Delete ${workspace.name}`));
    }
    row.appendChild(actions);
    $("workspace-rows").appendChild(row);
  }
  if (workspaceState.selected) await members();
  else $("workspace-detail").hidden = true;
}

async function members() {
  const name = workspaceState.selected;
  const details = await load("workspaces", "The members", () => api(workspacePath(name)));
  $("member-rows").replaceChildren();
  $("workspace-detail").hidden = details === null;
  if (!details) return;
  $("workspace-detail-title").textContent = `Members of ${name}`;
  $("ws-open").checked = details.anonymous_read;
  for (const member of details.members) {
    const row = document.createElement("tr");
    cell(row, person(member.user_id));
    const roleCell = document.createElement("td");
    const select = document.createElement("select");
    select.setAttribute("aria-label", `Role of ${person(member.user_id)}`);
    for (const role of ["reader", "writer", "owner"]) select.add(new Option(role, role, false, role === member.role));
    select.addEventListener("change", () => act("workspaces",
      () => api(workspacePath(name, `/members/${encodeURIComponent(member.user_id)}`), "PUT", { role: select.value }),
      workspaces));
    roleCell.appendChild(select);
    row.appendChild(roleCell);
    const actions = document.createElement("td");
    actions.append(button("Remove", () => act("workspaces",
      () => api(workspacePath(name, `/members/${encodeURIComponent(member.user_id)}`), "DELETE"),
      workspaces), `Remove ${person(member.user_id)}`));
    row.appendChild(actions);
    $("member-rows").appendChild(row);
  }
}

$("new-workspace").addEventListener("submit", (event) => {
  event.preventDefault();
  act("workspaces", async () => {
    await api("/api/admin/workspaces", "POST", {
      name: $("ws-name").value.trim(), owner: userId($("ws-owner").value), anonymous_read: $("ws-anonymous").checked,
    });
    workspaceState.selected = $("ws-name").value.trim();
    $("ws-name").value = "";
    $("ws-owner").value = "";
    $("ws-anonymous").checked = false;
  }, workspaces);
});

$("new-member").addEventListener("submit", (event) => {
  event.preventDefault();
  const name = workspaceState.selected;
  act("workspaces", async () => {
    await api(workspacePath(name, `/members/${encodeURIComponent(userId($("member-user").value))}`), "PUT",
      { role: $("member-role").value });
    $("member-user").value = "";
  }, workspaces);
});

$("ws-open").addEventListener("change", () => act("workspaces",
  () => api(workspacePath(workspaceState.selected), "PATCH", { anonymous_read: $("ws-open").checked }),
  workspaces));

async function users() {
  if (!can("admin")) return forbidden();
  show("users");
  const page = await load("users", "Users", () => api("/api/admin/users?per_page=100"));
  $("user-rows").replaceChildren();
  if (!page) return;
  for (const user of page.items) {
    const row = document.createElement("tr");
    cell(row, user.email);
    const roleCell = document.createElement("td");
    const select = document.createElement("select");
    select.setAttribute("aria-label", `Role of ${user.email}`);
    for (const role of ["viewer", "editor", "admin"]) {
      const option = new Option(role, role, false, role === user.role);
      select.add(option);
    }
    select.addEventListener("change", () => change(user, { role: select.value }));
    roleCell.appendChild(select);
    row.appendChild(roleCell);
    cell(row, user.disabled ? "disabled" : "active");
    const actions = document.createElement("td");
    actions.append(
      button(user.disabled ? "Enable" : "Disable", () => change(user, { disabled: !user.disabled }),
        `${user.disabled ? "Enable" : "Disable"} ${user.email}`),
      button("Delete", async () => {
        if (!window.confirm(`Delete ${user.email}?`)) return;
        await act("users", () => api(`/api/admin/users/${user.id}`, "DELETE"), users);
      }, `Delete ${user.email}`),
    );
    row.appendChild(actions);
    $("user-rows").appendChild(row);
  }
}

function change(user, body) {
  return act("users", () => api(`/api/admin/users/${user.id}`, "PATCH", body), users);
}

$("new-user").addEventListener("submit", (event) => {
  event.preventDefault();
  act("users", async () => {
    await api("/api/admin/users", "POST", {
      email: $("new-email").value, password: $("new-password").value, role: $("new-role").value,
    });
    $("new-email").value = "";
    $("new-password").value = "";
  }, users);
});

// Personal access tokens: the caller's own, for any role.
async function tokens() {
  show("tokens");
  const list = await load("tokens", "Your tokens", () => api("/api/admin/tokens"));
  $("token-rows").replaceChildren();
  if (!list) return;
  if (list.length === 0) emptyRow($("token-rows"), "No tokens yet.", 7);
  for (const token of list) {
    const row = document.createElement("tr");
    cell(row, token.name);
    cell(row, `${token.prefix}…`, "mono");
    cell(row, token.scopes.join(" "));
    cell(row, token.expires_at.slice(0, 10));
    cell(row, token.last_used_at ? token.last_used_at.slice(0, 16).replace("T", " ") : "never");
    const expired = new Date(token.expires_at) <= new Date();
    cell(row, token.revoked_at ? "revoked" : expired ? "expired" : "active");
    const actions = document.createElement("td");
    if (!token.revoked_at && !expired) {
      actions.append(button("Revoke", async () => {
        if (!window.confirm(`Revoke ${token.name}? Whatever uses it stops working.`)) return;
        $("token-secret").hidden = true;
        await act("tokens", () => api(`/api/admin/tokens/${token.id}`, "DELETE"), tokens);
      }, `Revoke ${token.name}`));
    }
    row.appendChild(actions);
    $("token-rows").appendChild(row);
  }
}

$("new-token").addEventListener("submit", (event) => {
  event.preventDefault();
  act("tokens", async () => {
    const created = await api("/api/admin/tokens", "POST", {
      name: $("token-name").value,
      scopes: $("token-scopes").value.split(/[\s,]+/).filter((s) => s.length > 0),
      expires_in_days: Number($("token-days").value),
    });
    $("token-secret-value").textContent = created.secret;
    $("token-secret").hidden = false;
    $("token-name").value = "";
    $("token-scopes").value = "";
  }, tokens);
});

const auditState = { page: 1 };

async function audit() {
  if (!can("admin")) return forbidden();
  show("audit");
  const query = new URLSearchParams({ page: String(auditState.page), per_page: "20" });
  if ($("audit-action").value) query.set("action", $("audit-action").value);
  if ($("audit-actor").value) query.set("actor", $("audit-actor").value);
  const page = await load("audit", "The audit log", () => api(`/api/admin/audit?${query}`));
  $("audit-rows").replaceChildren();
  if (!page) return;
  if (page.items.length === 0) emptyRow($("audit-rows"), "No entries.", 5);
  for (const entry of page.items) {
    const row = document.createElement("tr");
    cell(row, new Date(entry.occurred_at).toLocaleString());
    cell(row, entry.action);
    cell(row, entry.actor);
    cell(row, `${entry.subject_type} ${entry.subject_id}`);
    cell(row, entry.source);
    $("audit-rows").appendChild(row);
  }
  const pages = Math.max(1, Math.ceil(page.total / page.per_page));
  $("audit-page").textContent = `page ${page.page} of ${pages}`;
  $("audit-prev").disabled = page.page <= 1;
  $("audit-next").disabled = page.page >= pages;
}

$("audit-filter").addEventListener("submit", (event) => {
  event.preventDefault();
  auditState.page = 1;
  audit();
});
$("audit-prev").addEventListener("click", () => { auditState.page -= 1; audit(); });
$("audit-next").addEventListener("click", () => { auditState.page += 1; audit(); });

async function route() {
  if (session.token === null) return show("signin");
  switch (window.location.hash) {
    case "#/catalog": return catalog();
    case "#/feedback": return feedback();
    case "#/workspaces": return workspaces();
    case "#/tokens": return tokens();
    case "#/users": return users();
    case "#/audit": return audit();
    default: return overview();
  }
}

$("signin").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("signin-error").textContent = "";
  const response = await sessionCall("POST", "/api/admin/session", {
    email: $("email").value, password: $("password").value,
  });
  if (!response.ok) {
    $("signin-error").textContent = response.status === 429
      ? "Too many attempts; try again later." : "Wrong e-mail or password.";
    return;
  }
  $("password").value = "";
  started(await response.json());
  route();
});

// Signing out ends the session and starts the page afresh, so nothing the
// last user saw (a decrypted comment, their filters) stays in memory.
$("logout").addEventListener("click", async () => {
  await sessionCall("DELETE", "/api/admin/session");
  clearTimeout(session.timer);
  session.token = null;
  window.location.replace("/admin/");
});

// Following a link moves focus to the page it opened (not on re-renders
// after an action, which keep focus where it was).
window.addEventListener("hashchange", async () => {
  await route();
  $("main").focus();
});
// A reload signs in again through the cookie, if there is a session.
refresh().then(route, () => show("signin"));
