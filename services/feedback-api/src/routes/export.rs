//! The statistics as CSV (RFC 4180, CRLF), streamed a day at a time, with
//! the cells a spreadsheet would run as formulas neutralised.

use std::collections::BTreeMap;

use actix_web::HttpResponse;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::web;
use bytes::Bytes;
use sora_common::ApiError;
use sora_common::auth::{Scope, ScopedViewer};
use sora_common::extract::Query;
use sora_common::problems;
use time::Date;
use time::format_description::well_known::Iso8601;

use super::adoption::adoption_of;
use super::stats::{MAX_RANGE_DAYS, RangeQuery, day_of, last_day, range};
use crate::db;
use crate::db::stats::Metric;
use crate::state::AppState;

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a
/// tab or carriage return first) gets a leading apostrophe (OWASP's advice).
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn csv_line(cells: &[&str]) -> Result<Bytes, ApiError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer
        .write_record(cells.iter().map(|c| neutralise(c).into_owned()))
        .map_err(ApiError::internal)?;
    writer
        .into_inner()
        .map(Bytes::from)
        .map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))
}

/// The day's figures (downloads per item, extension installs and
/// uninstalls, feedback per type, recommendations, and active, new and
/// returning installs) as CSV rows (RFC 4180, CRLF):
/// `date,metric,item_kind,item_id,item_version,item_name,value` (viewer; at
/// most 1,096 days).
#[utoipa::path(get, path = "/api/stats/export.csv", tag = "stats", params(RangeQuery),
    security(("bearer" = [])), responses(
    (status = 200, content_type = "text/csv", body = String),
    problems::BadRequest, problems::Unauthorized,
))]
pub async fn export_csv(
    ScopedViewer(caller): ScopedViewer,
    query: Query<RangeQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require_scope(&Scope::StatsRead)?;
    let (from, to) = range(query.from.as_deref(), query.to.as_deref(), MAX_RANGE_DAYS)?;
    let (first, last) = (day_of(from), last_day(to));
    let mut conn = state.db.acquire().await?;
    // Everything but the per-item downloads is a handful of rows a day.
    let mut by_day: BTreeMap<Date, Vec<(String, i64)>> = BTreeMap::new();
    for (day, kind, count) in db::stats::feedback_days(&mut conn, from, to).await? {
        by_day
            .entry(day)
            .or_default()
            .push((format!("feedback.{kind}"), count));
    }
    for bucket in db::stats::series(&mut conn, Metric::Acceptance, true, from, to).await? {
        let day = day_of(bucket.start);
        let figures = by_day.entry(day).or_default();
        figures.push(("recommendations.shown".to_owned(), bucket.value));
        figures.push(("recommendations.accepted".to_owned(), bucket.other));
    }
    let adoption = adoption_of(&mut conn, from, to).await?;
    for day in &adoption.days {
        let Ok(date) = Date::parse(&day.day, &Iso8601::DATE) else {
            continue;
        };
        if day.monthly == 0 {
            continue;
        }
        let figures = by_day.entry(date).or_default();
        for (metric, value) in [
            ("unique_installs", day.active),
            ("active_installs.weekly", day.weekly),
            ("active_installs.monthly", day.monthly),
            ("installs.new", day.new),
            ("installs.returning", day.returning),
        ] {
            figures.push((metric.to_owned(), i64::try_from(value).unwrap_or(i64::MAX)));
        }
    }
    let mut installs: BTreeMap<Date, Vec<[String; 4]>> = BTreeMap::new();
    for extension in &adoption.extensions {
        for day in &extension.days {
            let Ok(date) = Date::parse(&day.day, &Iso8601::DATE) else {
                continue;
            };
            for (metric, value) in [
                ("extension.installs", day.installs),
                ("extension.uninstalls", day.uninstalls),
            ] {
                installs.entry(date).or_default().push([
                    metric.to_owned(),
                    extension.id.clone(),
                    extension.name.clone().unwrap_or_default(),
                    value.to_string(),
                ]);
            }
        }
    }
    let items = db::stats::item_days(&mut conn, first, last).await?;
    drop(conn);

    // Streamed a day at a time.
    let mut days: Vec<Date> = by_day.keys().copied().collect();
    days.extend(items.iter().map(|i| i.day));
    days.extend(installs.keys().copied());
    days.sort();
    days.dedup();
    let header = csv_line(&[
        "date",
        "metric",
        "item_kind",
        "item_id",
        "item_version",
        "item_name",
        "value",
    ])?;
    let mut items = items.into_iter().peekable();
    let chunks = days.into_iter().map(move |day| {
        let date = day.to_string();
        let mut chunk = Vec::new();
        while let Some(item) = items.next_if(|i| i.day == day) {
            let value = item.downloads.to_string();
            chunk.push(csv_line(&[
                &date,
                "downloads",
                &item.kind,
                &item.item_id,
                &item.version,
                item.name.as_deref().unwrap_or(""),
                &value,
            ])?);
        }
        for [metric, id, name, value] in installs.remove(&day).unwrap_or_default() {
            chunk.push(csv_line(&[
                &date,
                &metric,
                "extension",
                &id,
                "",
                &name,
                &value,
            ])?);
        }
        for (metric, value) in by_day.remove(&day).unwrap_or_default() {
            chunk.push(csv_line(&[
                &date,
                &metric,
                "",
                "",
                "",
                "",
                &value.to_string(),
            ])?);
        }
        Ok::<_, ApiError>(Bytes::from(chunk.concat()))
    });
    let body = futures_util::stream::iter(std::iter::once(Ok(header)).chain(chunks));
    let file_name = format!("sora-stats-{first}-{last}.csv");
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(file_name)],
        })
        .streaming(body))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for (cell, safe) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("Plot panel", "Plot panel"),
            ("42", "42"),
        ] {
            assert_eq!(neutralise(cell), safe);
        }
        let line = csv_line(&["2026-11-30", "downloads", "a \"quoted\", name"]).unwrap();
        assert_eq!(
            &line[..],
            b"2026-11-30,downloads,\"a \"\"quoted\"\", name\"\r\n"
        );
    }
}
