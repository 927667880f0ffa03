// The one tie between Lichtblick and the loop: the open recording's topics
// and profile, from the panel's render state.
import type { PanelExtensionContext } from "@lichtblick/suite";

import type { RecommendationLoop } from "./loop";

/** Feeds `loop` the recording's topics each time they change. */
export function watchRecording(
  context: Pick<PanelExtensionContext, "watch" | "dataSourceProfile" | "onRender">,
  loop: Pick<RecommendationLoop, "setRecording">,
): void {
  context.onRender = (renderState, done) => {
    loop.setRecording(
      (renderState.topics ?? []).map((t) => ({ name: t.name, schemaName: t.schemaName })),
      context.dataSourceProfile,
    );
    done();
  };
  context.watch("topics");
}
