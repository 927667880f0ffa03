//! `GET /api/admin/audit`: the audit log, with filters.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use sora_common::ApiError;
use sora_common::auth::Admin;
use sora_common::extract::Query;
use sora_common::page::{Page, Paging};
use sora_common::problems;

use crate::db;
use crate::db::audit::{AuditFilter, AuditItem};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/api/admin/audit").get(list_audit));
}

/// Query of `GET /api/admin/audit`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    #[param(value_type = Option<u64>, minimum = 1, maximum = 4294967295.0)]
    pub page: Option<u32>,
    /// Values above 100 are served as 100.
    #[param(value_type = Option<u64>, minimum = 1, maximum = 4294967295.0)]
    pub per_page: Option<u32>,
    /// Only entries by this actor.
    pub actor: Option<String>,
    /// Only this action, e.g. `extension.published`.
    pub action: Option<String>,
    /// RFC 3339; entries at or after.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<time::OffsetDateTime>,
    /// RFC 3339; entries before.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<time::OffsetDateTime>,
}

/// The audit log, newest first (admin role).
#[utoipa::path(get, path = "/api/admin/audit", tag = "audit", params(AuditQuery), security(("bearer" = [])), responses(
    (status = 200, body = Page<AuditItem>),
    problems::BadRequest, problems::SignedIn,
))]
pub async fn list_audit(
    _admin: Admin,
    query: Query<AuditQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let paging = Paging::new(query.page, query.per_page)?;
    let filter = AuditFilter {
        actor: query.actor.as_deref(),
        action: query.action.as_deref(),
        from: query.from,
        to: query.to,
    };
    let mut conn = state.db.acquire().await?;
    let total = db::audit::count(&mut conn, &filter).await?;
    let items = db::audit::page(&mut conn, &filter, paging.limit(), paging.offset()).await?;
    Ok(HttpResponse::Ok().json(paging.page(items, total)))
}
