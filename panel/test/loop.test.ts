// The panel's logic under Node, against a fake PanelExtensionContext that
// offers the topics of real recordings, a fake Sora and an in-memory store.
import assert from "node:assert/strict";
import { test } from "node:test";

import type { FeedbackEvent, McapFeatures, RecommendedItem } from "@sora/client";

import { watchRecording } from "../src/context";
import { KEYS, MAX_QUEUED, RecommendationLoop, SendError, type SoraApi } from "../src/loop";
import { configFrom, defaultServer, serversOf } from "../src/settings";
import { FakeContext, MemoryStore, recordingTopics, sleep, until } from "./fixtures";

const ITEMS: RecommendedItem[] = [
  { kind: "layout", id: "0190-layout", name: "Camera and cloud", score: 2, reasons: ["shows /camera (sensor_msgs/msg/Image)"] },
  { kind: "extension", id: "acme.plot", name: "Plot", score: 1, reasons: ["reads sensor_msgs/msg/Imu"], version: "1.2.0" },
];

class FakeSora implements SoraApi {
  asked: McapFeatures[] = [];
  sent: FeedbackEvent[][] = [];
  failWith?: SendError | Error;
  answers = 0;
  async recommend(features: McapFeatures) {
    this.asked.push(features);
    this.answers += 1;
    return { recommendationId: `rec-${this.answers}`, items: ITEMS };
  }
  async sendFeedback(events: FeedbackEvent[]) {
    if (this.failWith) {
      throw this.failWith;
    }
    this.sent.push(events);
  }
  get events(): FeedbackEvent[] {
    return this.sent.flat();
  }
}

function setup(store = new MemoryStore(), sora = new FakeSora()) {
  let n = 0;
  const loop = new RecommendationLoop({
    api: sora,
    store,
    version: "0.1.0",
    debounceMs: 5,
    retryMs: 10,
    maxRetryMs: 40,
    randomUUID: () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
  });
  return { loop, sora, store };
}

test("nothing about a recording is sent before consent, nor after a refusal", async () => {
  const { topics, profile } = await recordingTopics("rosbag2__talker.mcap");
  const { loop, sora, store } = setup();
  const context = new FakeContext(profile);
  watchRecording(context, loop);
  assert.deepEqual(context.watched, ["topics"]);
  context.render(topics);
  await sleep(30);
  loop.displayed();
  loop.accepted(ITEMS[0]!);
  loop.rate(5, "great");
  await sleep(30);
  assert.equal(loop.state.consent, "unasked");
  assert.equal(sora.asked.length, 0);
  assert.equal(sora.events.length, 0);
  assert.equal(context.renders, 1, "the panel never holds up the app's render");

  loop.deny();
  context.render([...topics, { name: "/another", schemaName: "std_msgs/msg/String" }]);
  await sleep(30);
  assert.equal(sora.asked.length, 0);
  assert.equal(store.getItem(KEYS.consent), "denied");
  assert.equal(store.getItem(KEYS.installId), null);
});

test("with consent, the recording's topics are asked about once they settle, and again when they change", async () => {
  const { topics, profile } = await recordingTopics("rosbag2__topics_and_services.mcap");
  assert.ok(topics.length > 0);
  const { loop, sora } = setup();
  const context = new FakeContext(profile);
  watchRecording(context, loop);
  loop.grant();
  context.render(topics.slice(0, 1));
  context.render(topics);
  context.render(topics);
  await until(() => loop.state.status === "ready", "the answer");
  await sleep(20);
  assert.equal(sora.asked.length, 1, "debounced");
  const asked = sora.asked[0]!;
  assert.equal(asked.profile, profile);
  assert.deepEqual(
    asked.topics?.map((t) => [t.topic, t.schema_name]),
    topics.map((t) => [t.name, t.schemaName]),
  );
  assert.equal(loop.state.status, "ready");
  assert.deepEqual(loop.state.items, ITEMS);

  context.render(topics);
  await sleep(30);
  assert.equal(sora.asked.length, 1, "the same topics: not asked again");
  const other = await recordingTopics("lichtblick__example_logs.mcap");
  context.render(other.topics);
  await until(() => sora.asked.length === 2, "a second question");
});

test("feedback events carry the recommendation, an install id, an event id and the version", async () => {
  const { topics } = await recordingTopics("rosbag2__talker.mcap");
  const { loop, sora, store } = setup();
  loop.grant();
  loop.setRecording(topics);
  await until(() => loop.state.status === "ready", "the answer");
  loop.displayed();
  loop.displayed();
  loop.accepted(ITEMS[0]!);
  loop.dismissed(ITEMS[1]!);
  loop.rate(4, "  useful  ");
  await until(() => sora.events.length === 4 && loop.state.queued === 0, "four events sent");
  const events = sora.events;
  assert.deepEqual(
    events.map((e) => e.type),
    ["recommendation_shown", "recommendation_accepted", "recommendation_dismissed", "rating"],
  );
  const install = store.getItem(KEYS.installId);
  assert.ok(install);
  for (const event of events) {
    assert.equal(event.consent, true);
    assert.equal(event.recommendation_id, "rec-1");
    assert.equal(event.install_id, install);
    assert.equal(event.app_version, "0.1.0");
  }
  assert.equal(new Set(events.map((e) => e.event_id)).size, events.length);
  assert.deepEqual(events[1]!.item, { kind: "layout", id: "0190-layout", version: null });
  assert.deepEqual(events[2]!.item, { kind: "extension", id: "acme.plot", version: "1.2.0" });
  assert.equal(events[3]!.rating, 4);
  assert.equal(events[3]!.comment, "useful");
  assert.deepEqual(loop.state.items, [ITEMS[0]], "a dismissed item leaves the list");
  assert.equal(store.getItem(KEYS.queue), null, "nothing left to send");
});

