// Generated from proto/recommendation.openapi.json by generate.mjs (openapi-typescript): do not edit.

export interface paths {
    "/api-docs/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This service's OpenAPI document. */
        get: operations["openapi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/recommendations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Recommendations for a recording's features. Anonymous; a bearer token,
         *     when sent, must be valid (an expired or revoked one is refused, never
         *     taken as anonymous).
         */
        post: operations["recommend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/recommendations/from-mcap": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["from_mcap"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/recommendations/model": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What the model has learned, and how what it served fared. */
        get: operations["model"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process is up. */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Figures for admin-api's overview. Service-to-service only: it needs a
         *     service token (internal audience), which no client can obtain, and the
         *     gateway does not route `/internal`.
         */
        get: operations["internal_summary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics in the text exposition format. */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: 200 when every dependency answers, else 503 naming the failing ones. */
        get: operations["ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description The event-bus figures a service last sampled, for `/internal/summary`. */
        EventSummary: {
            /** @description Queue → messages in its dead-letter queue. */
            dlq_depth: {
                [key: string]: number;
            };
            /**
             * Format: int64
             * @description Events waiting in this service's outbox.
             */
            outbox_backlog: number;
            /** @description Queue → messages waiting in it. */
            queue_depth: {
                [key: string]: number;
            };
        };
        /** @description What is wrong with one field of an input, and how to fix it. */
        FieldError: {
            field: string;
            message: string;
        };
        Health: {
            service: string;
            status: string;
            version: string;
        };
        /** @description Features of one MCAP recording. */
        McapFeatures: {
            /**
             * Format: int64
             * @description From the first message to the last, in nanoseconds.
             */
            duration_ns?: number | null;
            /** @description The library that wrote the file. */
            library?: string | null;
            /** @description The MCAP profile, e.g. `ros1`, `ros2`, or empty. */
            profile?: string | null;
            /** @description At most 1,000. */
            topics?: components["schemas"]["TopicFeature"][];
        };
        /** @description What the model has learned. */
        ModelInfo: {
            /**
             * Format: int64
             * @description Feedback events that moved a weight.
             */
            events_learned: number;
            /**
             * Format: int64
             * @description Feedback events received.
             */
            events_seen: number;
            extensions_indexed: number;
            /** Format: date-time */
            last_update?: string | null;
            layouts_indexed: number;
            model_version: string;
            /**
             * @description How what was served in the last 30 days fared, per ranking version;
             *     null when the database cannot be read.
             */
            online?: components["schemas"]["OnlineAcceptance"][] | null;
            /** @description Feature tokens with learned weights. */
            tokens_learned: number;
        };
        NotReady: components["schemas"]["Problem"] & {
            checks: {
                [key: string]: string;
            };
        };
        /**
         * @description Answers served with items, and the share with an item accepted: at any
         *     rank, at rank 1, within the first 3 and the first 5 (the online twin of
         *     the offline evaluation's hit@k).
         */
        OnlineAcceptance: {
            /** Format: double */
            acceptance_at_1?: number | null;
            /** Format: double */
            acceptance_at_3?: number | null;
            /** Format: double */
            acceptance_at_5?: number | null;
            /**
             * Format: double
             * @description Null when nothing was served.
             */
            acceptance_rate?: number | null;
            /** Format: int64 */
            accepted: number;
            /** @description The ranking's version (`content-1`), without the learned counter. */
            ranking: string;
            /** Format: int64 */
            served: number;
        };
        /** @description RFC 9457 problem details. */
        Problem: {
            detail: string;
            /** @description One entry per invalid field, for validation failures. */
            errors?: components["schemas"]["FieldError"][];
            /** Format: int32 */
            status: number;
            title: string;
            /** @description Stable machine-readable code, `urn:sora:problem:<code>`. */
            type: string;
        };
        Readiness: {
            /** @description Each dependency: `ok`, or why it failed. */
            checks: {
                [key: string]: string;
            };
            /** @description `ready`, or absent on a problem response. */
            status: string;
        };
        /** @description Recommendations, best first. */
        Recommendations: {
            features?: components["schemas"]["McapFeatures"] | null;
            items: components["schemas"]["RecommendedItem"][];
            model_version: string;
            /**
             * Format: uuid
             * @description Quote it in feedback about these recommendations.
             */
            recommendation_id: string;
        };
        RecommendedItem: {
            id: string;
            /** @enum {string} */
            kind: "extension" | "layout";
            name: string;
            /** @description Why, in words: the topics and schemas it matched. */
            reasons: string[];
            /**
             * Format: float
             * @description Higher is better; comparable within one answer.
             */
            score: number;
            /** @description The extension's latest version (none for layouts). */
            version?: string | null;
        };
        /** @description What to recommend for. */
        RecommendRequest: {
            /** @description Extensions the user already has: never recommended (at most 1,000). */
            installed_extensions?: string[];
            /** @description Which kinds of items; both when absent. */
            kinds?: ("extension" | "layout")[] | null;
            /** @description Items wanted (default 10, at most 50). */
            limit?: number | null;
            /** @description The recording's features, as a client reads them from its summary. */
            mcap: components["schemas"]["McapFeatures"];
        };
        /** @description What `GET /internal/summary` answers. */
        ServiceSummary: {
            /** @description The service's own figures; null when it has none. */
            details?: Record<string, never> | null;
            events: components["schemas"]["EventSummary"];
            service: string;
        };
        /** @description One topic of a recording. */
        TopicFeature: {
            /** Format: int64 */
            message_count?: number | null;
            /** @description e.g. `cdr`, `protobuf`, `json`. */
            message_encoding?: string | null;
            /** @description e.g. `ros2msg`, `protobuf`, `jsonschema`. */
            schema_encoding?: string | null;
            /** @description e.g. `sensor_msgs/msg/Image`. */
            schema_name?: string | null;
            /** @description e.g. `/camera/image_raw`. */
            topic: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    openapi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    recommend: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RecommendRequest"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Recommendations"];
                };
            };
            /** @description the request is malformed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no valid credential (missing, expired, revoked or for another audience) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body's media type is not the one expected */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description invalid fields, each named in `errors` */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    from_mcap: {
        parameters: {
            query?: {
                /** @description Comma-separated extension ids the user already has. */
                installed_extensions?: string;
                /** @description Comma-separated kinds: `layout`, `extension`. */
                kinds?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description an MCAP file, or its end: the summary section and the footer */
        requestBody: {
            content: {
                "application/octet-stream": number[];
            };
        };
        responses: {
            /** @description with the features read */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Recommendations"];
                };
            };
            /** @description the request is malformed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no valid credential (missing, expired, revoked or for another audience) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body is too large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description the body's media type is not the one expected */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description not an MCAP file, or a damaged one */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many requests from this client */
            429: {
                headers: {
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description too many recordings being decompressed at once: retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    model: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelInfo"];
                };
            };
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    internal_summary: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceSummary"];
                };
            };
            /** @description no valid credential (missing, expired, revoked or for another audience) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
        };
    };
    ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["NotReady"];
                };
            };
        };
    };
}
