// Lichtblick's own remote-API client (LayoutsAPI with PR #1153's
// getDefaultLayoutData, ExtensionsAPI, RemoteExtensionLoader, SessionAPI;
// vendor/suite-base, unmodified, MPL-2.0) run under Node against Sora, the
// way the web app uses it: built with API_URL pointing at file-server's
// /api/lichtblick, authenticated only by the cookies of a browser session
// signed in at admin-api, which a browser would send by itself (`fetch` is
// wrapped with a cookie jar that honours each cookie's path, as a browser
// does for same-origin requests).
//
// usage: node run.mjs ADMIN_URL FILES_URL EMAIL PASSWORD WORKSPACE SESSION_ID

import assert from "node:assert/strict";

import JSZip from "jszip";

import { bundle } from "./build.mjs";

// Node 18 keeps File in node:buffer; browsers and Node 20 have it global.
globalThis.File ??= (await import("node:buffer")).File;

const [adminUrl, filesUrl, email, password, workspace, sessionId] = process.argv.slice(2);

// ---- A browser's cookie jar, for one host.
const jar = new Map();
const requests = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init = {}) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  const headers = new Headers(init.headers);
  if ((init.credentials ?? "same-origin") !== "omit") {
    const cookies = [...jar]
      .filter(([, cookie]) => url.pathname.startsWith(cookie.path))
      .map(([name, cookie]) => `${name}=${cookie.value}`);
    if (cookies.length) headers.set("cookie", cookies.join("; "));
  }
  requests.push({ method: init.method ?? "GET", path: url.pathname + url.search, apiVersion: headers.get("api-version") });
  const response = await realFetch(url, { ...init, headers });
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(";").map((part) => part.trim());
    const [name, value] = pair.split("=");
    const cookiePath = attributes.find((a) => a.toLowerCase().startsWith("path="))?.slice(5) ?? "/";
    if (value) jar.set(name, { value, path: cookiePath });
    else jar.delete(name);
  }
  return response;
};

// ---- The client, built as Lichtblick's bundler would (build.mjs).
globalThis.__SORA_API_URL = `${filesUrl}/api/lichtblick`;
const { LayoutsAPI, ExtensionsAPI, RemoteExtensionLoader, SessionAPI, HttpError } = await import(
  await bundle("client.ts")
);

// ---- Sign in as a browser does (Lichtblick's own session route, the one
// admin-api route its origin reaches).
const signedIn = await fetch(`${adminUrl}/api/admin/lichtblick/session`, {
  method: "POST",
  headers: { "content-type": "application/json", "x-sora-csrf": "1" },
  body: JSON.stringify({ email, password }),
});
assert.equal(signedIn.status, 200);
assert.ok(jar.has("sora_access"), "no sora_access cookie");
assert.equal(jar.get("sora_access").path, "/api/lichtblick");
assert.equal(jar.size, 1, "only Lichtblick's cookie: no dashboard session");
requests.length = 0;