test("events wait while Sora is down, survive a restart, and go when it is back", async () => {
  const { topics } = await recordingTopics("rosbag2__talker.mcap");
  const store = new MemoryStore();
  const first = setup(store);
  first.loop.grant();
  first.loop.setRecording(topics);
  await until(() => first.loop.state.status === "ready", "the answer");
  first.sora.failWith = new SendError("503", true);
  first.loop.displayed();
  first.loop.accepted(ITEMS[0]!);
  await sleep(30);
  assert.equal(first.sora.events.length, 0);
  assert.equal(first.loop.state.queued, 2);
  first.loop.dispose();

  // The app restarts; Sora is back.
  const second = setup(store);
  await until(() => second.loop.state.queued === 0, "the queue sent");
  assert.deepEqual(
    second.sora.events.map((e) => e.type),
    ["recommendation_shown", "recommendation_accepted"],
  );
  assert.equal(second.loop.state.queued, 0);

  // Retried with a growing wait, never more than the queue holds.
  const third = setup(new MemoryStore());
  third.loop.grant();
  third.loop.setRecording(topics);
  await until(() => third.loop.state.status === "ready", "the answer");
  third.sora.failWith = new Error("network down");
  for (let i = 0; i < MAX_QUEUED + 20; i++) {
    third.loop.rate(3);
  }
  await sleep(20);
  assert.equal(third.loop.state.queued, MAX_QUEUED);
  third.sora.failWith = undefined;
  await until(() => third.loop.state.queued === 0, "the queue sent after a retry");
  assert.equal(third.sora.events.length, MAX_QUEUED);
  third.loop.dispose();
});

test("a refused event is dropped, not retried forever", async () => {
  const { topics } = await recordingTopics("rosbag2__talker.mcap");
  const { loop, sora } = setup();
  loop.grant();
  loop.setRecording(topics);
  await until(() => loop.state.status === "ready", "the answer");
  sora.failWith = new SendError("422 bad event", false);
  loop.rate(2);
  await until(() => loop.state.queued === 0, "the event dropped");
  assert.match(loop.state.error ?? "", /refused/);
  loop.dispose();
});

test("withdrawing consent drops what waits and sends nothing more", async () => {
  const { topics } = await recordingTopics("rosbag2__talker.mcap");
  const { loop, sora, store } = setup();
  loop.grant();
  loop.setRecording(topics);
  await until(() => loop.state.status === "ready", "the answer");
  const before = store.getItem(KEYS.installId);
  sora.failWith = new SendError("503", true);
  loop.displayed();
  assert.equal(loop.state.queued, 1);
  loop.deny();
  sora.failWith = undefined;
  loop.accepted(ITEMS[0]!);
  loop.setRecording([...topics, { name: "/new" }]);
  await sleep(80);
  assert.equal(sora.events.length, 0);
  assert.equal(sora.asked.length, 1);
  assert.equal(store.getItem(KEYS.queue), null);
  assert.deepEqual(loop.state.items, []);

  loop.grant();
  await until(() => loop.state.status === "ready", "an answer after consent again");
  loop.displayed();
  await until(() => sora.events.length === 1, "the shown event");
  assert.notEqual(sora.events[0]!.install_id, before, "a new consent, a new install id");
  loop.dispose();
});

test("ids are random v4 UUIDs by default", async () => {
  const { topics } = await recordingTopics("rosbag2__talker.mcap");
  const sora = new FakeSora();
  const loop = new RecommendationLoop({ api: sora, store: new MemoryStore(), version: "0.1.0", debounceMs: 5 });
  loop.grant();
  loop.setRecording(topics);
  await until(() => loop.state.status === "ready", "the answer");
  loop.displayed();
  await until(() => sora.events.length === 1, "the shown event");
  const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  assert.match(sora.events[0]!.install_id, v4);
  assert.match(sora.events[0]!.event_id ?? "", v4);
  loop.dispose();
});

test("the server comes from the panel's state, else the page's origin", () => {
  assert.equal(defaultServer({ protocol: "https:", origin: "https://sora.example.com" }), "https://sora.example.com");
  assert.equal(defaultServer({ protocol: "file:", origin: "null" }), "http://127.0.0.1:3000");
  assert.equal(defaultServer(undefined), "http://127.0.0.1:3000");
  const config = configFrom({ server: "https://sora.example.com/", feedback: " " }, "x");
  assert.deepEqual(serversOf(config), {
    recommendations: "https://sora.example.com",
    feedback: "https://sora.example.com",
  });
  assert.deepEqual(serversOf(configFrom(null, "http://a")), { recommendations: "http://a", feedback: "http://a" });
});
