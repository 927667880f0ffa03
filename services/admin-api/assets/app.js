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

async function api(path) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${session.token}` } });
  if (response.status === 401 && (await refresh())) return api(path);
  if (!response.ok) {
    let detail = `${response.status}`;
    try { detail = (await response.json()).detail || detail; } catch (_) { /* not JSON */ }
    throw new Error(detail);
  }
  return response.json();
}

function show(id) {
  for (const section of ["loading", "signin", "overview"]) $(section).hidden = section !== id;
  const signedIn = session.token !== null;
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

async function route() {
  if (session.token === null) return show("signin");
  return overview();
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
  show("signin");
});

window.addEventListener("hashchange", route);
// A reload signs in again through the cookie, if there is a session.
refresh().then(route, () => show("signin"));
