// Where the panel reaches Sora, kept in the panel's state (the layout):
// an address is no one's secret, unlike consent, which the machine keeps.
import type { Servers } from "./api";

export interface PanelConfig {
  /** Sora's public address (its gateway): the marketplace, and the two
   * services unless set apart. */
  server: string;
  recommendations?: string;
  feedback?: string;
}

/** The page's own origin when the app is served over http(s) (Lichtblick's
 * web app behind Sora's gateway), else `make run`'s file-server. */
export function defaultServer(location?: { protocol: string; origin: string }): string {
  if (location && (location.protocol === "http:" || location.protocol === "https:")) {
    return location.origin;
  }
  return "http://127.0.0.1:3000";
}

export function configFrom(state: unknown, fallback: string): PanelConfig {
  const saved = (typeof state === "object" && state != undefined ? state : {}) as Record<
    string,
    unknown
  >;
  const text = (value: unknown) =>
    typeof value === "string" && value.trim() !== "" ? value.trim().replace(/\/+$/, "") : undefined;
  return {
    server: text(saved.server) ?? fallback,
    recommendations: text(saved.recommendations),
    feedback: text(saved.feedback),
  };
}

export function serversOf(config: PanelConfig): Servers {
  return {
    recommendations: config.recommendations ?? config.server,
    feedback: config.feedback ?? config.server,
  };
}
