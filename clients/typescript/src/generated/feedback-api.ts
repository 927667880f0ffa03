// Generated from proto/feedback-api.openapi.json by generate.mjs (openapi-typescript): do not edit.

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
    "/api/feedback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Feedback events, newest first (admin). */
        get: operations["list_feedback"];
        put?: never;
        /**
         * Submit anonymized feedback: one event or `{events: [...]}` (1–100). The
         *     body may be gzip-compressed (`Content-Encoding: gzip`); its limit (1 MiB)
         *     applies after decompression. Rate-limited per client.
         */
        post: operations["submit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/feedback/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One feedback event with its comment decrypted (admin; audited as
         *     `feedback.read`).
         */
        get: operations["read_feedback"];
        put?: never;
        post?: never;
        /**
         * Deletes one feedback event (admin; audited as `feedback.deleted`). Its
         *     counts leave the feedback and extension-install roll-ups; unique installs
         *     and acceptance keep it.
         */
        delete: operations["delete_feedback"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stats/adoption": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Daily, weekly and monthly active installs, new and returning installs,
         *     and each extension's installs, uninstalls and net installs (viewer; at
         *     most 1,096 days).
         */
        get: operations["adoption"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stats/export.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The day's figures (downloads per item, extension installs and
         *     uninstalls, feedback per type, recommendations, and active, new and
         *     returning installs) as CSV rows (RFC 4180, CRLF):
         *     `date,metric,item_kind,item_id,item_version,item_name,value` (viewer; at
         *     most 1,096 days).
         */
        get: operations["export_csv"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stats/public": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download totals and the most downloaded extensions and layouts (no
         *     token; cached for a minute).
         */
        get: operations["public_stats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stats/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Downloads, feedback by type, unique installs and the recommendation
         *     acceptance rate over a range (viewer; at most 1,096 days).
         */
        get: operations["summary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/stats/timeseries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A metric per hour or per UTC day, every bucket present (viewer). */
        get: operations["timeseries"];
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
        /** @description What `POST /api/feedback` answers. */
        Accepted: {
            /** @description Events stored by this request. */
            accepted: number;
            /** @description Events already stored (retries): acknowledged, not stored again. */
            duplicates: number;
        };
        Adoption: {
            /** @description Every UTC day the range touches. */
            days: components["schemas"]["AdoptionDay"][];
            /** @description Most installed in the range first. */
            extensions: components["schemas"]["ExtensionAdoption"][];
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string;
        };
        /**
         * @description One day of adoption: installs active that day, in the 7 and 30 days
         *     ending with it, and how many of the day's were seen for the first time.
         */
        AdoptionDay: {
            /**
             * Format: int64
             * @description Distinct installs that sent feedback that day (DAU).
             */
            active: number;
            /** @description `YYYY-MM-DD` (UTC). */
            day: string;
            /**
             * Format: int64
             * @description ... in the 30 days ending that day (MAU).
             */
            monthly: number;
            /**
             * Format: int64
             * @description Active that day and never seen on an earlier day.
             */
            new: number;
            /**
             * Format: int64
             * @description Active that day and seen before (`active - new`).
             */
            returning: number;
            /**
             * Format: int64
             * @description ... in the 7 days ending that day (WAU).
             */
            weekly: number;
        };
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
        /** @description An extension installed or uninstalled in the range. */
        ExtensionAdoption: {
            /** @description The range's days with any install or uninstall. */
            days: components["schemas"]["InstallDay"][];
            id: string;
            /**
             * Format: int64
             * @description In the range.
             */
            installs: number;
            name?: string | null;
            /**
             * Format: int64
             * @description Installs net of uninstalls over everything counted, not only the range.
             */
            net_installs: number;
            /** Format: int64 */
            uninstalls: number;
        };
        /** @description Up to 100 events, stored all or none. */
        FeedbackBatch: {
            events: components["schemas"]["FeedbackEvent"][];
        };
        /** @description One event, or a batch of 1 to 100. */
        FeedbackBody: components["schemas"]["FeedbackEvent"] | components["schemas"]["FeedbackBatch"];
        /** @description One feedback event (DESIGN.md §5). */
        FeedbackEvent: {
            app_version?: string | null;
            /**
             * @description Redacted (e-mail addresses, IPs, phone numbers, credentials) and
             *     encrypted before it is stored; only administrators read it.
             */
            comment?: string | null;
            /** @description Must be true: nothing is stored without the user's consent. */
            consent: boolean;
            /**
             * Format: uuid
             * @description Made by the client so that retries are stored once.
             */
            event_id?: string | null;
            /**
             * Format: uuid
             * @description A random id the client made for its installation; only a keyed hash
             *     of it is kept.
             */
            install_id: string;
            item?: {
                id: string;
                /** @enum {string} */
                kind: "extension" | "layout";
                version?: string | null;
            } | null;
            locale?: string | null;
            mcap_features?: components["schemas"]["McapFeatures"] | null;
            /**
             * Format: date-time
             * @description When it happened (default: on receipt); not in the future, not older
             *     than the retention period.
             */
            occurred_at?: string | null;
            os?: string | null;
            /**
             * Format: int32
             * @description Required for the `rating` type.
             */
            rating?: number | null;
            /** @description Required for the `recommendation_*` types. */
            recommendation_id?: string | null;
            /**
             * @description What happened, as the client reports it.
             * @enum {string}
             */
            type: "layout_applied" | "extension_installed" | "extension_uninstalled" | "recommendation_shown" | "recommendation_accepted" | "recommendation_dismissed" | "rating" | "session_started";
        };
        /** @description A page of feedback events. */
        FeedbackPage: {
            items: components["schemas"]["FeedbackRecord"][];
            /** @description Where the next page starts (pass it as `after`); null on the last. */
            next?: string | null;
            /** Format: int32 */
            page: number;
            /** Format: int32 */
            per_page: number;
            /**
             * Format: int64
             * @description Events that pass the filters, counted up to 1,000.
             */
            total: number;
            /** @description More than `total` pass (counting stopped at 1,000). */
            total_capped: boolean;
        };
        /**
         * @description One feedback event as an administrator sees it: no hashes; the comment
         *     only when one event is read.
         */
        FeedbackRecord: {
            app_version?: string | null;
            /** @description The comment, redacted as stored (when one event is read). */
            comment?: string | null;
            /** Format: uuid */
            event_id: string;
            has_comment: boolean;
            item?: {
                id: string;
                /** @enum {string} */
                kind: "extension" | "layout";
                version?: string | null;
            } | null;
            locale?: string | null;
            mcap_features?: Record<string, never> | null;
            /** Format: date-time */
            occurred_at: string;
            os?: string | null;
            /** Format: int32 */
            rating?: number | null;
            /** Format: date-time */
            received_at: string;
            recommendation_id?: string | null;
            type: string;
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
        /** @description One extension's installs and uninstalls on one day. */
        InstallDay: {
            day: string;
            /** Format: int64 */
            installs: number;
            /** Format: int64 */
            uninstalls: number;
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
        NotReady: components["schemas"]["Problem"] & {
            checks: {
                [key: string]: string;
            };
        };
        /**
         * @description One bucket: a count, or for acceptance the recommendations shown and
         *     accepted and their rate.
         */
        Point: {
            /** Format: int64 */
            accepted?: number | null;
            /** Format: int64 */
            count?: number | null;
            /**
             * Format: double
             * @description accepted / shown (acceptance only); null when none was shown.
             */
            rate?: number | null;
            /** Format: int64 */
            shown?: number | null;
            /** Format: date-time */
            time: string;
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
        PublicStats: {
            /**
             * Format: int64
             * @description Every download counted so far.
             */
            downloads: number;
            top_extensions: components["schemas"]["TopItem"][];
            top_layouts: components["schemas"]["TopItem"][];
        };
        Readiness: {
            /** @description Each dependency: `ok`, or why it failed. */
            checks: {
                [key: string]: string;
            };
            /** @description `ready`, or absent on a problem response. */
            status: string;
        };
        Recommendations: {
            /**
             * Format: double
             * @description accepted / shown; null when none was shown.
             */
            acceptance_rate?: number | null;
            /** Format: int64 */
            accepted: number;
            /** Format: int64 */
            shown: number;
        };
        Series: {
            /** Format: date-time */
            from: string;
            interval: string;
            metric: string;
            /** @description Every bucket from `from` (rounded down) to `to`, zero-filled. */
            points: components["schemas"]["Point"][];
            /** Format: date-time */
            to: string;
        };
        /** @description What `GET /internal/summary` answers. */
        ServiceSummary: {
            /** @description The service's own figures; null when it has none. */
            details?: Record<string, never> | null;
            events: components["schemas"]["EventSummary"];
            service: string;
        };
        Summary: {
            /**
             * Format: double
             * @description Mean of the ratings given; null without any.
             */
            average_rating?: number | null;
            /** Format: int64 */
            downloads: number;
            /** @description Feedback events by type (every type, zero included). */
            feedback: {
                [key: string]: number;
            };
            /** Format: int64 */
            feedback_total: number;
            /** Format: date-time */
            from: string;
            recommendations: components["schemas"]["Recommendations"];
            /** Format: date-time */
            to: string;
            /**
             * Format: int64
             * @description Distinct installs that sent feedback on the range's days (estimated,
             *     ±2%).
             */
            unique_installs: number;
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
        /** @description An item among the most downloaded. */
        TopItem: {
            /** Format: int64 */
            downloads: number;
            id: string;
            name?: string | null;
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
    list_feedback: {
        parameters: {
            query?: {
                /** @description The `next` of the previous page: the page after it (not with `page`). */
                after?: string;
                /** @description RFC 3339 date-time or `YYYY-MM-DD` (UTC), inclusive. */
                from?: string;
                /** @description Only events with (or without) a comment. */
                has_comment?: boolean;
                item_id?: string;
                /** @description `extension` or `layout`. */
                item_kind?: string;
                /**
                 * @description Pages by number reach the first 1,000 events; past them, follow
                 *     `next`.
                 */
                page?: number;
                /** @description Values above 100 are served as 100. */
                per_page?: number;
                /** @description RFC 3339 date-time or `YYYY-MM-DD` (UTC), exclusive. */
                to?: string;
                /** @description Only events of this type. */
                type?: string;
            };
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
                    "application/json": components["schemas"]["FeedbackPage"];
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
            /** @description the caller may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    submit: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FeedbackBody"];
            };
        };
        responses: {
            /** @description stored (or already stored) */
            202: {
                headers: {
                    "x-ratelimit-limit"?: number;
                    "x-ratelimit-remaining"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Accepted"];
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
            429: {
                headers: {
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            503: {
                headers: {
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    read_feedback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the event's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeedbackRecord"];
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
            /** @description the caller may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    delete_feedback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the event's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
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
            /** @description the caller may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    adoption: {
        parameters: {
            query?: {
                /**
                 * @description RFC 3339 date-time or `YYYY-MM-DD` (UTC), inclusive; default 30 days
                 *     before `to`.
                 */
                from?: string;
                /** @description RFC 3339 date-time or `YYYY-MM-DD` (UTC), exclusive; default now. */
                to?: string;
            };
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
                    "application/json": components["schemas"]["Adoption"];
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
        };
    };
    export_csv: {
        parameters: {
            query?: {
                /**
                 * @description RFC 3339 date-time or `YYYY-MM-DD` (UTC), inclusive; default 30 days
                 *     before `to`.
                 */
                from?: string;
                /** @description RFC 3339 date-time or `YYYY-MM-DD` (UTC), exclusive; default now. */
                to?: string;
            };
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
                    "text/csv": string;
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
        };
    };
    public_stats: {
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
                    "application/json": components["schemas"]["PublicStats"];
                };
            };
        };
    };
    summary: {
        parameters: {
            query?: {
                /**
                 * @description RFC 3339 date-time or `YYYY-MM-DD` (UTC), inclusive; default 30 days
                 *     before `to`.
                 */
                from?: string;
                /** @description RFC 3339 date-time or `YYYY-MM-DD` (UTC), exclusive; default now. */
                to?: string;
            };
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
                    "application/json": components["schemas"]["Summary"];
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
        };
    };
    timeseries: {
        parameters: {
            query: {
                /** @description RFC 3339 date-time or `YYYY-MM-DD` (UTC), inclusive. */
                from?: string;
                /** @description `hour` (at most 31 days) or `day` (default; at most 1,096 days). */
                interval?: string;
                /** @description `downloads`, `feedback` or `acceptance`. */
                metric: string;
                /** @description RFC 3339 date-time or `YYYY-MM-DD` (UTC), exclusive. */
                to?: string;
            };
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
                    "application/json": components["schemas"]["Series"];
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
