//! Statistics and reports, read from the roll-ups: the public figures (no
//! token, cacheable), and for viewers a summary, time series and a CSV
//! export over a bounded range.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::auth::{Scope, ScopedViewer};
use sora_common::error::FieldError;
use sora_common::extract::Query;
use sora_common::problems;
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{Date, Duration, OffsetDateTime, Time, UtcOffset};
use utoipa::ToSchema;

use crate::db;
use crate::db::stats::Metric;
use crate::domain::event::FeedbackType;
use crate::domain::sketch::Sketch;
use crate::state::AppState;

/// Longest range a summary, a daily series or an export covers.
pub const MAX_RANGE_DAYS: i64 = 1096;
/// Longest range of an hourly series (744 buckets).
pub const MAX_HOURLY_DAYS: i64 = 31;
/// Range when none is given: the last 30 days.
const DEFAULT_DAYS: i64 = 30;
const TOP: i64 = 10;

/// `value` as an instant: an RFC 3339 date-time, or a `YYYY-MM-DD` date
/// (its midnight, UTC); otherwise a 400 naming `name`.
pub fn parse_instant(name: &str, value: &str) -> Result<OffsetDateTime, ApiError> {
    OffsetDateTime::parse(value, &Rfc3339)
        .or_else(|_| Date::parse(value, &Iso8601::DATE).map(|d| d.midnight().assume_utc()))
        .map_err(|_| {
            ApiError::InvalidParameters(vec![FieldError::new(
                name,
                "must be an RFC 3339 date-time or a YYYY-MM-DD date",
            )])
        })
}

/// `from`/`to` checked: defaults to the last 30 days, `from` before `to`,
/// at most `max_days` apart.
pub(crate) fn range(
    from: Option<&str>,
    to: Option<&str>,
    max_days: i64,
) -> Result<(OffsetDateTime, OffsetDateTime), ApiError> {
    let to = match to {
        Some(v) => parse_instant("to", v)?,
        None => OffsetDateTime::now_utc(),
    };
    let from = match from {
        Some(v) => parse_instant("from", v)?,
        None => to - Duration::days(DEFAULT_DAYS),
    };
    let bad = |message: String| ApiError::InvalidParameters(vec![FieldError::new("from", message)]);
    if from >= to {
        return Err(bad("must be before `to`".to_owned()));
    }
    if to - from > Duration::days(max_days) {
        return Err(bad(format!("at most {max_days} days before `to`")));
    }
    Ok((from.to_offset(UtcOffset::UTC), to.to_offset(UtcOffset::UTC)))
}

/// The UTC day of an instant, and the last day a range ending (exclusively)
/// at `to` touches.
pub(crate) fn day_of(at: OffsetDateTime) -> Date {
    at.to_offset(UtcOffset::UTC).date()
}

