// The loop's two calls, made with Sora's typed client (clients/typescript).
import { createSoraClient } from "@sora/client";
import type { FeedbackEvent, McapFeatures } from "@sora/client";

import { SendError, type SoraApi } from "./loop";

/** Where the panel reaches Sora: one server (a gateway), or the two
 * services on their own (`make run`: 3003 and 3001). */
export interface Servers {
  recommendations: string;
  feedback: string;
}

export function soraApi(servers: Servers, fetchImpl?: typeof fetch): SoraApi {
  const client = createSoraClient({
    baseUrl: {
      recommendations: servers.recommendations,
      feedback: servers.feedback,
      files: servers.recommendations,
      admin: servers.recommendations,
    },
    fetch: fetchImpl,
  });
  return {
    async recommend(features: McapFeatures) {
      const { data, error, response } = await client.recommendations.POST("/api/recommendations", {
        body: { mcap: features, limit: 10 },
      });
      if (data == undefined) {
        throw new Error(`${response.status} ${error?.detail ?? error?.title ?? ""}`.trim());
      }
      return { recommendationId: data.recommendation_id, items: data.items };
    },
    async sendFeedback(events: FeedbackEvent[]) {
      let response: Response;
      let problem: { detail?: string | null; title?: string } | undefined;
      try {
        const answer = await client.feedback.POST("/api/feedback", { body: { events } });
        response = answer.response;
        problem = answer.error;
      } catch (error) {
        throw new SendError(String(error), true);
      }
      if (!response.ok) {
        const retry = response.status === 429 || response.status >= 500;
        throw new SendError(`${response.status} ${problem?.detail ?? problem?.title ?? ""}`, retry);
      }
    },
  };
}
