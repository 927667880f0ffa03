//! Extensions and their versions.

use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::domain::ids::ExtensionId;
use crate::domain::package::Package;

/// An extension as stored: its latest version's metadata is copied onto it.
#[derive(Debug)]
pub struct ExtensionRow {
    pub id: String,
    pub publisher: String,
    pub name: String,
    pub owner: String,
    pub latest_version: Option<String>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub keywords: Vec<String>,
    pub license: Option<String>,
    pub homepage: Option<String>,
    pub downloads: i64,
    pub featured: bool,
    pub hidden: bool,
    pub updated_at: OffsetDateTime,
    /// An administrator marked its publisher verified.
    pub publisher_verified: bool,
}

#[derive(Debug)]
pub struct VersionRow {
    pub extension_id: String,
    pub version: String,
    pub sha256: String,
    pub size: i64,
    pub storage_key: String,
    pub published_at: OffsetDateTime,
    pub yanked: bool,
    pub downloads: i64,
    pub has_readme: bool,
    pub has_changelog: bool,
    pub signature: Option<String>,
    pub signed_by: Option<String>,
    /// Held for review: not listed, downloaded or announced until released.
    pub held: bool,
    /// Trusted publishing's record of where it was built.
    pub provenance: Option<serde_json::Value>,
}

/// The extensions named by `ids`, or all of them.
pub async fn load(
    conn: &mut PgConnection,
    ids: Option<&[String]>,
) -> sqlx::Result<Vec<ExtensionRow>> {
    sqlx::query_as!(
        ExtensionRow,
        r#"SELECT id, publisher, name, owner, latest_version, display_name, description, keywords,
                license, homepage, downloads, featured, hidden, updated_at,
                coalesce((SELECT p.verified FROM publishers p WHERE p.id = publisher), false)
                    AS "publisher_verified!"
         FROM extensions WHERE $1::text[] IS NULL OR id = ANY($1)"#,
        ids as Option<&[String]>
    )
    .fetch_all(conn)
    .await
}

/// The versions of the extensions named by `ids`, or of all of them.
pub async fn load_versions(
    conn: &mut PgConnection,
    ids: Option<&[String]>,
) -> sqlx::Result<Vec<VersionRow>> {
    sqlx::query_as!(
        VersionRow,
        r#"SELECT extension_id, version, sha256, size, storage_key, published_at, yanked, downloads,
                readme IS NOT NULL AS "has_readme!", changelog IS NOT NULL AS "has_changelog!",
                signature, signed_by, held, provenance
         FROM extension_versions WHERE $1::text[] IS NULL OR extension_id = ANY($1)"#,
        ids as Option<&[String]>
    )
    .fetch_all(conn)
    .await
}

/// The README.md (`changelog` false) or CHANGELOG.md of one version.
pub async fn document(
    conn: &mut PgConnection,
    id: &ExtensionId,
    version: &str,
    changelog: bool,
) -> sqlx::Result<Option<String>> {
    let text = sqlx::query_scalar!(
        "SELECT CASE WHEN $3 THEN changelog ELSE readme END
         FROM extension_versions WHERE extension_id = $1 AND version = $2",
        id.as_str(),
        version,
        changelog
    )
    .fetch_optional(conn)
    .await?;
    Ok(text.flatten())
}

/// What a change to an extension depends on, read under a row lock.
pub struct Locked {
    pub owner: String,
    /// The publisher of its package (the part of the id before the name).
    pub publisher: String,
    pub hidden: bool,
    pub featured: bool,
    /// `moderator` or `owner` while hidden.
    pub hidden_by: Option<String>,
}

/// `id`'s owner and state, locked for this transaction.
pub async fn lock(conn: &mut PgConnection, id: &ExtensionId) -> sqlx::Result<Option<Locked>> {
    sqlx::query_as!(
        Locked,
        "SELECT owner, publisher, hidden, featured, hidden_by FROM extensions WHERE id = $1 FOR UPDATE",
        id.as_str()
    )
    .fetch_optional(conn)
    .await
}

/// `(id, publisher)` of the extensions whose id is within one character of
/// `length` long: the candidates a new id could imitate.
pub async fn ids_near_length(
    conn: &mut PgConnection,
    length: i32,
) -> sqlx::Result<Vec<(String, String)>> {
    let rows = sqlx::query!(
        "SELECT id, publisher FROM extensions WHERE char_length(id) BETWEEN $1 - 1 AND $1 + 1",
        length
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.publisher)).collect())
}

