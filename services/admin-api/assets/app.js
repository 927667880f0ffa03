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

async function refresh() {
  const response = await sessionCall("POST", "/api/admin/session/refresh");
  if (!response.ok) return false;
  started(await response.json());
  return true;
}

class ApiError extends Error {
  constructor(status, detail) { super(detail); this.status = status; }
}

async function api(path, method = "GET", body = undefined) {
  const headers = { authorization: `Bearer ${session.token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401 && (await refresh())) return api(path, method, body);
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
  return response.status === 204 ? null : response.json();
}

function show(id) {
  for (const section of ["loading", "signin", "overview", "users", "audit", "forbidden"]) {
    $(section).hidden = section !== id;
  }
  const signedIn = session.token !== null;
  for (const link of document.querySelectorAll("[data-role]")) {
    link.hidden = link.dataset.role !== session.role;
  }
  $("nav").hidden = !signedIn;
  $("logout").hidden = !signedIn;
  $("who").textContent = signedIn ? `${session.email} (${session.role})` : "";
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
}

async function overview() {
  // The overview gathers every service's internals: administrators only
  // (the API says so too).
  if (session.role !== "admin") return show("forbidden");
  show("overview");
  $("overview-error").textContent = "";
  $("figures").replaceChildren();
  $("services").replaceChildren();
  let data;
  try {
    data = await api("/api/admin/overview");
  } catch (error) {
    $("overview-error").textContent = `The overview could not be loaded: ${error.message}`;
    return;
  }
  const figures = [["Users", data.admin.users], ["Audit entries", data.admin.audit_entries]];
  for (const [name, value] of figures) {
    const card = document.createElement("div");
    card.className = "card";
    const b = document.createElement("b");
    b.textContent = String(value);
    card.append(b, name);
    $("figures").appendChild(card);
  }
  for (const [name, peer] of Object.entries(data.services)) {
    const row = document.createElement("tr");
    cell(row, name);
    cell(row, peer.status + (peer.reason ? `: ${peer.reason}` : ""), `state-${peer.status}`);
    cell(row, peer.summary ? String(peer.summary.events.outbox_backlog ?? "") : "—");
    const details = peer.summary && peer.summary.details ? peer.summary.details : {};
    cell(row, Object.entries(details).map(([k, v]) => `${k}: ${v}`).join(", ") || "—");
    $("services").appendChild(row);
  }
  $("main").focus();
}

function button(label, action) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", action);
  return b;
}

async function users() {
  if (session.role !== "admin") return show("forbidden");
  show("users");
  $("user-rows").replaceChildren();
  let page;
  try {
    page = await api("/api/admin/users?per_page=100");
  } catch (error) {
    $("users-error").textContent = `Users could not be loaded: ${error.message}`;
    return;
  }
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
      button(user.disabled ? "Enable" : "Disable", () => change(user, { disabled: !user.disabled })),
      button("Delete", async () => {
        if (!window.confirm(`Delete ${user.email}?`)) return;
        await act(() => api(`/api/admin/users/${user.id}`, "DELETE"));
      }),
    );
    row.appendChild(actions);
    $("user-rows").appendChild(row);
  }
}

async function act(call) {
  $("users-error").textContent = "";
  try {
    await call();
  } catch (error) {
    $("users-error").textContent = error.message;
  }
  return users();
}

function change(user, body) {
  return act(() => api(`/api/admin/users/${user.id}`, "PATCH", body));
}

$("new-user").addEventListener("submit", (event) => {
  event.preventDefault();
  act(async () => {
    await api("/api/admin/users", "POST", {
      email: $("new-email").value, password: $("new-password").value, role: $("new-role").value,
    });
    $("new-email").value = "";
    $("new-password").value = "";
  });
});

const auditState = { page: 1 };

async function audit() {
  if (session.role !== "admin") return show("forbidden");
  show("audit");
  $("audit-error").textContent = "";
  $("audit-rows").replaceChildren();
  const query = new URLSearchParams({ page: String(auditState.page), per_page: "20" });
  if ($("audit-action").value) query.set("action", $("audit-action").value);
  if ($("audit-actor").value) query.set("actor", $("audit-actor").value);
  let page;
  try {
    page = await api(`/api/admin/audit?${query}`);
  } catch (error) {
    $("audit-error").textContent = `The audit log could not be loaded: ${error.message}`;
    return;
  }
  if (page.items.length === 0) {
    const row = document.createElement("tr");
    cell(row, "No entries.");
    $("audit-rows").appendChild(row);
  }
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

$("logout").addEventListener("click", async () => {
  await sessionCall("DELETE", "/api/admin/session");
  clearTimeout(session.timer);
  session.token = null;
  session.role = null;
  show("signin");
});

window.addEventListener("hashchange", route);
// A reload signs in again through the cookie, if there is a session.
refresh().then(route, () => show("signin"));
