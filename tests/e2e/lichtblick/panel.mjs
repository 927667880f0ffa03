// The Sora panel as a Lichtblick user gets it: found in Sora's
// marketplace.json, downloaded, installed and activated by Lichtblick's
// own loader (panel.ts), its panel mounted in a DOM (jsdom) with a fake
// PanelExtensionContext that renders a real recording's topics; then
// driven as a user: consent, a recommendation with its reasons, one of its
// layout's panels added beside it, consent withdrawn in the settings.
// Every request the panel makes is recorded; what was sent is checked by
// the Rust test (tests/e2e `panel.rs`) in what the services stored.
//
// usage: node panel.mjs FILES_URL RECOMMENDATIONS_URL FEEDBACK_URL FEATURES_JSON

import assert from "node:assert/strict";

import "fake-indexeddb/auto";
import { JSDOM } from "jsdom";
import * as React from "react";

import { bundle } from "./build.mjs";

const [filesUrl, recommendationsUrl, feedbackUrl, featuresJson] = process.argv.slice(2);
const features = JSON.parse(featuresJson);

// ---- A browser page (Lichtblick's web app) for React to render into.
const dom = new JSDOM("<!doctype html><html><body></body></html>", {
  url: "https://lichtblick.example/?ds=sora",
  pretendToBeVisual: true,
});
for (const name of ["window", "document", "navigator", "localStorage", "HTMLElement", "Node", "Event", "MouseEvent"]) {
  Object.defineProperty(globalThis, name, { value: dom.window[name], configurable: true, writable: true });
}
// Lichtblick's bundle provides React to the code that builds contribution points.
globalThis.React = React;

// ---- Every request the panel makes.
const requests = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init = {}) => {
  const url = new URL(typeof input === "string" ? input : input.url);
  const method = init.method ?? (typeof input === "string" ? "GET" : input.method);
  let body = init.body ?? (typeof input === "string" ? undefined : await input.clone().text());
  requests.push({ method, url: url.href, body: typeof body === "string" ? body : undefined });
  return realFetch(input, init);
};
const posted = (path) => requests.filter((r) => r.method === "POST" && new URL(r.url).pathname === path);

const until = async (what, done, ms = 20000) => {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${document.body.textContent}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

// ---- Found in Sora's marketplace, installed and activated by Lichtblick.
const index = await (await realFetch(`${filesUrl}/api/extensions/marketplace.json`)).json();
const entry = index.find((e) => e.id === "sora.recommendations");
assert.ok(entry, "the panel is in Sora's marketplace");
assert.equal(entry.name, "Sora recommendations");
// The test's file-server binds a port of its own after its public address
// was set: the download is its path on that server.
const download = new URL(new URL(entry.foxe).pathname, filesUrl);
const foxe = new Uint8Array(await (await realFetch(download)).arrayBuffer());
const { installAndActivate } = await import(await bundle("panel.ts"));
const { info, contributions } = await installAndActivate(foxe);
assert.equal(info.id, "sora.recommendations");
const panelIds = Object.keys(contributions.panels);
assert.deepEqual(panelIds, ["Sora recommendations.Recommendations"]);
const registration = contributions.panels[panelIds[0]].registration;

// ---- Mounted, as Lichtblick mounts an extension panel.
const panelElement = document.createElement("div");
document.body.append(panelElement);
const added = [];
let settings;
let saved;
const context = {
  panelElement,
  initialState: { server: filesUrl, recommendations: recommendationsUrl, feedback: feedbackUrl },
  dataSourceProfile: features.profile ?? undefined,
  layout: { addPanel: (params) => added.push({ ...params, state: params.getState() }) },
  watch: () => {},
  saveState: (state) => (saved = state),
  updatePanelSettingsEditor: (tree) => (settings = tree),
  subscribe: () => {},
  unsubscribeAll: () => {},
  setSharedPanelState: () => {},
  setVariable: () => {},
  setParameter: () => {},
  subscribeAppSettings: () => {},
};
const unmount = registration.initPanel(context);
await until("the panel to watch the topics", () => typeof context.onRender === "function");
const topics = features.topics.map((t) => ({ name: t.topic, schemaName: t.schema_name ?? "", datatype: t.schema_name ?? "" }));
let renders = 0;
context.onRender({ topics }, () => renders++);
assert.equal(renders, 1, "the panel never holds up the app's render");

// ---- Asked first; nothing is sent before the answer.
await until("the consent question", () => document.body.textContent.includes("Nothing is sent until you agree"));
await new Promise((resolve) => setTimeout(resolve, 1500));
assert.deepEqual(posted("/api/recommendations"), [], "nothing asked before consent");
assert.deepEqual(posted("/api/feedback"), [], "nothing sent before consent");
const button = (text) =>
  [...panelElement.querySelectorAll("button")].find((b) => b.textContent.trim().startsWith(text));
button("Agree").click();

// ---- The recording's recommendations, with their reasons.
await until("recommendations", () => panelElement.querySelectorAll("li li").length > 0);
const asked = posted("/api/recommendations");
assert.equal(asked.length, 1);
const question = JSON.parse(asked[0].body);
assert.deepEqual(
  question.mcap.topics.map((t) => t.topic),
  features.topics.map((t) => t.topic),
);
assert.ok(!asked[0].body.includes('"messages"'), "topics and schemas only");
await until("the shown event", () => posted("/api/feedback").some((r) => r.body.includes("recommendation_shown")));
// A layout's panel added beside this one.
await until("a layout's panels", () => button("Add ") !== undefined);
const add = button("Add ");
const panelType = add.textContent.trim().replace(/^Add /, "").replace(/ here$/, "");
add.click();
assert.deepEqual(added.map((a) => [a.position, a.type]), [["sibling", panelType]]);
await until("the accepted event", () => posted("/api/feedback").some((r) => r.body.includes("recommendation_accepted")));
const accepted = JSON.parse(posted("/api/feedback").find((r) => r.body.includes("recommendation_accepted")).body).events[0];

// ---- Withdrawn in the panel's settings: nothing more is sent.
assert.equal(settings.nodes.sora.fields.send.value, true);
settings.actionHandler({ action: "update", payload: { path: ["sora", "send"], input: "boolean", value: false } });
await until("consent withdrawn", () => document.body.textContent.includes("Recommendations are off"));
const sentBefore = requests.length;
context.onRender({ topics: [...topics, { name: "/after", schemaName: "std_msgs/msg/String", datatype: "" }] }, () => {});
await new Promise((resolve) => setTimeout(resolve, 1500));
assert.equal(requests.length, sentBefore, "nothing after consent was withdrawn");
assert.equal(saved, undefined, "consent is not kept in the layout");
assert.equal(localStorage.getItem("sora.recommendations.consent"), "denied");

unmount();
console.log(
  "SORA_PANEL_RESULT " +
    JSON.stringify({
      recommendation_id: accepted.recommendation_id,
      answered: { id: accepted.item.id, kind: accepted.item.kind },
      panel_type: panelType,
      app_version: accepted.app_version,
    }),
);
process.exit(0);