/// Creates the extension of `package`, owned by `owner`; false when another
/// request created it first (this one waited for it to commit).
pub async fn insert(conn: &mut PgConnection, package: &Package, owner: &str) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "INSERT INTO extensions (id, publisher, name, owner) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO NOTHING",
        package.id.as_str(),
        package.publisher,
        package.name,
        owner
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// A published file: what the server computed of the bytes it stored.
pub struct StoredPackage<'a> {
    pub sha256: &'a str,
    pub size: i64,
    pub storage_key: &'a str,
    /// The publisher's signature (base64) and the id of the key that made it.
    pub signature: Option<(&'a str, &'a str)>,
    /// What the pre-publish scan found.
    pub findings: &'a [sora_package::scan::Finding],
    /// Held for review (the scan policy `hold`).
    pub held: bool,
    /// Where trusted publishing says it was built.
    pub provenance: Option<&'a sora_common::auth::Provenance>,
}

/// Adds `package`'s version; false when that version exists already.
pub async fn insert_version(
    conn: &mut PgConnection,
    package: &Package,
    file: &StoredPackage<'_>,
    published_by: &str,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query!(
        "INSERT INTO extension_versions (extension_id, version, display_name, description, keywords,
            license, homepage, sha256, size, storage_key, readme, changelog, published_by,
            signature, signed_by, scan_findings, held, provenance)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
         ON CONFLICT (extension_id, version) DO NOTHING",
        package.id.as_str(),
        package.version.to_string(),
        package.display_name,
        package.description,
        &package.keywords,
        package.license,
        package.homepage,
        file.sha256,
        file.size,
        file.storage_key,
        package.readme,
        package.changelog,
        published_by,
        file.signature.map(|(signature, _)| signature),
        file.signature.map(|(_, key)| key),
        serde_json::to_value(file.findings).unwrap_or_default(),
        file.held,
        file.provenance
            .map(|p| serde_json::to_value(p).unwrap_or_default())
    )
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Every version of `id` with whether it is out of "latest" (yanked or held).
pub async fn version_states(
    conn: &mut PgConnection,
    id: &ExtensionId,
) -> sqlx::Result<Vec<(String, bool)>> {
    // A held version is out of "latest" as a yanked one is.
    let rows = sqlx::query!(
        r#"SELECT version, yanked OR held AS "out!" FROM extension_versions WHERE extension_id = $1"#,
        id.as_str()
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.version, r.out)).collect())
}

/// Points `id` at `latest` (or at none) and copies that version's metadata
/// onto the extension for listing.
pub async fn set_latest(
    conn: &mut PgConnection,
    id: &ExtensionId,
    latest: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE extensions e SET
            latest_version = v.version, display_name = v.display_name, description = v.description,
            keywords = coalesce(v.keywords, '{}'), license = v.license, homepage = v.homepage,
            sha256 = v.sha256, size = v.size, updated_at = now()
         FROM (SELECT $1::text AS id) target
         LEFT JOIN extension_versions v ON v.extension_id = target.id AND v.version = $2
         WHERE e.id = target.id",
        id.as_str(),
        latest
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Yanks one version: `None` when there is no such version, else whether it
/// was not yanked before.
pub async fn yank(
    conn: &mut PgConnection,
    id: &ExtensionId,
    version: &str,
) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar!(
        r#"UPDATE extension_versions v SET yanked = true
         FROM extension_versions old
         WHERE v.extension_id = $1 AND v.version = $2
           AND old.extension_id = v.extension_id AND old.version = v.version
         RETURNING NOT old.yanked AS "newly_yanked!""#,
        id.as_str(),
        version
    )
    .fetch_optional(conn)
    .await
}

