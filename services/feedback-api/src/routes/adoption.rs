//! Adoption: installs active per day, week and month and new or returning,
//! from the daily install sketches, and each extension's installs,
//! uninstalls and net installs from their roll-up.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use sora_common::ApiError;
use sora_common::auth::{Scope, ScopedViewer};
use sora_common::extract::Query;
use sora_common::problems;
use time::{Date, Duration, OffsetDateTime};
use utoipa::ToSchema;

use super::stats::{RangeQuery, day_of, last_day, ranged_json};
use crate::db;
use crate::domain::sketch::Sketch;
use crate::state::AppState;

/// One day of adoption: installs active that day, in the 7 and 30 days
/// ending with it, and how many of the day's were seen for the first time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AdoptionDay {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Distinct installs that sent feedback that day (DAU).
    pub active: u64,
    /// ... in the 7 days ending that day (WAU).
    pub weekly: u64,
    /// ... in the 30 days ending that day (MAU).
    pub monthly: u64,
    /// Active that day and never seen on an earlier day.
    pub new: u64,
    /// Active that day and seen before (`active - new`).
    pub returning: u64,
}

/// One extension's installs and uninstalls on one day.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InstallDay {
    pub day: String,
    pub installs: i64,
    pub uninstalls: i64,
}

/// An extension installed or uninstalled in the range.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ExtensionAdoption {
    pub id: String,
    pub name: Option<String>,
    /// In the range.
    pub installs: i64,
    pub uninstalls: i64,
    /// Installs net of uninstalls over everything counted, not only the range.
    pub net_installs: i64,
    /// The range's days with any install or uninstall.
    pub days: Vec<InstallDay>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Adoption {
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub to: OffsetDateTime,
    /// Every UTC day the range touches.
    pub days: Vec<AdoptionDay>,
    /// Most installed in the range first.
    pub extensions: Vec<ExtensionAdoption>,
}

/// Adoption per day of `first..=last` from the daily install sketches
/// (`sketches`: every stored day up to `last`, oldest first). An install is
/// new on the first day it is seen: the all-time union's growth that day,
/// at most the day's actives (HyperLogLog, so within ±1.6 % of the all-time
/// count).
pub fn adoption_days(sketches: &[(Date, Sketch)], first: Date, last: Date) -> Vec<AdoptionDay> {
    let by_day: BTreeMap<Date, &Sketch> = sketches.iter().map(|(d, s)| (*d, s)).collect();
    let mut seen = Sketch::default();
    for (_, sketch) in by_day.range(..first) {
        seen.merge(sketch);
    }
    let mut seen_count = seen.estimate();
    let union = |from: Date, to: Date| {
        let mut union = Sketch::default();
        for (_, sketch) in by_day.range(from..=to) {
            union.merge(sketch);
        }
        union.estimate()
    };
    let mut days = Vec::new();
    let mut day = first;
    while day <= last {
        let active = by_day.get(&day).map_or(0, |s| s.estimate());
        if let Some(sketch) = by_day.get(&day) {
            seen.merge(sketch);
        }
        let count = seen.estimate();
        let new = count.saturating_sub(seen_count).min(active);
        seen_count = count;
        days.push(AdoptionDay {
            day: day.to_string(),
            active,
            weekly: union(day - Duration::days(6), day),
            monthly: union(day - Duration::days(29), day),
            new,
            returning: active - new,
        });
        let Some(next) = day.next_day() else { break };
        day = next;
    }
    days
}

/// Earliest day an install sketch can have (before any Sora release).
fn epoch() -> Date {
    Date::from_calendar_date(2020, time::Month::January, 1).unwrap_or(Date::MIN)
}

/// Daily, weekly and monthly active installs, new and returning installs,
/// and each extension's installs, uninstalls and net installs (viewer; at
/// most 1,096 days).
#[utoipa::path(get, path = "/api/stats/adoption", tag = "stats", params(RangeQuery),
    security(("bearer" = [])), responses(
    (status = 200, body = Adoption),
    problems::BadRequest, problems::Unauthorized,
))]
pub async fn adoption(
    ScopedViewer(caller): ScopedViewer,
    query: Query<RangeQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require_scope(&Scope::StatsRead)?;
    ranged_json(&query, &state, adoption_of).await
}

pub(crate) async fn adoption_of(
    conn: &mut sqlx::PgConnection,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Adoption, ApiError> {
    let (first, last) = (day_of(from), last_day(to));
    let sketches: Vec<(Date, Sketch)> = db::stats::install_sketches(conn, epoch(), last)
        .await?
        .into_iter()
        .map(|(day, bytes)| (day, Sketch::from_bytes(&bytes)))
        .collect();
    let days = adoption_days(&sketches, first, last);
    let mut extensions: Vec<ExtensionAdoption> = Vec::new();
    for row in db::stats::install_days(conn, first, last).await? {
        if extensions.last().is_none_or(|e| e.id != row.item_id) {
            extensions.push(ExtensionAdoption {
                id: row.item_id.clone(),
                name: row.name.clone(),
                installs: 0,
                uninstalls: 0,
                net_installs: 0,
                days: Vec::new(),
            });
        }
        if let Some(extension) = extensions.last_mut() {
            extension.installs += row.installs;
            extension.uninstalls += row.uninstalls;
            if row.installs != 0 || row.uninstalls != 0 {
                extension.days.push(InstallDay {
                    day: row.day.to_string(),
                    installs: row.installs,
                    uninstalls: row.uninstalls,
                });
            }
        }
    }
    let ids: Vec<String> = extensions.iter().map(|e| e.id.clone()).collect();
    let net: BTreeMap<String, i64> = db::stats::net_installs(conn, &ids)
        .await?
        .into_iter()
        .collect();
    for extension in &mut extensions {
        extension.net_installs = net.get(&extension.id).copied().unwrap_or(0);
    }
    extensions.retain(|e| e.installs != 0 || e.uninstalls != 0);
    extensions.sort_by(|a, b| b.installs.cmp(&a.installs).then_with(|| a.id.cmp(&b.id)));
    Ok(Adoption {
        from,
        to,
        days,
        extensions,
    })
}
