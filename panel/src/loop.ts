// What the panel does, apart from drawing it: asking for recommendations
// when the recording's topics change (only with consent), and sending
// feedback events about them (only with consent), queued and retried when
// Sora cannot be reached, never blocking the panel. No React and no
// Lichtblick here, so that it runs under Node in the tests.
import type { FeedbackEvent, McapFeatures, RecommendedItem } from "@sora/client";
import { v4 as uuidv4 } from "uuid";

/** Where consent, the install id and the queue are kept: the machine's
 * (localStorage), never the layout, so an imported layout carries nobody's
 * consent. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The two calls the loop makes (src/api.ts makes them with the typed
 * client). */
export interface SoraApi {
  recommend(features: McapFeatures): Promise<{ recommendationId: string; items: RecommendedItem[] }>;
  /** Sends a batch; throws a [`SendError`] saying whether to try again. */
  sendFeedback(events: FeedbackEvent[]): Promise<void>;
}

export class SendError extends Error {
  constructor(
    message: string,
    /** A network failure, 429 or 5xx: the events are kept and sent later. */
    readonly retry: boolean,
  ) {
    super(message);
  }
}

export type Consent = "granted" | "denied" | "unasked";

export interface LoopState {
  consent: Consent;
  status: "idle" | "loading" | "ready" | "error";
  items: RecommendedItem[];
  recommendationId?: string;
  error?: string;
  /** Events waiting to be sent. */
  queued: number;
}

export interface Topic {
  name: string;
  schemaName?: string;
}

export interface LoopOptions {
  api: SoraApi;
  store: KeyValueStore;
  /** The extension's version, sent as `app_version`. */
  version: string;
  /** Quiet time after the last change of topics before asking. */
  debounceMs?: number;
  /** First wait before sending queued events again, doubled each failure. */
  retryMs?: number;
  maxRetryMs?: number;
  randomUUID?: () => string;
}

export const KEYS = {
  consent: "sora.recommendations.consent",
  installId: "sora.recommendations.install_id",
  queue: "sora.recommendations.queue",
} as const;

/** Events kept while Sora cannot be reached; the oldest go first. */
export const MAX_QUEUED = 500;
/** Events in one request (feedback-api takes up to 100). */
const BATCH = 100;
/** Topics sent at most (the recommender reads up to 1,000). */
const MAX_TOPICS = 1000;

export function featuresOf(topics: readonly Topic[], profile?: string): McapFeatures {
  return {
    profile: profile ?? null,
    topics: topics.slice(0, MAX_TOPICS).map((t) => ({
      topic: t.name,
      schema_name: t.schemaName ?? null,
    })),
  };
}

export class RecommendationLoop {
  #options: Required<Omit<LoopOptions, "randomUUID">> & { randomUUID: () => string };
  #state: LoopState;
  #listeners = new Set<(state: LoopState) => void>();
  #features?: McapFeatures;
  #featuresKey = "";
  #debounce?: ReturnType<typeof setTimeout>;
  #retry?: ReturnType<typeof setTimeout>;
  #retryMs: number;
  #sending?: Promise<void>;
  #shown = new Set<string>();
  #asked = 0;
  #disposed = false;