// ---- Layouts, as LayoutManager syncs them.
const layouts = new LayoutsAPI(workspace);
assert.deepEqual(await layouts.getLayouts(), []);
assert.equal(await layouts.getDefaultLayoutData(), undefined, "no default yet: 404 read as undefined");
const data = {
  configById: { "Image!3a": { imageTopic: "/camera/image_raw" } },
  globalVariables: {},
  userNodes: {},
  playbackConfig: { speed: 1 },
};
const saved = await layouts.saveNewLayout({ id: "lb-layout-1", name: "Team view", permission: "ORG_WRITE", data });
assert.equal(saved.id, "lb-layout-1");
assert.match(saved.externalId, /^[0-9a-f-]{36}$/);
assert.match(saved.savedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const listed = await layouts.getLayouts();
assert.equal(listed.length, 1);
assert.equal(listed[0].savedAt, saved.savedAt, "updatedAt must read back byte for byte");
assert.deepEqual(listed[0].data, data);
await new Promise((resolve) => setTimeout(resolve, 5));
const updated = await layouts.updateLayout({
  id: saved.id,
  externalId: saved.externalId,
  name: "Team view (cameras)",
  data: { ...data, globalVariables: { robot: "r2" } },
  permission: "ORG_WRITE",
  savedAt: saved.savedAt,
});
assert.equal(updated.status, "success");
assert.equal(updated.newLayout.name, "Team view (cameras)");
assert.ok(updated.newLayout.savedAt > saved.savedAt, "a newer savedAt");
const template = await layouts.getDefaultLayoutData();
assert.deepEqual(template.globalVariables, { robot: "r2" }, "the most-used shared layout");
assert.equal(await layouts.deleteLayout(saved.externalId), true);
assert.deepEqual(await layouts.getLayouts(), []);

// ---- Extensions, as the extension catalog installs them in the "org" scope.
const packageJson = {
  name: "turtle-panel",
  publisher: "acme",
  displayName: "Turtle Panel",
  version: "1.0.0",
  main: "./dist/extension.js",
  description: "Draws the turtle",
  keywords: ["turtlesim"],
};
const source = "module.exports.activate = (ctx) => { ctx.registerPanel({ name: 'turtle' }); };";
async function foxe(manifest) {
  const zip = new JSZip();
  zip.file("package.json", JSON.stringify(manifest));
  zip.file("dist/extension.js", source);
  zip.file("README.md", "# Turtle");
  return new Uint8Array(await zip.generateAsync({ type: "uint8array" }));
}
const bytes = await foxe(packageJson);
const loader = new RemoteExtensionLoader("org", workspace);
const info = await loader.installExtension({
  foxeFileData: bytes,
  file: new File([bytes], "acme.turtle-panel-1.0.0.foxe"),
});
assert.equal(info.id, "acme.turtle-panel", "the id the client computes is the server's");
assert.equal(info.namespace, "org");
assert.equal(info.qualifiedName, "Turtle Panel");
assert.match(info.externalId, /^[0-9a-f-]{36}$/);
const installed = await loader.getExtensions();
assert.deepEqual(installed.map((e) => [e.id, e.externalId, e.version]), [["acme.turtle-panel", info.externalId, "1.0.0"]]);
const loaded = await loader.loadExtension(info.externalId);
assert.equal(loaded.raw, source, "dist/extension.js, as the web loader runs it");
assert.deepEqual(new Uint8Array(loaded.buffer), bytes);
const api = new ExtensionsAPI(workspace);
const stored = await api.get(info.externalId);
assert.equal(stored.info.id, "acme.turtle-panel");
assert.equal(stored.fileId.length, 64);

// A package the clients would install under another id is refused, saying why.
const misnamed = await foxe({ ...packageJson, publisher: "Acme Robotics", version: "2.0.0" });
await assert.rejects(
  loader.installExtension({ foxeFileData: misnamed, file: new File([misnamed], "x.foxe") }),
  (error) => error instanceof HttpError && error.status === 422 && /publisher/.test(error.message),
);

await loader.uninstallExtension(info.externalId);
assert.equal(await api.remove(info.externalId), false, "a second removal: 404 read as false");
assert.equal(await api.loadContent(info.externalId), undefined);
assert.deepEqual(await loader.getExtensions(), []);

// ---- A session's recordings (?session=).
const mcaps = await SessionAPI.getSession(sessionId);
assert.equal(mcaps.length, 1);
assert.equal(mcaps[0].url, "https://data.example.com/run-1.mcap");

// Every call carried Api-Version: 1.0, as the server requires of cookie writes.
assert.ok(requests.length >= 15, `${requests.length} requests`);
for (const request of requests) assert.equal(request.apiVersion, "1.0", `${request.method} ${request.path}`);

// ---- Signed out: the cookie is cleared, and writes are refused.
const signedOut = await fetch(`${adminUrl}/api/admin/lichtblick/session`, {
  method: "DELETE",
  headers: { "x-sora-csrf": "1" },
});
assert.equal(signedOut.status, 204);
assert.equal(jar.size, 0, "the cookie cleared");
await assert.rejects(
  layouts.saveNewLayout({ id: "lb-layout-2", name: "x", permission: "ORG_WRITE", data }),
  (error) => error instanceof HttpError && error.status === 401,
);
console.log(`lichtblick client: ok (${requests.length} requests)`);
