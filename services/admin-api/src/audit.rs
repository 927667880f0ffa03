//! The audit log: every admin and publishing action, recorded from the events
//! of the `admin_audit` queue.

use serde_json::json;
use sora_common::events::consumer::EventHandler;
use sora_common::events::types::{
    AdminAction, ContentRemoved, ExtensionPublished, LayoutPublished,
};
use sora_common::events::{Envelope, EventPayload};
use sqlx::PgConnection;

/// The queue admin-api consumes.
pub const AUDIT_QUEUE: &str = "admin_audit";

/// One audit entry, as derived from an event.
#[derive(Debug, PartialEq)]
pub struct AuditEntry {
    pub actor: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub details: serde_json::Value,
}

impl AuditEntry {
    pub fn from_event(event: &Envelope) -> anyhow::Result<Self> {
        let entry = match event.event_type.as_str() {
            ExtensionPublished::TYPE => {
                let p: ExtensionPublished = event.payload()?;
                Self {
                    actor: p.actor,
                    action: "extension.published".to_owned(),
                    subject_type: "extension".to_owned(),
                    subject_id: format!("{}@{}", p.id, p.version),
                    details: json!({"sha256": p.sha256, "size": p.size}),
                }
            }
            LayoutPublished::TYPE => {
                let p: LayoutPublished = event.payload()?;
                Self {
                    actor: p.actor,
                    action: "layout.published".to_owned(),
                    subject_type: "layout".to_owned(),
                    subject_id: p.id,
                    details: json!({"name": p.name}),
                }
            }
            ContentRemoved::TYPE => {
                let p: ContentRemoved = event.payload()?;
                let kind = serde_json::to_value(p.kind)?
                    .as_str()
                    .unwrap_or("content")
                    .to_owned();
                let reason = serde_json::to_value(p.reason)?
                    .as_str()
                    .unwrap_or("removed")
                    .to_owned();
                Self {
                    actor: p.actor,
                    action: format!("{kind}.{reason}"),
                    subject_id: match &p.version {
                        Some(version) => format!("{}@{version}", p.id),
                        None => p.id.clone(),
                    },
                    subject_type: kind,
                    details: json!({}),
                }
            }
            AdminAction::TYPE => {
                let p: AdminAction = event.payload()?;
                Self {
                    actor: p.actor,
                    action: p.action,
                    subject_type: p.target_type,
                    subject_id: p.target_id,
                    details: p.details,
                }
            }
            // A routing mistake: fail, so it ends in the dead-letter queue for a human.
            other => anyhow::bail!("the audit log does not record {other} events"),
        };
        Ok(entry)
    }
}

/// Records audit entries; idempotent with the consumer's inbox.
pub struct AuditRecorder;

impl EventHandler for AuditRecorder {
    async fn handle(&self, conn: &mut PgConnection, event: &Envelope) -> anyhow::Result<()> {
        let entry = AuditEntry::from_event(event)?;
        sqlx::query(
            "INSERT INTO audit_log
                (id, occurred_at, source, event_type, actor, action, subject_type, subject_id, details, trace_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(event.id)
        .bind(event.time)
        .bind(&event.source)
        .bind(&event.event_type)
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.subject_type)
        .bind(&entry.subject_id)
        .bind(&entry.details)
        .bind(sora_common::telemetry::current_trace_id())
        .execute(conn)
        .await?;
        Ok(())
    }
}

/// Query of `GET /api/admin/audit`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
    /// Only entries by this actor.
    pub actor: Option<String>,
    /// Only this action, e.g. `extension.published`.
    pub action: Option<String>,
    /// RFC 3339; entries at or after.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub from: Option<time::OffsetDateTime>,
    /// RFC 3339; entries before.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub to: Option<time::OffsetDateTime>,
}

#[derive(Debug, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AuditItem {
    pub id: uuid::Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: time::OffsetDateTime,
    pub source: String,
    pub actor: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub details: serde_json::Value,
    pub trace_id: Option<String>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditItem>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// The audit log, newest first (admin role).
#[utoipa::path(get, path = "/api/admin/audit", tag = "audit", params(AuditQuery), security(("bearer" = [])), responses(
    (status = 200, body = AuditPage),
    (status = 401, body = sora_common::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = sora_common::error::Problem, content_type = "application/problem+json"),
))]
pub async fn list_audit(
    _admin: sora_common::auth::Admin,
    query: actix_web::web::Query<AuditQuery>,
    db: actix_web::web::Data<sqlx::PgPool>,
) -> Result<actix_web::HttpResponse, sora_common::ApiError> {
    let paging = sora_common::page::Paging::new(query.page, query.per_page);
    let filters = "($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2)
                   AND ($3::timestamptz IS NULL OR occurred_at >= $3) AND ($4::timestamptz IS NULL OR occurred_at < $4)";
    let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM audit_log WHERE {filters}"
    )))
    .bind(&query.actor)
    .bind(&query.action)
    .bind(query.from)
    .bind(query.to)
    .fetch_one(db.get_ref())
    .await?;
    let items: Vec<AuditItem> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, occurred_at, source, actor, action, subject_type, subject_id, details, trace_id
         FROM audit_log WHERE {filters}
         ORDER BY occurred_at DESC, id DESC LIMIT $5 OFFSET $6"
    )))
    .bind(&query.actor)
    .bind(&query.action)
    .bind(query.from)
    .bind(query.to)
    .bind(paging.limit())
    .bind(paging.offset())
    .fetch_all(db.get_ref())
    .await?;
    Ok(actix_web::HttpResponse::Ok().json(AuditPage {
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}