pub(crate) fn last_day(to: OffsetDateTime) -> Date {
    day_of(to - Duration::nanoseconds(1))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RangeQuery {
    /// RFC 3339 date-time or `YYYY-MM-DD` (UTC), inclusive; default 30 days
    /// before `to`.
    pub from: Option<String>,
    /// RFC 3339 date-time or `YYYY-MM-DD` (UTC), exclusive; default now.
    pub to: Option<String>,
}

/// An item among the most downloaded.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TopItem {
    pub id: String,
    pub name: Option<String>,
    pub downloads: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PublicStats {
    /// Every download counted so far.
    pub downloads: i64,
    pub top_extensions: Vec<TopItem>,
    pub top_layouts: Vec<TopItem>,
}

/// Download totals and the most downloaded extensions and layouts (no
/// token; cached for a minute).
#[utoipa::path(get, path = "/api/stats/public", tag = "stats", responses(
    (status = 200, body = PublicStats),
))]
pub async fn public_stats(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let mut conn = state.db.acquire().await?;
    let (downloads, top) = db::stats::public(&mut conn, TOP).await?;
    let (mut top_extensions, mut top_layouts) = (Vec::new(), Vec::new());
    for item in top {
        let entry = TopItem {
            id: item.item_id,
            name: item.name,
            downloads: item.downloads,
        };
        match item.kind.as_str() {
            "extension" => top_extensions.push(entry),
            _ => top_layouts.push(entry),
        }
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(PublicStats {
            downloads,
            top_extensions,
            top_layouts,
        }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Recommendations {
    pub shown: i64,
    pub accepted: i64,
    /// accepted / shown; null when none was shown.
    pub acceptance_rate: Option<f64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Summary {
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub to: OffsetDateTime,
    pub downloads: i64,
    /// Feedback events by type (every type, zero included).
    pub feedback: BTreeMap<String, i64>,
    pub feedback_total: i64,
    /// Mean of the ratings given; null without any.
    pub average_rating: Option<f64>,
    /// Distinct installs that sent feedback on the range's days (estimated,
    /// ±2%).
    pub unique_installs: u64,
    pub recommendations: Recommendations,
}

/// The figures of a range: what `/summary` answers, and admin-api's overview
/// shows.
pub async fn summarize(
    conn: &mut sqlx::PgConnection,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Summary, ApiError> {
    let downloads = db::stats::downloads(conn, from, to).await?;
    let mut feedback: BTreeMap<String, i64> = FeedbackType::ALL
        .iter()
        .map(|t| (t.as_str().to_owned(), 0))
        .collect();
    let (mut rating_sum, mut rating_count) = (0i64, 0i64);
    for row in db::stats::feedback_by_type(conn, from, to).await? {
        rating_sum += row.rating_sum;
        rating_count += row.rating_count;
        feedback.insert(row.kind, row.count);
    }
    let mut installs = Sketch::default();
    for (_, bytes) in db::stats::install_sketches(conn, day_of(from), last_day(to)).await? {
        installs.merge(&Sketch::from_bytes(&bytes));
    }
    let (shown, accepted) = db::stats::acceptance(conn, from, to).await?;
    Ok(Summary {
        from,
        to,
        downloads,
        feedback_total: feedback.values().sum(),
        feedback,
        average_rating: (rating_count > 0).then(|| rating_sum as f64 / rating_count as f64),
        unique_installs: installs.estimate(),
        recommendations: Recommendations {
            shown,
            accepted,
            acceptance_rate: (shown > 0).then(|| accepted as f64 / shown as f64),
        },
    })
}

/// Downloads, feedback by type, unique installs and the recommendation
/// acceptance rate over a range (viewer; at most 1,096 days).
#[utoipa::path(get, path = "/api/stats/summary", tag = "stats", params(RangeQuery),
    security(("bearer" = [])), responses(
    (status = 200, body = Summary),
    problems::BadRequest, problems::Unauthorized,
))]
pub async fn summary(
    ScopedViewer(caller): ScopedViewer,
    query: Query<RangeQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require_scope(&Scope::StatsRead)?;
    ranged_json(&query, &state, summarize).await
}

/// `read`'s figures over the query's range (checked, at most 1,096 days), as
/// JSON.
pub(crate) async fn ranged_json<T: Serialize>(
    query: &RangeQuery,
    state: &AppState,
    read: impl AsyncFnOnce(
        &mut sqlx::PgConnection,
        OffsetDateTime,
        OffsetDateTime,
    ) -> Result<T, ApiError>,
) -> Result<HttpResponse, ApiError> {
    let (from, to) = range(query.from.as_deref(), query.to.as_deref(), MAX_RANGE_DAYS)?;
    let mut conn = state.db.acquire().await?;
    Ok(HttpResponse::Ok().json(read(&mut conn, from, to).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SeriesQuery {
    /// `downloads`, `feedback` or `acceptance`.
    pub metric: String,
    /// `hour` (at most 31 days) or `day` (default; at most 1,096 days).
    pub interval: Option<String>,
    /// RFC 3339 date-time or `YYYY-MM-DD` (UTC), inclusive.
    pub from: Option<String>,
    /// RFC 3339 date-time or `YYYY-MM-DD` (UTC), exclusive.
    pub to: Option<String>,
}

/// One bucket: a count, or for acceptance the recommendations shown and
/// accepted and their rate.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Point {
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub time: OffsetDateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<i64>,
    /// accepted / shown (acceptance only); null when none was shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Series {
    pub metric: String,
    pub interval: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub to: OffsetDateTime,
    /// Every bucket from `from` (rounded down) to `to`, zero-filled.
    pub points: Vec<Point>,
}

/// A metric per hour or per UTC day, every bucket present (viewer).
#[utoipa::path(get, path = "/api/stats/timeseries", tag = "stats", params(SeriesQuery),
    security(("bearer" = [])), responses(
    (status = 200, body = Series),
    problems::BadRequest, problems::Unauthorized,
))]
pub async fn timeseries(
    ScopedViewer(caller): ScopedViewer,
    query: Query<SeriesQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require_scope(&Scope::StatsRead)?;
    let query = query.into_inner();
    let invalid = |name: &str, message: &str| {
        ApiError::InvalidParameters(vec![FieldError::new(name, message)])
    };
    let metric = match query.metric.as_str() {
        "downloads" => Metric::Downloads,
        "feedback" => Metric::Feedback,
        "acceptance" => Metric::Acceptance,
        _ => {
            return Err(invalid(
                "metric",
                "must be downloads, feedback or acceptance",
            ));
        }
    };
    let daily = match query.interval.as_deref() {
        None | Some("day") => true,
        Some("hour") => false,
        Some(_) => return Err(invalid("interval", "must be hour or day")),
    };
    let max_days = if daily {
        MAX_RANGE_DAYS
    } else {
        MAX_HOURLY_DAYS
    };
    let (from, to) = range(query.from.as_deref(), query.to.as_deref(), max_days)?;
    let mut conn = state.db.acquire().await?;
    let found: BTreeMap<OffsetDateTime, (i64, i64)> =
        db::stats::series(&mut conn, metric, daily, from, to)
            .await?
            .into_iter()
            .map(|b| (b.start, (b.value, b.other)))
            .collect();
    let step = if daily {
        Duration::days(1)
    } else {
        Duration::hours(1)
    };
    let mut start = if daily {
        from.replace_time(Time::MIDNIGHT)
    } else {
        db::rollups::hour_of(from)
    };
    let mut points = Vec::new();
    while start < to {
        let (value, other) = found.get(&start).copied().unwrap_or((0, 0));
        points.push(match metric {
            Metric::Acceptance => Point {
                time: start,
                count: None,
                shown: Some(value),
                accepted: Some(other),
                rate: (value > 0).then(|| other as f64 / value as f64),
            },
            _ => Point {
                time: start,
                count: Some(value),
                shown: None,
                accepted: None,
                rate: None,
            },
        });
        start += step;
    }
    Ok(HttpResponse::Ok().json(Series {
        metric: query.metric,
        interval: if daily { "day" } else { "hour" }.to_owned(),
        from,
        to,
        points,
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn ranges_are_checked() {
        assert!(range(Some("2026-01-02"), Some("2026-01-01"), 10).is_err());
        assert!(range(Some("2020-01-01"), Some("2026-01-01"), 10).is_err());
        assert!(range(Some("yesterday"), None, 10).is_err());
        let (from, to) = range(Some("2026-01-01"), Some("2026-01-02T00:00:00+09:00"), 10).unwrap();
        assert_eq!((to - from).whole_hours(), 15);
        assert_eq!(last_day(to), day_of(to));
    }
}
