// Generated from proto/file-server.openapi.json by generate.mjs (openapi-typescript): do not edit.

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
    "/api/extensions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search and list the catalog (hidden extensions and extensions whose every
         *     version is yanked are left out).
         */
        get: operations["list_extensions"];
        put?: never;
        /**
         * Publish a version: the raw `.foxe` is the body (editor role; a personal
         *     access token needs `publish:<publisher>` or `publish:*`). It is
         *     validated completely before anything is stored.
         */
        post: operations["publish_extension"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/extensions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One extension with all its versions. Anonymous callers see public
         *     extensions; with a token, members of its publisher (and admins) also see
         *     it while hidden.
         */
        get: operations["get_extension"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Feature or hide an extension. */
        patch: operations["moderate_extension"];
        trace?: never;
    };
    "/api/extensions/{id}/changelog": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The CHANGELOG.md of the latest (or the given) version. */
        get: operations["changelog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/extensions/{id}/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The latest version's `.foxe` (short cache: "latest" moves). */
        get: operations["download_latest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/extensions/{id}/readme": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The README.md of the latest (or the given) version. */
        get: operations["readme"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/extensions/{id}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Yank a version: it leaves "latest" but stays downloadable by its exact
         *     version (its owner or an admin). Yanking twice is harmless.
         */
        delete: operations["yank_version"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/extensions/{id}/versions/{version}/appeal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Appeals a held version (its publisher's members): the message is kept
         *     with it for the admins who review it, and audited.
         */
        post: operations["appeal_version"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/extensions/{id}/versions/{version}/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One version's `.foxe`, yanked or not (immutable: cached for a year). */
        get: operations["download_version"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/extensions/{id}/versions/{version}/release": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Releases a held version (admins): it is listed and announced from now on. */
        post: operations["release_version"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/extensions/{id}/versions/{version}/scan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What the pre-publish scan found in a version (its publisher's members and
         *     admins): `{"findings": [...]}`, most severe first.
         */
        get: operations["scan_findings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/extensions/held": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Versions held for review: of the caller's publishers (an admin: all),
         *     oldest first, with the scan's findings and any appeal.
         */
        get: operations["held_versions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/extensions/marketplace-keys.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The keys the server signs `marketplace.json` with (one today; a list so
         *     that a rotation can serve the old and the new one for a while).
         */
        get: operations["index_keys"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/extensions/marketplace.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The whole catalog in the Foxglove extension-marketplace format, for
         *     Foxglove Studio and Lichtblick. Signed by the server: `X-Sora-Signature`
         *     is the Ed25519 signature (base64) of the body's SHA-256 digest, by the
         *     key `X-Sora-Signing-Key` names (`marketplace-keys.json`).
         */
        get: operations["marketplace_index"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/extensions/unlisted": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The extensions the catalog leaves out, as the caller may manage them:
         *     hidden ones and those whose every version is yanked (those of the
         *     caller's publishers; an admin's, all), by id. The moderation page lists
         *     them to show them again.
         */
        get: operations["unlisted_extensions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/layouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Search and list layouts. */
        get: operations["list_layouts"];
        put?: never;
        /** Share a layout (editor role). Its panels and topics are extracted. */
        post: operations["publish_layout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/layouts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One layout's metadata. */
        get: operations["get_layout"];
        put?: never;
        post?: never;
        /** Delete a layout (its owner or an admin). */
        delete: operations["delete_layout"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/layouts/{id}/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The layout document itself, ready to import into Foxglove or Lichtblick. */
        get: operations["download_layout"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lichtblick/extensions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One extension, by its server id. */
        get: operations["lichtblick_get_extension"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lichtblick/extensions/{id}/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The `.foxe` itself (raw bytes, not an envelope); counted for the
         *     workspace's owners and administrators (`GET /api/workspaces/{name}`).
         */
        get: operations["download_extension"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lichtblick/layouts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Changes a layout's name, data or permission: a new version when anything
         *     changed. Only its creator or an owner changes who may write it.
         */
        put: operations["update_layout"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lichtblick/layouts/{id}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every saved state of a layout, newest first (Sora's addition). */
        get: operations["layout_versions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lichtblick/layouts/{id}/versions/{version}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Makes an earlier version's name and data the layout's current state (a
         *     new version; its permission stays). Sora's addition.
         */
        post: operations["restore_layout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lichtblick/session/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The recordings of a session (readers of its workspace). */
        get: operations["get_session"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lichtblick/workspaces/{workspace}/extension": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Uploads an extension to the workspace (writers), replacing the
         *     workspace's extension of the same id: 201 when new, 200 when replaced.
         */
        post: operations["upload_extension"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lichtblick/workspaces/{workspace}/extension/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Removes an extension from the workspace (writers); the answer is the
         *     extension as it was. 404 when there is none (the client's "not installed").
         */
        delete: operations["remove_extension"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lichtblick/workspaces/{workspace}/extensions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The workspace's extensions, by id. */
        get: operations["lichtblick_list_extensions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lichtblick/workspaces/{workspace}/layout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Saves a new layout: a personal one (`CREATOR_WRITE`) as any member, a
         *     shared one as a writer. Sent again with the same `layoutId` (a retried
         *     sync), it saves a new version of that layout if the caller may change it.
         */
        post: operations["create_layout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lichtblick/workspaces/{workspace}/layout/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Deletes a layout (its versions are kept); the answer is the layout as it
         *     was, which the client checks for.
         */
        delete: operations["lichtblick_delete_layout"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lichtblick/workspaces/{workspace}/layouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The workspace's layouts the caller may see: its shared ones, and the
         *     caller's own.
         */
        get: operations["lichtblick_list_layouts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lichtblick/workspaces/{workspace}/layouts/default_data": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The template a new layout starts from, merged by the client into its
         *     base: the workspace's chosen default; else, when the request names the
         *     recording (`?topics=` or `?session=`), the recommendation service's best
         *     layout for it; else the workspace's most-used shared layout (the one
         *     saved most often). 404 when there is none (the client then starts from
         *     its own base). The recommender is asked with a timeout; when it is down
         *     the next source answers.
         */
        get: operations["default_data"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/lichtblick/workspaces/{workspace}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Creates a session of recordings (writers of the workspace). */
        post: operations["create_session"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/publishers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's namespaces (an admin's: every one). */
        get: operations["list_publishers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/publishers/{publisher}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A namespace: its verified mark and extensions for anyone; its members
         *     for its members and admins.
         */
        get: operations["get_publisher"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Marks a namespace verified, or not (admins); makes it take signed
         *     packages only, or not (owners and admins).
         */
        patch: operations["update_publisher"];
        trace?: never;
    };
    "/api/publishers/{publisher}/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A namespace's public keys, revoked ones too (anyone: they verify what
         *     it published).
         */
        get: operations["list_keys"];
        put?: never;
        /**
         * Registers a public key for signing the namespace's packages (owners and
         *     admins, signed in: not with a token exchanged for a personal access
         *     token, which a leaked CI secret could otherwise use to plant its own key).
         */
        post: operations["add_key"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/publishers/{publisher}/keys/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revokes a key (owners and admins): it signs nothing new, and what it
         *     signed no longer verifies. Rotating is adding a new key, then revoking
         *     the old one.
         */
        delete: operations["revoke_key"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/publishers/{publisher}/members/{user}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Adds a member or changes their role (owners and admins; an admin may
         *     create the namespace this way, reserving it for someone). The last owner
         *     stays an owner.
         */
        put: operations["set_member"];
        post?: never;
        /**
         * Removes a member (owners and admins; any member may leave). The last
         *     owner stays.
         */
        delete: operations["remove_member"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/publishers/{publisher}/trusted-publishers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A namespace's trusted publishers (its members and admins). */
        get: operations["list_trusted_publishers"];
        put?: never;
        /**
         * Registers a CI job that may publish under the namespace (owners and
         *     admins, signed in: not with a token from a personal access token or from
         *     trusted publishing, so a leaked CI secret cannot register another CI).
         */
        post: operations["register_trusted_publisher"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/publishers/{publisher}/trusted-publishers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Removes a trusted publisher (owners and admins): the tokens it yielded
         *     publish nothing more, at once.
         */
        delete: operations["remove_trusted_publisher"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workspaces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's workspaces (an admin's: every one). */
        get: operations["list_workspaces"];
        put?: never;
        /** Creates a workspace and names its owner (admin). */
        post: operations["create_workspace"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/workspaces/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A workspace with its members (its owners and admins). */
        get: operations["get_workspace"];
        put?: never;
        post?: never;
        /** Deletes a workspace with everything in it (admin). */
        delete: operations["delete_workspace"];
        options?: never;
        head?: never;
        /**
         * Opens the workspace to anonymous reading (or closes it), or chooses its
         *     default layout (owners and admins).
         */
        patch: operations["update_workspace"];
        trace?: never;
    };
    "/api/workspaces/{name}/members/{user}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Adds a member or changes their role (owners and admins). The last owner
         *     stays an owner.
         */
        put: operations["set_workspace_member"];
        post?: never;
        /** Removes a member (owners and admins). The last owner stays. */
        delete: operations["remove_workspace_member"];
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
    "/internal/trusted-publishing/exchange": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * admin-api's question once it verified a CI job's OIDC token: which
         *     registration the job matches. Spends the token's `jti` (409 the second
         *     time); 404 when nothing matches; 409 when several namespaces match and
         *     none is named.
         */
        post: operations["match_trusted_publisher"];
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
        /** @description What `POST …/layout` answers: `{layout}`. */
        CreatedLayout: {
            layout: components["schemas"]["LayoutApiData"];
        };
        CreatedSession: {
            createdAt: string;
            /** Format: uuid */
            id: string;
            mcaps: components["schemas"]["SessionMcap"][];
            workspace: string;
        };
        /** @description `{data, timestamp, path}`, as the client unwraps every JSON answer. */
        Envelope_CreatedLayout: {
            /** @description What `POST …/layout` answers: `{layout}`. */
            data: {
                layout: components["schemas"]["LayoutApiData"];
            };
            /** @description The request's path. */
            path: string;
            /** @description When the answer was made (ISO 8601, milliseconds, UTC). */
            timestamp: string;
        };
        /** @description `{data, timestamp, path}`, as the client unwraps every JSON answer. */
        Envelope_CreatedSession: {
            data: {
                createdAt: string;
                /** Format: uuid */
                id: string;
                mcaps: components["schemas"]["SessionMcap"][];
                workspace: string;
            };
            /** @description The request's path. */
            path: string;
            /** @description When the answer was made (ISO 8601, milliseconds, UTC). */
            timestamp: string;
        };
        /** @description `{data, timestamp, path}`, as the client unwraps every JSON answer. */
        Envelope_ExtensionApiData: {
            /** @description An extension as the client reads it (`IExtensionApiResponse`). */
            data: {
                changelog?: string | null;
                createdAt: string;
                description?: string | null;
                displayName?: string | null;
                /** @description `publisher.name`, as the clients compute it from package.json. */
                extensionId: string;
                /** @description The package's SHA-256. */
                fileId: string;
                homepage?: string | null;
                /**
                 * Format: uuid
                 * @description The server's id (the client's `externalId`): download and remove by it.
                 */
                id: string;
                keywords: string[];
                license?: string | null;
                name: string;
                publisher: string;
                /** @description `displayName`, else `name`: what the client shows. */
                qualifiedName: string;
                readme?: string | null;
                /** @description Always `org`. */
                scope: string;
                /** Format: int64 */
                size: number;
                updatedAt: string;
                version: string;
                /** @description What clients cope with but show poorly (e.g. no `displayName`). */
                warnings: components["schemas"]["FieldError"][];
                workspace: string;
            };
            /** @description The request's path. */
            path: string;
            /** @description When the answer was made (ISO 8601, milliseconds, UTC). */
            timestamp: string;
        };
        /** @description `{data, timestamp, path}`, as the client unwraps every JSON answer. */
        Envelope_LayoutApiData: {
            /** @description A layout as the client reads it (`LayoutApiData`). */
            data: {
                /** @description ISO 8601 to the millisecond; the same text every time it is read. */
                createdAt: string;
                data: Record<string, never>;
                /**
                 * Format: uuid
                 * @description The server's id (the client's `externalId`).
                 */
                id: string;
                /** @description The client's id. */
                layoutId: string;
                name: string;
                /** @description `CREATOR_WRITE`, `ORG_READ` or `ORG_WRITE`. */
                permission: string;
                updatedAt: string;
                /**
                 * Format: int32
                 * @description How many times it was saved (Sora's addition).
                 */
                version: number;
                workspace: string;
            };
            /** @description The request's path. */
            path: string;
            /** @description When the answer was made (ISO 8601, milliseconds, UTC). */
            timestamp: string;
        };
        /** @description `{data, timestamp, path}`, as the client unwraps every JSON answer. */
        Envelope_SessionData: {
            /** @description What `GET session/{id}` answers (`SessionResponse`). */
            data: {
                mcaps: components["schemas"]["SessionMcap"][];
            };
            /** @description The request's path. */
            path: string;
            /** @description When the answer was made (ISO 8601, milliseconds, UTC). */
            timestamp: string;
        };
        /** @description `{data, timestamp, path}`, as the client unwraps every JSON answer. */
        Envelope_UploadedExtension: {
            /** @description What an upload answers: `{extension}`. */
            data: {
                extension: components["schemas"]["ExtensionApiData"];
            };
            /** @description The request's path. */
            path: string;
            /** @description When the answer was made (ISO 8601, milliseconds, UTC). */
            timestamp: string;
        };
        /** @description `{data, timestamp, path}`, as the client unwraps every JSON answer. */
        Envelope_Value: {
            data: unknown;
            /** @description The request's path. */
            path: string;
            /** @description When the answer was made (ISO 8601, milliseconds, UTC). */
            timestamp: string;
        };
        /** @description `{data, timestamp, path}`, as the client unwraps every JSON answer. */
        Envelope_Vec_ExtensionApiData: {
            data: {
                changelog?: string | null;
                createdAt: string;
                description?: string | null;
                displayName?: string | null;
                /** @description `publisher.name`, as the clients compute it from package.json. */
                extensionId: string;
                /** @description The package's SHA-256. */
                fileId: string;
                homepage?: string | null;
                /**
                 * Format: uuid
                 * @description The server's id (the client's `externalId`): download and remove by it.
                 */
                id: string;
                keywords: string[];
                license?: string | null;
                name: string;
                publisher: string;
                /** @description `displayName`, else `name`: what the client shows. */
                qualifiedName: string;
                readme?: string | null;
                /** @description Always `org`. */
                scope: string;
                /** Format: int64 */
                size: number;
                updatedAt: string;
                version: string;
                /** @description What clients cope with but show poorly (e.g. no `displayName`). */
                warnings: components["schemas"]["FieldError"][];
                workspace: string;
            }[];
            /** @description The request's path. */
            path: string;
            /** @description When the answer was made (ISO 8601, milliseconds, UTC). */
            timestamp: string;
        };
        /** @description `{data, timestamp, path}`, as the client unwraps every JSON answer. */
        Envelope_Vec_LayoutApiData: {
            data: {
                /** @description ISO 8601 to the millisecond; the same text every time it is read. */
                createdAt: string;
                data: Record<string, never>;
                /**
                 * Format: uuid
                 * @description The server's id (the client's `externalId`).
                 */
                id: string;
                /** @description The client's id. */
                layoutId: string;
                name: string;
                /** @description `CREATOR_WRITE`, `ORG_READ` or `ORG_WRITE`. */
                permission: string;
                updatedAt: string;
                /**
                 * Format: int32
                 * @description How many times it was saved (Sora's addition).
                 */
                version: number;
                workspace: string;
            }[];
            /** @description The request's path. */
            path: string;
            /** @description When the answer was made (ISO 8601, milliseconds, UTC). */
            timestamp: string;
        };
        /** @description `{data, timestamp, path}`, as the client unwraps every JSON answer. */
        Envelope_Vec_LayoutVersionData: {
            data: {
                data: Record<string, never>;
                name: string;
                permission: string;
                savedAt: string;
                savedBy: string;
                /** Format: int32 */
                version: number;
            }[];
            /** @description The request's path. */
            path: string;
            /** @description When the answer was made (ISO 8601, milliseconds, UTC). */
            timestamp: string;
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
        /** @description An extension as the client reads it (`IExtensionApiResponse`). */
        ExtensionApiData: {
            changelog?: string | null;
            createdAt: string;
            description?: string | null;
            displayName?: string | null;
            /** @description `publisher.name`, as the clients compute it from package.json. */
            extensionId: string;
            /** @description The package's SHA-256. */
            fileId: string;
            homepage?: string | null;
            /**
             * Format: uuid
             * @description The server's id (the client's `externalId`): download and remove by it.
             */
            id: string;
            keywords: string[];
            license?: string | null;
            name: string;
            publisher: string;
            /** @description `displayName`, else `name`: what the client shows. */
            qualifiedName: string;
            readme?: string | null;
            /** @description Always `org`. */
            scope: string;
            /** Format: int64 */
            size: number;
            updatedAt: string;
            version: string;
            /** @description What clients cope with but show poorly (e.g. no `displayName`). */
            warnings: components["schemas"]["FieldError"][];
            workspace: string;
        };
        /** @description One extension with every version, newest first (semver order). */
        ExtensionDetails: components["schemas"]["ExtensionSummary"] & {
            hidden: boolean;
            versions: components["schemas"]["VersionInfo"][];
        };
        ExtensionDownloads: {
            extension_id: string;
            /**
             * Format: int64
             * @description In the 30 UTC days ending today.
             */
            last_30_days: number;
            /** Format: int64 */
            total: number;
        };
        /** @description An extension as listed: its latest version's metadata. */
        ExtensionSummary: {
            description?: string | null;
            display_name?: string | null;
            /** @description Absolute URL of the latest version's `.foxe`. */
            download_url?: string | null;
            /**
             * Format: int64
             * @description Downloads of every version.
             */
            downloads: number;
            featured: boolean;
            homepage?: string | null;
            /** @description `publisher.name`. */
            id: string;
            keywords: string[];
            license?: string | null;
            name: string;
            publisher: string;
            /** @description An administrator marked the publisher's namespace verified. */
            publisher_verified: boolean;
            sha256?: string | null;
            /** Format: int64 */
            size?: number | null;
            /** Format: date-time */
            updated_at: string;
            /**
             * @description The latest version that is not yanked (a pre-release only if there is
             *     no release); null when every version is yanked.
             */
            version?: string | null;
            /**
             * @description What clients cope with but show poorly (e.g. no `displayName`);
             *     empty for most.
             */
            warnings: components["schemas"]["FieldError"][];
        };
        /** @description The multipart form the client sends. */
        ExtensionUpload: {
            /** @description The id the client computed; refused when it is not the package's. */
            extensionId?: string | null;
            /**
             * Format: binary
             * @description The `.foxe`.
             */
            file: string;
        };
        /** @description What is wrong with one field of an input, and how to fix it. */
        FieldError: {
            field: string;
            message: string;
        };
        /** @description One thing the scan found. */
        Finding: {
            /** @description Up to 120 characters around what matched. */
            excerpt: string;
            /** @description The entry of the package. */
            file: string;
            /** @description 1-based; 0 for the whole file. */
            line: number;
            message: string;
            /** @description e.g. `remote-import`, `eval`, `obfuscated`. */
            rule: string;
            severity: components["schemas"]["Severity"];
        };
        Health: {
            service: string;
            status: string;
            version: string;
        };
        /** @description A version held for review, as its reviewers see it. */
        HeldVersion: {
            appeal?: string | null;
            /** Format: date-time */
            appealed_at?: string | null;
            extension_id: string;
            /** Format: date-time */
            published_at: string;
            published_by: string;
            publisher: string;
            scan_findings: components["schemas"]["Finding"][];
            version: string;
        };
        /** @description The key that signs `marketplace.json`. */
        IndexKey: {
            /** @description The first 16 hex digits of the SHA-256 of the raw key. */
            id: string;
            /** @description The raw 32-byte Ed25519 public key, base64. */
            public_key: string;
        };
        /** @description What admin-api asks, once it has verified a CI job's OIDC token. */
        JobIdentity: {
            environment?: string | null;
            /** Format: int64 */
            expires_at: number;
            issuer: string;
            /**
             * @description The OIDC token's id and expiry (Unix seconds): a token is
             *     exchanged once.
             */
            jti: string;
            /** @description The namespace asked for, when the job matches several. */
            publisher?: string | null;
            repository_id: string;
            workflow: string;
        };
        /** @description A layout as the client reads it (`LayoutApiData`). */
        LayoutApiData: {
            /** @description ISO 8601 to the millisecond; the same text every time it is read. */
            createdAt: string;
            data: Record<string, never>;
            /**
             * Format: uuid
             * @description The server's id (the client's `externalId`).
             */
            id: string;
            /** @description The client's id. */
            layoutId: string;
            name: string;
            /** @description `CREATOR_WRITE`, `ORG_READ` or `ORG_WRITE`. */
            permission: string;
            updatedAt: string;
            /**
             * Format: int32
             * @description How many times it was saved (Sora's addition).
             */
            version: number;
            workspace: string;
        };
        /** @description Changes to a layout; what is absent stays. */
        LayoutChange: {
            data?: Record<string, never> | null;
            name?: string | null;
            permission?: string | null;
        };
        LayoutSummary: {
            /** Format: date-time */
            created_at: string;
            description: string;
            /** @description Absolute URL of the layout document. */
            download_url: string;
            /** Format: int64 */
            downloads: number;
            /** Format: uuid */
            id: string;
            name: string;
            /** @description Panel types the layout places, e.g. `3D`, `Plot`. */
            panels: string[];
            sha256: string;
            /** Format: int64 */
            size: number;
            tags: string[];
            /** @description Topics its panels reference. */
            topics: string[];
            /** Format: date-time */
            updated_at: string;
        };
        /** @description One saved state of a layout. */
        LayoutVersionData: {
            data: Record<string, never>;
            name: string;
            permission: string;
            savedAt: string;
            savedBy: string;
            /** Format: int32 */
            version: number;
        };
        /** @description One entry of the Foxglove extension-marketplace index. */
        MarketplaceEntry: {
            changelog: string;
            description: string;
            foxe: string;
            homepage: string;
            id: string;
            keywords: string[];
            license: string;
            name: string;
            publisher: string;
            /**
             * @description Sora's own field (loaders ignore what they do not know): an
             *     administrator marked the publisher's namespace verified.
             */
            publisherVerified: boolean;
            readme: string;
            sha256sum: string;
            /**
             * @description Sora's own: the publisher's signature of the latest version (base64
             *     Ed25519 of its SHA-256 digest), and the id of the key that made it.
             */
            signature?: string | null;
            signedBy?: string | null;
            version: string;
        };
        /** @description The registration the job matched. */
        MatchedPublisher: {
            added_by: string;
            publisher: string;
            /** Format: uuid */
            registration: string;
        };
        MemberRoleBody: {
            /** @description `reader`, `writer` or `owner`. */
            role: string;
        };
        MemberView: {
            /** Format: date-time */
            added_at: string;
            role: string;
            user_id: string;
        };
        /** @description Moderation flags of `PATCH /api/extensions/{id}`. */
        Moderation: {
            /** @description Admins only. */
            featured?: boolean | null;
            /**
             * @description The owner or an admin: hidden extensions leave the catalog and cannot
             *     be downloaded. An extension an admin hid stays hidden until an admin
             *     shows it again (403 for its owner).
             */
            hidden?: boolean | null;
        };
        /** @description A new layout, as the client sends it (fields it may add are ignored). */
        NewLayout: {
            /**
             * @description The layout: `configById`, and usually `layout`, `globalVariables`,
             *     `userNodes`, `playbackConfig` (a layout made in Lichtblick may have
             *     no `layout` yet).
             */
            data: Record<string, never>;
            layoutId: string;
            name: string;
            permission: string;
        };
        NewPublisherKey: {
            /**
             * @description A raw 32-byte Ed25519 public key, base64 (what `sora keys generate`
             *     prints).
             */
            public_key: string;
        };
        NewSession: {
            mcaps: components["schemas"]["SessionMcap"][];
        };
        NewTrustedPublisher: {
            /**
             * @description Only jobs of this deployment environment (recommended: one that
             *     needs a reviewer).
             */
            environment?: string | null;
            /** @description The OIDC issuer; GitHub Actions' when left out. */
            issuer?: string | null;
            /** @description `owner/name`, shown to people; matching is by id. */
            repository: string;
            /** @description The repository's numeric id (`gh api repos/OWNER/NAME --jq .id`). */
            repository_id: string;
            /** @description The workflow's file name, e.g. `release.yml`. */
            workflow: string;
        };
        NewWorkspace: {
            anonymous_read?: boolean;
            /** @description 1 to 63 of a-z, 0-9, `-` and `_` (what `?workspace=` carries). */
            name: string;
            /** @description The user (id) who owns it. */
            owner: string;
        };
        NotReady: components["schemas"]["Problem"] & {
            checks: {
                [key: string]: string;
            };
        };
        /** @description One page of a list. */
        Page_ExtensionSummary: {
            items: {
                description?: string | null;
                display_name?: string | null;
                /** @description Absolute URL of the latest version's `.foxe`. */
                download_url?: string | null;
                /**
                 * Format: int64
                 * @description Downloads of every version.
                 */
                downloads: number;
                featured: boolean;
                homepage?: string | null;
                /** @description `publisher.name`. */
                id: string;
                keywords: string[];
                license?: string | null;
                name: string;
                publisher: string;
                /** @description An administrator marked the publisher's namespace verified. */
                publisher_verified: boolean;
                sha256?: string | null;
                /** Format: int64 */
                size?: number | null;
                /** Format: date-time */
                updated_at: string;
                /**
                 * @description The latest version that is not yanked (a pre-release only if there is
                 *     no release); null when every version is yanked.
                 */
                version?: string | null;
                /**
                 * @description What clients cope with but show poorly (e.g. no `displayName`);
                 *     empty for most.
                 */
                warnings: components["schemas"]["FieldError"][];
            }[];
            /** Format: int32 */
            page: number;
            /** Format: int32 */
            per_page: number;
            /**
             * Format: int64
             * @description Items in the whole list.
             */
            total: number;
        };
        /** @description One page of a list. */
        Page_LayoutSummary: {
            items: {
                /** Format: date-time */
                created_at: string;
                description: string;
                /** @description Absolute URL of the layout document. */
                download_url: string;
                /** Format: int64 */
                downloads: number;
                /** Format: uuid */
                id: string;
                name: string;
                /** @description Panel types the layout places, e.g. `3D`, `Plot`. */
                panels: string[];
                sha256: string;
                /** Format: int64 */
                size: number;
                tags: string[];
                /** @description Topics its panels reference. */
                topics: string[];
                /** Format: date-time */
                updated_at: string;
            }[];
            /** Format: int32 */
            page: number;
            /** Format: int32 */
            per_page: number;
            /**
             * Format: int64
             * @description Items in the whole list.
             */
            total: number;
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
        /**
         * @description Where a version published by trusted publishing was built: the
         *     registration its OIDC token matched, and the job, as the CI's issuer
         *     vouched for it (`docs/security.md`, "Trusted publishing").
         */
        Provenance: {
            /** @description The commit built. */
            commit: string;
            environment?: string | null;
            /** @description The OIDC issuer, e.g. `https://token.actions.githubusercontent.com`. */
            issuer: string;
            /**
             * Format: uuid
             * @description The trusted publisher (registration) the token matched.
             */
            registration: string;
            /** @description `owner/name` when the job ran, and the repository's immutable id. */
            repository: string;
            repository_id: string;
            /** @description The run, and its page when the issuer is GitHub's. */
            run_id: string;
            run_url?: string | null;
            /** @description The workflow, e.g. `acme/lidar/.github/workflows/release.yml@refs/tags/v1.2.0`. */
            workflow_ref: string;
        };
        /** @description A version just published, with what the pre-publish scan found in it. */
        Published: components["schemas"]["ExtensionDetails"] & {
            /**
             * @description Held for review (202): the version is stored but not listed,
             *     downloaded or announced until an admin releases it; the publisher may
             *     appeal (`POST …/versions/{version}/appeal`).
             */
            held: boolean;
            /**
             * @description The scan's findings (severity `high`: code loaded from the network,
             *     obfuscation; `warning`: eval, new Function; `info`), most severe first.
             */
            scan: components["schemas"]["Finding"][];
        };
        PublisherChange: {
            /** @description Owners and admins: refuse packages not signed with one of its keys. */
            require_signatures?: boolean | null;
            /** @description Admins only: the namespace's verified mark. */
            verified?: boolean | null;
        };
        PublisherDetails: components["schemas"]["PublisherSummary"] & {
            /** @description The ids of its extensions in the catalog. */
            extensions: string[];
            /** @description Its members, for its members and admins; empty for anyone else. */
            members: components["schemas"]["MemberView"][];
        };
        /** @description A namespace's public key. */
        PublisherKey: {
            /** Format: date-time */
            created_at: string;
            /** @description The first 16 hex digits of the SHA-256 of the raw key. */
            id: string;
            /** @description The raw 32-byte Ed25519 public key, base64. */
            public_key: string;
            /**
             * Format: date-time
             * @description When it was revoked: what it signed no longer verifies, and it signs
             *     nothing new.
             */
            revoked_at?: string | null;
        };
        PublisherMemberBody: {
            /** @description `owner` or `contributor`. */
            role: string;
        };
        /** @description A namespace, with the caller's role in it. */
        PublisherSummary: {
            /** Format: date-time */
            created_at: string;
            id: string;
            /** @description Only packages signed with one of its keys are published under it. */
            require_signatures: boolean;
            /** @description The caller's role: `owner`, `contributor`, or null. */
            role?: string | null;
            /** @description An administrator checked who is behind it. */
            verified: boolean;
            /** Format: date-time */
            verified_at?: string | null;
        };
        Readiness: {
            /** @description Each dependency: `ok`, or why it failed. */
            checks: {
                [key: string]: string;
            };
            /** @description `ready`, or absent on a problem response. */
            status: string;
        };
        /** @description The body of a release or an appeal. */
        Review: {
            /** @description Why (1 to 2,000 characters): kept in the audit log. */
            reason: string;
        };
        /** @description The answer of the scan route. */
        ScanReport: {
            findings: components["schemas"]["Finding"][];
        };
        /** @description What `GET /internal/summary` answers. */
        ServiceSummary: {
            /** @description The service's own figures; null when it has none. */
            details?: Record<string, never> | null;
            events: components["schemas"]["EventSummary"];
            service: string;
        };
        /** @description What `GET session/{id}` answers (`SessionResponse`). */
        SessionData: {
            mcaps: components["schemas"]["SessionMcap"][];
        };
        /** @description One recording of a session. */
        SessionMcap: {
            /**
             * @description Anything the client shows or uses; `topics` (strings) also tells
             *     `default_data` what the recording holds.
             */
            metadata?: Record<string, never>;
            /** @description Where the client reads it (http or https). */
            url: string;
        };
        /** @enum {string} */
        Severity: "info" | "warning" | "high";
        /**
         * @description An Ed25519 signature of a package's SHA-256 digest (base64), and the id
         *     of the key (`GET /api/publishers/{publisher}/keys`) that made it.
         */
        Signature: {
            key_id: string;
            signature: string;
        };
        /** @description A CI identity that may publish under the namespace. */
        TrustedPublisher: {
            /** @description The owner who registered it; the tokens it yields act as them. */
            added_by: string;
            /** Format: date-time */
            created_at: string;
            /** @description The deployment environment the job must run in; null: any. */
            environment?: string | null;
            /** Format: uuid */
            id: string;
            issuer: string;
            /** @description `owner/name`, as registered: shown, not matched. */
            repository: string;
            /**
             * @description The repository's id (GitHub: `repository_id`), which a re-created
             *     repository of the same name does not have.
             */
            repository_id: string;
            /** @description The workflow's file name under `.github/workflows`. */
            workflow: string;
        };
        /** @description What an upload answers: `{extension}`. */
        UploadedExtension: {
            extension: components["schemas"]["ExtensionApiData"];
        };
        VersionInfo: {
            download_url: string;
            /** Format: int64 */
            downloads: number;
            provenance?: components["schemas"]["Provenance"] | null;
            /** Format: date-time */
            published_at: string;
            sha256: string;
            signature?: components["schemas"]["Signature"] | null;
            /** Format: int64 */
            size: number;
            version: string;
            yanked: boolean;
        };
        WorkspaceChange: {
            anonymous_read?: boolean | null;
            /**
             * Format: uuid
             * @description A shared layout of the workspace that `default_data` answers with;
             *     null clears it.
             */
            default_layout?: string | null;
            /** @description `owner` or `writer`: who uploads the workspace's extensions. */
            extension_uploaders?: string | null;
        };
        WorkspaceDetails: components["schemas"]["WorkspaceSummary"] & {
            /** Format: date-time */
            created_at: string;
            created_by: string;
            /**
             * @description Downloads of the workspace's extensions through Lichtblick, per
             *     extension id (also one removed since); never in public statistics.
             */
            extension_downloads: components["schemas"]["ExtensionDownloads"][];
            /**
             * @description `owner` or `writer`: the least role that uploads and removes the
             *     workspace's extensions (whose code runs in every member's
             *     Lichtblick). `owner` unless an owner chose otherwise.
             */
            extension_uploaders: string;
            members: components["schemas"]["MemberView"][];
        };
        /** @description A workspace, with the caller's role in it. */
        WorkspaceSummary: {
            anonymous_read: boolean;
            /** Format: uuid */
            default_layout?: string | null;
            name: string;
            /**
             * @description The caller's role: `reader`, `writer`, `owner`, or null (an admin
             *     who is not a member).
             */
            role?: string | null;
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
    list_extensions: {
        parameters: {
            query?: {
                /** @description Only featured (or only not featured) extensions. */
                featured?: boolean;
                /** @description Only extensions with this keyword. */
                keyword?: string;
                page?: number;
                /** @description Values above 100 are served as 100. */
                per_page?: number;
                /** @description Only extensions of this publisher. */
                publisher?: string;
                /**
                 * @description Words to look for in name, display name, publisher, keywords and
                 *     description; tolerant of typos.
                 */
                q?: string;
                /**
                 * @description `downloads` (default without `q`), `updated`, `name`, or `relevance`
                 *     (default with `q`).
                 */
                sort?: string;
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
                    "application/json": components["schemas"]["Page_ExtensionSummary"];
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
    publish_extension: {
        parameters: {
            query?: {
                /**
                 * @description Admins only: publish a new id even though it is one edit away from
                 *     another publisher's extension.
                 */
                allow_similar?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description the .foxe archive */
        requestBody: {
            content: {
                "application/octet-stream": number[];
                "application/zip": number[];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Published"];
                };
            };
            /** @description held for review (scan_policy = hold) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Published"];
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
            /** @description conflicts with the current state */
            409: {
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
            /** @description too many requests: retry after `Retry-After` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get_extension: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description `publisher.name` */
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
                    "application/json": components["schemas"]["ExtensionDetails"];
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
    moderate_extension: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description `publisher.name` */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Moderation"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExtensionDetails"];
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
            /** @description no such resource */
            404: {
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
    changelog: {
        parameters: {
            query?: {
                /** @description A version; the latest when absent. */
                version?: string;
            };
            header?: never;
            path: {
                /** @description `publisher.name` */
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
                    "text/markdown": string;
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
    download_latest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description `publisher.name` */
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
                    "application/zip": number[];
                };
            };
            /** @description the requested byte range */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the file is served from another address (S3 redirects) */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the client's copy is current */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
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
            /** @description the range is outside the file */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    readme: {
        parameters: {
            query?: {
                /** @description A version; the latest when absent. */
                version?: string;
            };
            header?: never;
            path: {
                /** @description `publisher.name` */
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
                    "text/markdown": string;
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
    yank_version: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description `publisher.name` */
                id: string;
                /** @description a semantic version */
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description yanked */
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
    appeal_version: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Review"];
            };
        };
        responses: {
            /** @description appealed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
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
            /** @description no such resource */
            404: {
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
    download_version: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description `publisher.name` */
                id: string;
                /** @description a semantic version */
                version: string;
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
                    "application/zip": number[];
                };
            };
            /** @description the requested byte range */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the file is served from another address (S3 redirects) */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the client's copy is current */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
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
            /** @description the range is outside the file */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    release_version: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Review"];
            };
        };
        responses: {
            /** @description released */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
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
            /** @description no such resource */
            404: {
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
    scan_findings: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description `publisher.name` */
                id: string;
                /** @description a semantic version */
                version: string;
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
                    "application/json": components["schemas"]["ScanReport"];
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
    held_versions: {
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
                    "application/json": components["schemas"]["HeldVersion"][];
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
    index_keys: {
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
                    "application/json": components["schemas"]["IndexKey"][];
                };
            };
        };
    };
    marketplace_index: {
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
                    /** @description base64 Ed25519 signature of the body's SHA-256 digest */
                    "x-sora-signature"?: string;
                    /** @description the id of the key in marketplace-keys.json */
                    "x-sora-signing-key"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MarketplaceEntry"][];
                };
            };
        };
    };
    unlisted_extensions: {
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
                    "application/json": components["schemas"]["ExtensionDetails"][];
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
    list_layouts: {
        parameters: {
            query?: {
                page?: number;
                /** @description Only layouts with a panel of this type, e.g. `3D` or `Plot`. */
                panel?: string;
                /** @description Values above 100 are served as 100. */
                per_page?: number;
                /**
                 * @description Words to look for in name, description, tags, panels and topics;
                 *     tolerant of typos.
                 */
                q?: string;
                /**
                 * @description `downloads` (default without `q`), `updated`, `name`, or `relevance`
                 *     (default with `q`).
                 */
                sort?: string;
                /** @description Only layouts with this tag. */
                tag?: string;
                /** @description Only layouts that reference this topic, e.g. `/tf`. */
                topic?: string;
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
                    "application/json": components["schemas"]["Page_LayoutSummary"];
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
    publish_layout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewLayout"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LayoutSummary"];
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
            /** @description too many requests: retry after `Retry-After` seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    get_layout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the layout's id */
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
                    "application/json": components["schemas"]["LayoutSummary"];
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
    delete_layout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the layout's id */
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
    download_layout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the layout's id */
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
                    "application/json": Record<string, never>;
                };
            };
            /** @description the requested byte range */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the file is served from another address (S3 redirects) */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description the client's copy is current */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
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
            /** @description the range is outside the file */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    lichtblick_get_extension: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the extension's server id (the client's externalId) */
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
                    "application/json": components["schemas"]["Envelope_ExtensionApiData"];
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
    download_extension: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the extension's server id */
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
                    "application/zip": number[];
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
    update_layout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the layout's server id (the client's externalId) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LayoutChange"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_LayoutApiData"];
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
            /** @description no such resource */
            404: {
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
    layout_versions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the layout's server id */
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
                    "application/json": components["schemas"]["Envelope_Vec_LayoutVersionData"];
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
    restore_layout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the layout's server id */
                id: string;
                version: number;
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
                    "application/json": components["schemas"]["Envelope_LayoutApiData"];
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
    get_session: {
        parameters: {
            query?: never;
            header?: never;
            path: {
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
                    "application/json": components["schemas"]["Envelope_SessionData"];
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
    upload_extension: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workspace: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["ExtensionUpload"];
            };
        };
        responses: {
            /** @description replaced the extension of the same id */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_UploadedExtension"];
                };
            };
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_UploadedExtension"];
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
            /** @description no such resource */
            404: {
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
    remove_extension: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the extension's server id */
                id: string;
                workspace: string;
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
                    "application/json": components["schemas"]["Envelope_ExtensionApiData"];
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
    lichtblick_list_extensions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workspace: string;
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
                    "application/json": components["schemas"]["Envelope_Vec_ExtensionApiData"];
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
    create_layout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workspace: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewLayout"];
            };
        };
        responses: {
            /** @description saved again as a new version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_CreatedLayout"];
                };
            };
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_CreatedLayout"];
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
            /** @description no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description conflicts with the current state */
            409: {
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
    lichtblick_delete_layout: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description the layout's server id */
                id: string;
                workspace: string;
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
                    "application/json": components["schemas"]["Envelope_LayoutApiData"];
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
    lichtblick_list_layouts: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workspace: string;
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
                    "application/json": components["schemas"]["Envelope_Vec_LayoutApiData"];
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
    default_data: {
        parameters: {
            query?: {
                /** @description A session of this workspace: the topics its recordings' metadata list. */
                session?: string;
                /** @description The recording's topics, comma-separated. */
                topics?: string;
            };
            header?: never;
            path: {
                workspace: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    /** @description `workspace`, `recommendation` or `most-used` */
                    "x-sora-default-source"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_Value"];
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
    create_session: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                workspace: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewSession"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Envelope_CreatedSession"];
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
            /** @description no such resource */
            404: {
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
    list_publishers: {
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
                    "application/json": components["schemas"]["PublisherSummary"][];
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
    get_publisher: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                publisher: string;
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
                    "application/json": components["schemas"]["PublisherDetails"];
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
    update_publisher: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                publisher: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PublisherChange"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublisherDetails"];
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
            /** @description no such resource */
            404: {
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
    list_keys: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                publisher: string;
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
                    "application/json": components["schemas"]["PublisherKey"][];
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
    add_key: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                publisher: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewPublisherKey"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublisherKey"];
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
            /** @description no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description conflicts with the current state */
            409: {
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
    revoke_key: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key: string;
                publisher: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
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
    set_member: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                publisher: string;
                /** @description the user's id */
                user: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PublisherMemberBody"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PublisherDetails"];
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
            /** @description no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description conflicts with the current state */
            409: {
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
    remove_member: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                publisher: string;
                /** @description the user's id */
                user: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
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
            /** @description no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description conflicts with the current state */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    list_trusted_publishers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                publisher: string;
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
                    "application/json": components["schemas"]["TrustedPublisher"][];
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
    register_trusted_publisher: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                publisher: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewTrustedPublisher"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrustedPublisher"];
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
            /** @description no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description conflicts with the current state */
            409: {
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
    remove_trusted_publisher: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                publisher: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
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
    list_workspaces: {
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
                    "application/json": components["schemas"]["WorkspaceSummary"][];
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
    create_workspace: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewWorkspace"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkspaceDetails"];
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
            /** @description conflicts with the current state */
            409: {
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
    get_workspace: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
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
                    "application/json": components["schemas"]["WorkspaceDetails"];
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
    delete_workspace: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
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
    update_workspace: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WorkspaceChange"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkspaceDetails"];
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
            /** @description no such resource */
            404: {
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
    set_workspace_member: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the user's id */
                user: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MemberRoleBody"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkspaceDetails"];
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
            /** @description no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description conflicts with the current state */
            409: {
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
    remove_workspace_member: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                /** @description the user's id */
                user: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
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
            /** @description no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description conflicts with the current state */
            409: {
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
    match_trusted_publisher: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["JobIdentity"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MatchedPublisher"];
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
            /** @description no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description conflicts with the current state */
            409: {
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
