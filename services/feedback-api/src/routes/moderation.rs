//! Moderation (admins only): list feedback, read one event with its comment
//! decrypted, delete one. Reading a comment and deleting are audited: each
//! publishes `sora.admin.action.v1`, committed with what it records.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::auth::{Admin, Claims};
use sora_common::error::FieldError;
use sora_common::events::outbox;
use sora_common::events::types::ItemRef;
use sora_common::extract::Query;
use sora_common::page::Paging;
use sora_common::problems;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::stats::parse_instant;
use crate::db;
use crate::db::events::{After, COUNT_CAP, Filter, StoredEvent};
use crate::db::rollups;
use crate::domain::event::FeedbackType;
use crate::state::AppState;

/// One feedback event as an administrator sees it: no hashes; the comment
/// only when one event is read.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct FeedbackRecord {
    pub event_id: Uuid,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub received_at: OffsetDateTime,
    pub app_version: Option<String>,
    pub os: Option<String>,
    pub locale: Option<String>,
    #[schema(inline)]
    pub item: Option<ItemRef>,
    pub recommendation_id: Option<String>,
    pub rating: Option<i16>,
    pub has_comment: bool,
    /// The comment, redacted as stored (when one event is read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub mcap_features: Option<serde_json::Value>,
}

impl FeedbackRecord {
    fn from_stored(event: StoredEvent, comment: Option<String>) -> Self {
        Self {
            event_id: event.event_id,
            kind: event.kind,
            occurred_at: event.occurred_at,
            received_at: event.received_at,
            app_version: event.app_version,
            os: event.os,
            locale: event.locale,
            item: event.item,
            recommendation_id: event.recommendation_id,
            rating: event.rating,
            has_comment: event.comment.is_some(),
            comment,
            mcap_features: event.mcap_features,
        }
    }
}

/// Query of `GET /api/feedback`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FeedbackQuery {
    /// Only events of this type.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `extension` or `layout`.
    pub item_kind: Option<String>,
    pub item_id: Option<String>,
    /// Only events with (or without) a comment.
    pub has_comment: Option<bool>,
    /// RFC 3339 date-time or `YYYY-MM-DD` (UTC), inclusive.
    pub from: Option<String>,
    /// RFC 3339 date-time or `YYYY-MM-DD` (UTC), exclusive.
    pub to: Option<String>,
    /// Pages by number reach the first 1,000 events; past them, follow
    /// `next`.
    #[param(value_type = Option<u64>, minimum = 1, maximum = 4294967295.0)]
    pub page: Option<u32>,
    /// Values above 100 are served as 100.
    #[param(value_type = Option<u64>, minimum = 1, maximum = 4294967295.0)]
    pub per_page: Option<u32>,
    /// The `next` of the previous page: the page after it (not with `page`).
    pub after: Option<String>,
}

/// A page of feedback events.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackPage {
    pub items: Vec<FeedbackRecord>,
    /// Events that pass the filters, counted up to 1,000.
    pub total: i64,
    /// More than `total` pass (counting stopped at 1,000).
    pub total_capped: bool,
    pub page: u32,
    pub per_page: u32,
    /// Where the next page starts (pass it as `after`); null on the last.
    pub next: Option<String>,
}

/// A page's start as `after` carries it: microseconds since the epoch and
/// the event's id (opaque to clients).
fn cursor(after: &After) -> String {
    format!(
        "{}_{}",
        after.occurred_at.unix_timestamp_nanos() / 1000,
        after.event_id
    )
}

fn parse_cursor(text: &str) -> Result<After, ApiError> {
    let bad = || {
        ApiError::InvalidParameters(vec![FieldError::new(
            "after",
            "is not a `next` this list gave",
        )])
    };
    let (micros, id) = text.split_once('_').ok_or_else(bad)?;
    let micros: i128 = micros.parse().map_err(|_| bad())?;
    Ok(After {
        occurred_at: OffsetDateTime::from_unix_timestamp_nanos(micros * 1000).map_err(|_| bad())?,
        event_id: id.parse().map_err(|_| bad())?,
    })
}

