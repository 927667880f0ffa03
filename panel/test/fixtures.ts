// The topics of real recordings (fixtures/mcap), read from their summary
// with Foxglove's MCAP library, as Lichtblick reads them.
import { McapIndexedReader } from "@mcap/core";
import { open } from "node:fs/promises";
import { join } from "node:path";

import type { Topic } from "../src/loop";

export const FIXTURES = join(process.cwd(), "..", "fixtures", "mcap");

export async function recordingTopics(file: string): Promise<{ topics: Topic[]; profile: string }> {
  const handle = await open(join(FIXTURES, file), "r");
  try {
    const size = (await handle.stat()).size;
    const reader = await McapIndexedReader.Initialize({
      readable: {
        size: async () => BigInt(size),
        read: async (offset: bigint, length: bigint) => {
          const buffer = new Uint8Array(Number(length));
          await handle.read(buffer, 0, Number(length), Number(offset));
          return buffer;
        },
      },
    });
    const topics = [...reader.channelsById.values()].map((channel) => ({
      name: channel.topic,
      schemaName: reader.schemasById.get(channel.schemaId)?.name,
    }));
    return { topics, profile: reader.header.profile };
  } finally {
    await handle.close();
  }
}

/** A PanelExtensionContext as far as the panel uses it: the app renders
 * it with the recording's topics. */
export class FakeContext {
  onRender?: (state: { topics?: readonly { name: string; schemaName?: string }[] }, done: () => void) => void;
  watched: string[] = [];
  renders = 0;
  constructor(public dataSourceProfile?: string) {}
  watch(field: string): void {
    this.watched.push(field);
  }
  /** What Lichtblick does when the watched topics change. */
  render(topics: readonly Topic[]): void {
    this.onRender?.(
      { topics: topics.map((t) => ({ name: t.name, schemaName: t.schemaName ?? "" })) },
      () => {
        this.renders += 1;
      },
    );
  }
}

export class MemoryStore {
  values = new Map<string, string>();
  getItem(key: string): string | null {
    return this.values.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.values.set(key, value);
  }
  removeItem(key: string): void {
    this.values.delete(key);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` holds (the loop's timers fire on their own time). */
export async function until(done: () => boolean, what = "the condition", ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(5);
  }
}