/// Sets the moderation flags given; hiding records `by` (`moderator` or
/// `owner`), showing clears it.
pub async fn moderate(
    conn: &mut PgConnection,
    id: &ExtensionId,
    featured: Option<bool>,
    hidden: Option<bool>,
    by: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE extensions SET featured = coalesce($2, featured), hidden = coalesce($3, hidden),
                hidden_by = CASE WHEN $3 IS NULL THEN hidden_by WHEN $3 THEN $4 ELSE NULL END,
                updated_at = now()
         WHERE id = $1",
        id.as_str(),
        featured,
        hidden,
        by
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The catalog's figures for admin-api's overview.
pub struct CatalogFigures {
    pub extensions: i64,
    pub extension_versions: i64,
    pub layouts: i64,
    pub downloads: i64,
    pub downloads_today: i64,
}

pub async fn figures(conn: &mut PgConnection) -> sqlx::Result<CatalogFigures> {
    sqlx::query_as!(
        CatalogFigures,
        r#"SELECT
            (SELECT count(*) FROM extensions WHERE NOT hidden AND latest_version IS NOT NULL) AS "extensions!",
            (SELECT count(*) FROM extension_versions) AS "extension_versions!",
            (SELECT count(*) FROM layouts) AS "layouts!",
            (SELECT coalesce(sum(count), 0)::bigint FROM downloads_daily) AS "downloads!",
            (SELECT coalesce(sum(count), 0)::bigint FROM downloads_daily
              WHERE day = (now() AT TIME ZONE 'UTC')::date) AS "downloads_today!""#
    )
    .fetch_one(conn)
    .await
}

/// What the pre-publish scan found in `id` `version`; None when there is no
/// such version.
pub async fn scan_findings(
    conn: &mut PgConnection,
    id: &ExtensionId,
    version: &str,
) -> sqlx::Result<Option<serde_json::Value>> {
    sqlx::query_scalar!(
        "SELECT scan_findings FROM extension_versions WHERE extension_id = $1 AND version = $2",
        id.as_str(),
        version
    )
    .fetch_optional(conn)
    .await
}

/// A version held for review, as its reviewers see it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct HeldVersion {
    pub extension_id: String,
    pub publisher: String,
    pub version: String,
    pub published_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub published_at: OffsetDateTime,
    #[schema(value_type = Vec<sora_package::scan::Finding>)]
    pub scan_findings: serde_json::Value,
    pub appeal: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub appealed_at: Option<OffsetDateTime>,
}

/// Versions held for review, of `publishers` (None: of every publisher).
pub async fn held(
    conn: &mut PgConnection,
    publishers: Option<&[String]>,
) -> sqlx::Result<Vec<HeldVersion>> {
    sqlx::query_as!(
        HeldVersion,
        "SELECT v.extension_id, e.publisher, v.version, v.published_by, v.published_at,
                v.scan_findings, v.appeal, v.appealed_at
         FROM extension_versions v JOIN extensions e ON e.id = v.extension_id
         WHERE v.held AND ($1::text[] IS NULL OR e.publisher = ANY($1))
         ORDER BY v.published_at",
        publishers as Option<&[String]>
    )
    .fetch_all(conn)
    .await
}

/// Releases a held version; false when it is not held (or not there).
pub async fn release(
    conn: &mut PgConnection,
    id: &ExtensionId,
    version: &str,
    admin: &str,
    reason: &str,
) -> sqlx::Result<bool> {
    let released = sqlx::query!(
        "UPDATE extension_versions
         SET held = false, released_by = $3, released_at = now(), release_reason = $4
         WHERE extension_id = $1 AND version = $2 AND held",
        id.as_str(),
        version,
        admin,
        reason
    )
    .execute(conn)
    .await?;
    Ok(released.rows_affected() == 1)
}

/// Records the publisher's appeal of a held version; false when it is not held.
pub async fn appeal(
    conn: &mut PgConnection,
    id: &ExtensionId,
    version: &str,
    message: &str,
) -> sqlx::Result<bool> {
    let appealed = sqlx::query!(
        "UPDATE extension_versions SET appeal = $3, appealed_at = now()
         WHERE extension_id = $1 AND version = $2 AND held",
        id.as_str(),
        version,
        message
    )
    .execute(conn)
    .await?;
    Ok(appealed.rows_affected() == 1)
}

/// What `sora.extension.published.v1` says of a released version.
pub struct Announced {
    pub publisher: String,
    pub name: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub keywords: Vec<String>,
    pub sha256: String,
    pub size: i64,
}

pub async fn announced(
    conn: &mut PgConnection,
    id: &ExtensionId,
    version: &str,
) -> sqlx::Result<Option<Announced>> {
    sqlx::query_as!(
        Announced,
        "SELECT e.publisher, e.name, v.display_name, v.description, v.keywords, v.sha256, v.size
         FROM extension_versions v JOIN extensions e ON e.id = v.extension_id
         WHERE v.extension_id = $1 AND v.version = $2",
        id.as_str(),
        version
    )
    .fetch_optional(conn)
    .await
}
