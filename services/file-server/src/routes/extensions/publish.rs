//! `POST /api/extensions`: publishing a version, and the rules a new id
//! must pass (its publisher's namespace, typosquats).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use sora_common::ApiError;
use sora_common::auth::{Role, Scope, ScopedEditor};
use sora_common::body::BodyRules;
use sora_common::error::FieldError;
use sora_common::events::types::ExtensionPublished;
use sora_common::extract::Query;
use sora_common::problems;
use sora_package::scan::{self, Finding, Severity};
use sora_package::signing;
use sqlx::PgConnection;

use super::{enqueue, not_found, refresh_latest};
use crate::catalog::Changes;
use crate::catalog::views::ExtensionDetails;
use crate::config::ScanPolicy;
use crate::db;
use crate::db::extensions::StoredPackage;
use crate::domain::ownership::typosquat_of;
use crate::domain::package::{self, Package};
use crate::routes::publishers;

use crate::state::{AppState, created};

/// A version just published, with what the pre-publish scan found in it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Published {
    #[serde(flatten)]
    pub details: ExtensionDetails,
    /// Held for review (202): the version is stored but not listed,
    /// downloaded or announced until an admin releases it; the publisher may
    /// appeal (`POST …/versions/{version}/appeal`).
    pub held: bool,
    /// The scan's findings (severity `high`: code loaded from the network,
    /// obfuscation; `warning`: eval, new Function; `info`), most severe first.
    pub scan: Vec<Finding>,
}

/// Query of `POST /api/extensions`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PublishQuery {
    /// Admins only: publish a new id even though it is one edit away from
    /// another publisher's extension.
    pub allow_similar: Option<bool>,
}

/// Publish a version: the raw `.foxe` is the body (editor role; a personal
/// access token needs `publish:<publisher>` or `publish:*`). It is
/// validated completely before anything is stored.
#[utoipa::path(post, path = "/api/extensions", tag = "extensions", params(PublishQuery),
    request_body(description = "the .foxe archive", content(
        (Vec<u8> = "application/zip"),
        (Vec<u8> = "application/octet-stream"),
    )),
    security(("bearer" = [])), responses(
    (status = 201, body = Published),
    (status = 202, description = "held for review (scan_policy = hold)", body = Published),
    problems::JsonBody, problems::SignedIn, problems::Conflict, problems::RateLimited,
))]
pub async fn publish_extension(
    ScopedEditor(claims): ScopedEditor,
    req: HttpRequest,
    query: Query<PublishQuery>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let remaining = state.take_publish(&claims)?;
    let rules = BodyRules {
        media_types: &["application/zip", "application/octet-stream"],
        limit: state.max_upload_bytes,
        gzip: false,
        required: Some("package"),
    };
    let body = sora_common::body::read(&req, payload, &rules).await?;
    let limits = state.limits;
    let (validated, findings, body) = tokio::task::spawn_blocking(move || {
        let validated = package::validate(&body, limits);
        let findings = validated
            .as_ref()
            .map(|_| scan::scan_package(&body))
            .unwrap_or_default();
        (validated, findings, body)
    })
    .await
    .map_err(ApiError::internal)?;
    let package = validated.map_err(|refused| ApiError::Validation(refused.0))?;
    let alarming = scan::worst(&findings) == Some(Severity::High);
    let held = alarming && state.scan_policy == ScanPolicy::Hold;
    if alarming && state.scan_policy == ScanPolicy::Refuse {
        return Err(ApiError::Validation(
            findings
                .iter()
                .filter(|f| f.severity == Severity::High)
                .map(|f| {
                    FieldError::new(
                        format!("{}:{}", f.file, f.line),
                        format!("{}: {} ({})", f.rule, f.message, f.excerpt),
                    )
                })
                .collect(),
        ));
    }
    claims.require_scope(&Scope::publish(&package.publisher))?;
    let signature = checked_signature(&req, &state, &package, &body).await?;
    let object = state.store(body).await?;

    let allow_similar = query.allow_similar == Some(true) && claims.role == Role::Admin;
    let mut tx = state.db.begin().await?;
    // The namespace: the first publish under a name claims it; from then on
    // its members publish under it.
    db::publishers::claim(&mut tx, &package.publisher, &claims.sub).await?;
    publishers::require_publisher(&mut tx, &claims, &package.publisher).await?;
    if db::extensions::lock(&mut tx, &package.id).await?.is_none() {
        check_new_id(&mut tx, &package, allow_similar).await?;
        // Another request may have created it meanwhile (its commit is
        // visible now): then this is one more version of it.
        db::extensions::insert(&mut tx, &package, &claims.sub).await?;
    }
    let file = StoredPackage {
        sha256: &object.sha256,
        size: object.size,
        storage_key: &object.key,
        signature: signature
            .as_ref()
            .map(|(signature, key)| (signature.as_str(), key.as_str())),
        findings: &findings,
        held,
        provenance: claims.provenance.as_ref(),
    };
    if !db::extensions::insert_version(&mut tx, &package, &file, &claims.sub).await? {
        return Err(ApiError::Conflict(format!(
            "{} {} is already published; publish a new version",
            package.id, package.version
        )));
    }
    refresh_latest(&mut tx, &package.id).await?;
    if held {
        // Announced (and so audited as published, indexed, counted) when
        // an admin releases it.
        crate::routes::audit(
            &mut tx,
            &state,
            &claims.sub,
            "extension.held",
            ("extension", package.id.to_string()),
            serde_json::json!({
                "version": package.version.to_string(),
                "rules": findings.iter().filter(|f| f.severity == Severity::High)
                    .map(|f| f.rule.as_str()).collect::<Vec<_>>(),
            }),
        )
        .await?;
    } else {
        enqueue(
            &mut tx,
            &state,
            &ExtensionPublished {
                id: package.id.to_string(),
                version: package.version.to_string(),
                publisher: package.publisher.clone(),
                name: package.name.clone(),
                display_name: package.display_name.clone(),
                description: package.description.clone(),
                keywords: package.keywords.clone(),
                sha256: object.sha256.clone(),
                size: object.size as u64,
                actor: claims.sub.clone(),
            },
        )
        .await?;
    }
    state.commit(tx, &Changes::extension(&package.id)).await?;
    tracing::info!(id = %package.id, version = %package.version, "extension published");
    let snapshot = state.catalog.snapshot();
    let entry = snapshot
        .extension(&package.id)
        .ok_or_else(|| not_found(&package.id))?;
    let answer = Published {
        details: entry.details(state.catalog.base_url()),
        held,
        scan: findings,
    };
    if held {
        return Ok(HttpResponse::Accepted().json(answer));
    }
    Ok(created(
        format!("/api/extensions/{}", package.id),
        answer,
        remaining,
    ))
}

