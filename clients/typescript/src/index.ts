// A typed client for Sora's public API. Each service's paths, parameters,
// bodies and answers are generated from its OpenAPI document
// (proto/<service>.openapi.json, see generate.mjs); openapi-fetch makes the
// calls. A wrong path, a missing field or a misspelt parameter is a type
// error, and every answer is `{data}` or `{error}` (problem+json).
import createClient, { type Client, type ClientOptions } from "openapi-fetch";

import type * as Admin from "./generated/admin-api.js";
import type * as Feedback from "./generated/feedback-api.js";
import type * as Files from "./generated/file-server.js";
import type * as Recommendation from "./generated/recommendation.js";

export type { Admin, Feedback, Files, Recommendation };

/** The marketplace, publishers, workspaces and Lichtblick's remote API. */
export type FilesClient = Client<Files.paths>;
/** Feedback events and usage statistics. */
export type FeedbackClient = Client<Feedback.paths>;
/** Recommendations from a recording's features, and the model. */
export type RecommendationClient = Client<Recommendation.paths>;
/** Identity, tokens, users, audit and the dashboard's calls. */
export type AdminClient = Client<Admin.paths>;

export interface SoraClient {
  files: FilesClient;
  feedback: FeedbackClient;
  recommendations: RecommendationClient;
  admin: AdminClient;
}

/** Where each service answers: one gateway for all, or one URL each
 * (`make run` serves them on ports 3000 to 3003). */
export type SoraBaseUrl =
  | string
  | { files: string; feedback: string; recommendations: string; admin: string };

export interface SoraClientOptions extends Omit<ClientOptions, "baseUrl"> {
  baseUrl: SoraBaseUrl;
}

/** A client of every Sora service. */
export function createSoraClient({ baseUrl, ...options }: SoraClientOptions): SoraClient {
  const url =
    typeof baseUrl === "string"
      ? { files: baseUrl, feedback: baseUrl, recommendations: baseUrl, admin: baseUrl }
      : baseUrl;
  return {
    files: createClient<Files.paths>({ ...options, baseUrl: url.files }),
    feedback: createClient<Feedback.paths>({ ...options, baseUrl: url.feedback }),
    recommendations: createClient<Recommendation.paths>({
      ...options,
      baseUrl: url.recommendations,
    }),
    admin: createClient<Admin.paths>({ ...options, baseUrl: url.admin }),
  };
}

/** Shorthands for the schemas a client of the viewer uses most. */
export type RecommendRequest = Recommendation.components["schemas"]["RecommendRequest"];
export type Recommendations = Recommendation.components["schemas"]["Recommendations"];
export type RecommendedItem = Recommendation.components["schemas"]["RecommendedItem"];
export type McapFeatures = Recommendation.components["schemas"]["McapFeatures"];
export type TopicFeature = Recommendation.components["schemas"]["TopicFeature"];
export type FeedbackEvent = Feedback.components["schemas"]["FeedbackEvent"];
export type Problem = Feedback.components["schemas"]["Problem"];