  constructor(options: LoopOptions) {
    this.#options = {
      debounceMs: 800,
      retryMs: 2000,
      maxRetryMs: 5 * 60 * 1000,
      // Not `crypto.randomUUID`, which a page served over plain http (not
      // localhost) does not have; uuid falls back to getRandomValues.
      randomUUID: () => uuidv4(),
      ...options,
    };
    this.#retryMs = this.#options.retryMs;
    this.#state = {
      consent: this.#readConsent(),
      status: "idle",
      items: [],
      queued: this.#queue().length,
    };
    if (this.#state.consent === "granted" && this.#state.queued > 0) {
      void this.flush();
    }
  }

  get state(): LoopState {
    return this.#state;
  }

  subscribe(listener: (state: LoopState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The recording's topics (and profile), on every render: asks again,
   * after a quiet time, when they changed. Nothing is sent without consent. */
  setRecording(topics: readonly Topic[], profile?: string): void {
    const features = featuresOf(topics, profile);
    const key = JSON.stringify(features);
    if (key === this.#featuresKey) {
      return;
    }
    this.#featuresKey = key;
    this.#features = features;
    this.#schedule();
  }

  /** The user agreed: recommendations for the open recording, and feedback. */
  grant(): void {
    this.#options.store.setItem(KEYS.consent, "granted");
    this.#update({ consent: "granted" });
    this.#schedule();
  }

  /** The user declined, or withdrew: nothing more is sent, what was queued
   * is dropped, and the install id is forgotten (a later consent starts a
   * new one). */
  deny(): void {
    const store = this.#options.store;
    store.setItem(KEYS.consent, "denied");
    store.removeItem(KEYS.queue);
    store.removeItem(KEYS.installId);
    clearTimeout(this.#debounce);
    clearTimeout(this.#retry);
    this.#asked += 1;
    this.#shown.clear();
    this.#update({
      consent: "denied",
      status: "idle",
      items: [],
      recommendationId: undefined,
      error: undefined,
      queued: 0,
    });
  }

  /** The items are on screen: `recommendation_shown`, once per answer. */
  displayed(): void {
    const id = this.#state.recommendationId;
    if (id == undefined || this.#shown.has(id) || this.#state.items.length === 0) {
      return;
    }
    this.#shown.add(id);
    this.#record("recommendation_shown", {});
  }

  /** The user opened, downloaded or added an item. */
  accepted(item: RecommendedItem): void {
    this.#record("recommendation_accepted", { item: itemOf(item) });
  }

  /** The user said an item is not for them: it leaves the list. */
  dismissed(item: RecommendedItem): void {
    this.#record("recommendation_dismissed", { item: itemOf(item) });
    this.#update({
      items: this.#state.items.filter((i) => !(i.kind === item.kind && i.id === item.id)),
    });
  }

  /** A rating (1 to 5) of these recommendations, with a comment if any. */
  rate(rating: number, comment?: string): void {
    const text = comment?.trim();
    this.#record("rating", {
      rating: Math.min(5, Math.max(1, Math.round(rating))),
      comment: text ? text.slice(0, 2000) : null,
    });
  }

  /** Sends what is queued (one batch at a time); on a failure worth
   * retrying, tries again later, waiting longer each time. */
  flush(): Promise<void> {
    if (this.#sending) {
      return this.#sending;
    }
    this.#sending = this.#send().finally(() => {
      this.#sending = undefined;
    });
    return this.#sending;
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#debounce);
    clearTimeout(this.#retry);
    this.#listeners.clear();
  }

  async #send(): Promise<void> {
    while (this.#state.consent === "granted" && !this.#disposed) {
      const queue = this.#queue();
      const batch = queue.slice(0, BATCH);
      if (batch.length === 0) {
        this.#retryMs = this.#options.retryMs;
        return;
      }
      try {
        await this.#options.api.sendFeedback(batch);
      } catch (error) {
        const retry = !(error instanceof SendError) || error.retry;
        if (retry) {
          this.#later();
          this.#update({ error: `feedback not sent yet: ${String(error)}` });
          return;
        }
        // Refused for good (a 4xx): these events would never be taken.
        this.#update({ error: `feedback refused: ${String(error)}` });
      }
      // Sent or refused for good: off the queue. Consent may have been
      // withdrawn meanwhile, and the queue dropped with it.
      if (this.#state.consent === "granted") {
        const ids = new Set(batch.map((e) => e.event_id));
        this.#saveQueue(this.#queue().filter((e) => !ids.has(e.event_id)));
      }
    }
  }

  #later(): void {
    clearTimeout(this.#retry);
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, this.#options.maxRetryMs);
    this.#retry = setTimeout(() => void this.flush(), wait);
  }

  #schedule(): void {
    clearTimeout(this.#debounce);
    if (this.#state.consent !== "granted" || this.#features == undefined || this.#disposed) {
      return;
    }
    this.#debounce = setTimeout(() => void this.#ask(), this.#options.debounceMs);
  }

  async #ask(): Promise<void> {
    const features = this.#features;
    if (this.#state.consent !== "granted" || features == undefined) {
      return;
    }
    const asked = ++this.#asked;
    this.#update({ status: "loading", error: undefined });
    try {
      const answer = await this.#options.api.recommend(features);
      // A later question (or a withdrawal) made this answer stale.
      if (asked !== this.#asked || this.#state.consent !== "granted") {
        return;
      }
      this.#update({
        status: "ready",
        items: answer.items,
        recommendationId: answer.recommendationId,
      });
    } catch (error) {
      if (asked === this.#asked) {
        this.#update({ status: "error", error: `no recommendations: ${String(error)}` });
      }
    }
  }

  #record(type: FeedbackEvent["type"], fields: Partial<FeedbackEvent>): void {
    if (this.#state.consent !== "granted" || this.#state.recommendationId == undefined) {
      return;
    }
    const event: FeedbackEvent = {
      type,
      consent: true,
      install_id: this.#installId(),
      event_id: this.#options.randomUUID(),
      recommendation_id: this.#state.recommendationId,
      app_version: this.#options.version,
      occurred_at: new Date().toISOString(),
      ...fields,
    };
    const queue = [...this.#queue(), event].slice(-MAX_QUEUED);
    this.#saveQueue(queue);
    void this.flush();
  }

  #installId(): string {
    const store = this.#options.store;
    let id = store.getItem(KEYS.installId);
    if (id == undefined) {
      id = this.#options.randomUUID();
      store.setItem(KEYS.installId, id);
    }
    return id;
  }

  #readConsent(): Consent {
    const value = this.#options.store.getItem(KEYS.consent);
    return value === "granted" || value === "denied" ? value : "unasked";
  }

  #queue(): FeedbackEvent[] {
    try {
      const parsed: unknown = JSON.parse(this.#options.store.getItem(KEYS.queue) ?? "[]");
      return Array.isArray(parsed) ? (parsed as FeedbackEvent[]) : [];
    } catch {
      return [];
    }
  }

  #saveQueue(queue: FeedbackEvent[]): void {
    if (queue.length === 0) {
      this.#options.store.removeItem(KEYS.queue);
    } else {
      this.#options.store.setItem(KEYS.queue, JSON.stringify(queue));
    }
    this.#update({ queued: queue.length });
  }

  #update(change: Partial<LoopState>): void {
    this.#state = { ...this.#state, ...change };
    for (const listener of this.#listeners) {
      listener(this.#state);
    }
  }
}

function itemOf(item: RecommendedItem): NonNullable<FeedbackEvent["item"]> {
  return { kind: item.kind, id: item.id, version: item.version ?? null };
}
