import type { ExtensionContext } from "@lichtblick/suite";

import { initRecommendationsPanel } from "./Panel";

export function activate(extensionContext: ExtensionContext): void {
  extensionContext.registerPanel({ name: "Recommendations", initPanel: initRecommendationsPanel });
}