/// A new id must not imitate another publisher's (an admin may allow it).
async fn check_new_id(
    conn: &mut PgConnection,
    package: &Package,
    allow_similar: bool,
) -> Result<(), ApiError> {
    if allow_similar {
        return Ok(());
    }
    let length = i32::try_from(package.id.as_str().chars().count()).unwrap_or(i32::MAX);
    let candidates = db::extensions::ids_near_length(conn, length).await?;
    let existing = candidates.iter().map(|(id, p)| (id.as_str(), p.as_str()));
    if let Some(similar) = typosquat_of(&package.id, &package.publisher, existing) {
        return Err(ApiError::Validation(vec![FieldError::new(
            "package.json.name",
            format!(
                "`{}` is one character away from `{similar}` by another publisher; \
                 choose a clearly different name (an admin can allow it)",
                package.id
            ),
        )]));
    }
    Ok(())
}

/// Headers of a signed publish: the Ed25519 signature (base64) of the
/// package's SHA-256 digest, and the id of the publisher's key that made it.
pub const SIGNATURE_HEADER: &str = "x-sora-signature";
pub const SIGNING_KEY_HEADER: &str = "x-sora-signing-key";

/// The signature the request carries, checked against the publisher's keys:
/// refused (nothing stored) when it does not verify, when its key is
/// another namespace's or revoked, and when the namespace takes signed
/// packages only and there is none.
async fn checked_signature(
    req: &HttpRequest,
    state: &AppState,
    package: &Package,
    body: &[u8],
) -> Result<Option<(String, String)>, ApiError> {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .map(|v| v.to_str().map(str::to_owned))
            .transpose()
            .map_err(|_| ApiError::BadRequest(format!("{name} is not text")))
    };
    let (signature, key_id) = (header(SIGNATURE_HEADER)?, header(SIGNING_KEY_HEADER)?);
    let refuse =
        |field: &str, message: String| ApiError::Validation(vec![FieldError::new(field, message)]);
    let mut conn = state.db.acquire().await?;
    let publisher = &package.publisher;
    let (signature, key_id) = match (signature, key_id) {
        (None, None) => {
            if db::publishers::requires_signatures(&mut conn, publisher).await? {
                return Err(refuse(
                    SIGNATURE_HEADER,
                    format!(
                        "`{publisher}` takes signed packages only: sign the package with one of \
                         its keys (`sora publish` signs with the key of `sora keys generate`)"
                    ),
                ));
            }
            return Ok(None);
        }
        (Some(signature), Some(key_id)) => (signature, key_id),
        _ => {
            return Err(refuse(
                SIGNATURE_HEADER,
                format!("a signature needs both {SIGNATURE_HEADER} and {SIGNING_KEY_HEADER}"),
            ));
        }
    };
    let key = db::publishers::key(&mut conn, &key_id)
        .await?
        .filter(|key| &key.publisher == publisher)
        .ok_or_else(|| {
            refuse(
                SIGNING_KEY_HEADER,
                format!(
                    "{key_id} is not a key of `{publisher}` (GET /api/publishers/{publisher}/keys)"
                ),
            )
        })?;
    if key.revoked_at.is_some() {
        return Err(refuse(
            SIGNING_KEY_HEADER,
            format!("the key {key_id} of `{publisher}` was revoked; sign with a current one"),
        ));
    }
    let raw =
        signing::public_key(&key.public_key).map_err(|e| ApiError::internal(anyhow::anyhow!(e)))?;
    if !signing::verifies(&raw, &signing::digest(body), &signature) {
        return Err(refuse(
            SIGNATURE_HEADER,
            format!("the signature does not verify with the key {key_id} for this package"),
        ));
    }
    Ok(Some((signature, key_id)))
}