/// Feedback events, newest first (admin).
#[utoipa::path(get, path = "/api/feedback", tag = "moderation", params(FeedbackQuery),
    security(("bearer" = [])), responses(
    (status = 200, body = FeedbackPage),
    problems::BadRequest, problems::SignedIn,
))]
pub async fn list_feedback(
    _admin: Admin,
    query: Query<FeedbackQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let paging = Paging::new(query.page, query.per_page)?;
    let after = query.after.as_deref().map(parse_cursor).transpose()?;
    let mut invalid = Vec::new();
    if after.is_some() && paging.page > 1 {
        invalid.push(FieldError::new("page", "cannot go with `after`"));
    }
    if after.is_none() && paging.offset() + paging.limit() > COUNT_CAP {
        invalid.push(FieldError::new(
            "page",
            "goes deeper than the first 1,000 events: follow `next` (`after`)",
        ));
    }
    if let Some(kind) = &query.kind
        && FeedbackType::parse(kind).is_none()
    {
        invalid.push(FieldError::new("type", "is not a feedback type"));
    }
    if let Some(kind) = &query.item_kind
        && !["extension", "layout"].contains(&kind.as_str())
    {
        invalid.push(FieldError::new("item_kind", "must be extension or layout"));
    }
    if !invalid.is_empty() {
        return Err(ApiError::InvalidParameters(invalid));
    }
    let filter = Filter {
        kind: query.kind,
        item_kind: query.item_kind,
        item_id: query.item_id,
        has_comment: query.has_comment,
        from: query
            .from
            .as_deref()
            .map(|v| parse_instant("from", v))
            .transpose()?,
        to: query
            .to
            .as_deref()
            .map(|v| parse_instant("to", v))
            .transpose()?,
    };
    let offset = if after.is_some() { 0 } else { paging.offset() };
    let mut conn = state.db.acquire().await?;
    let (mut events, total) =
        db::events::list(&mut conn, &filter, after, paging.limit() + 1, offset).await?;
    let more = events.len() > paging.per_page as usize;
    events.truncate(paging.per_page as usize);
    let next = events.last().filter(|_| more).map(|last| {
        cursor(&After {
            occurred_at: last.occurred_at,
            event_id: last.event_id,
        })
    });
    let items = events
        .into_iter()
        .map(|e| FeedbackRecord::from_stored(e, None))
        .collect();
    Ok(HttpResponse::Ok().json(FeedbackPage {
        items,
        total: total.min(COUNT_CAP),
        total_capped: total > COUNT_CAP,
        page: if after.is_some() { 1 } else { paging.page },
        per_page: paging.per_page,
        next,
    }))
}

fn not_found(id: Uuid) -> ApiError {
    ApiError::NotFound(format!("no feedback event {id}"))
}

async fn audit(
    conn: &mut sqlx::PgConnection,
    state: &AppState,
    admin: &Claims,
    action: &str,
    id: Uuid,
) -> Result<(), ApiError> {
    let target = ("feedback", id.to_string());
    let details = serde_json::json!({});
    outbox::audit(conn, state.service, &admin.sub, action, target, details).await
}

/// One feedback event with its comment decrypted (admin; audited as
/// `feedback.read`).
#[utoipa::path(get, path = "/api/feedback/{id}", tag = "moderation",
    params(("id" = Uuid, Path, description = "the event's id")),
    security(("bearer" = [])), responses(
    (status = 200, body = FeedbackRecord),
    problems::SignedIn, problems::NotFound,
))]
pub async fn read_feedback(
    Admin(admin): Admin,
    path: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mut tx = state.db.begin().await?;
    let event = db::events::get(&mut tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    audit(&mut tx, &state, &admin, "feedback.read", id).await?;
    tx.commit().await?;
    let comment = match &event.comment {
        None => None,
        Some(sealed) => match state.sealer.open(id, sealed) {
            Ok(text) => Some(text),
            Err(error) => {
                // A key that is no longer configured: the event is still shown.
                tracing::warn!(event_id = %id, error = %error, "a comment could not be opened");
                None
            }
        },
    };
    Ok(HttpResponse::Ok().json(FeedbackRecord::from_stored(event, comment)))
}

/// Deletes one feedback event (admin; audited as `feedback.deleted`). Its
/// counts leave the feedback and extension-install roll-ups; unique installs
/// and acceptance keep it.
#[utoipa::path(delete, path = "/api/feedback/{id}", tag = "moderation",
    params(("id" = Uuid, Path, description = "the event's id")),
    security(("bearer" = [])), responses(
    (status = 204, description = "deleted"),
    problems::SignedIn, problems::NotFound,
))]
pub async fn delete_feedback(
    Admin(admin): Admin,
    path: web::Path<Uuid>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let mut tx = state.db.begin().await?;
    let deleted = db::events::delete(&mut tx, id).await?;
    if deleted.is_empty() {
        return Err(not_found(id));
    }
    let counts = rollups::feedback_counts(
        deleted
            .iter()
            .map(|e| (e.occurred_at, e.kind.as_str(), e.rating.map(i64::from))),
        -1,
    );
    rollups::add_feedback(&mut tx, &counts).await?;
    let installs = rollups::install_counts(
        deleted.iter().map(|e| {
            (
                e.day,
                e.kind.as_str(),
                e.item_kind.as_deref(),
                e.item_id.as_deref(),
            )
        }),
        -1,
    );
    rollups::add_extension_installs(&mut tx, &installs).await?;
    audit(&mut tx, &state, &admin, "feedback.deleted", id).await?;
    tx.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}
