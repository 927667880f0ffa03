//! Download counts: per item, version (`''` for layouts) and UTC day, plus
//! the totals on each version and item, added in one transaction per flush.

use sqlx::PgConnection;
use time::Date;

/// Counts to add, as parallel columns (one entry per item, version and day).
#[derive(Debug, Default)]
pub struct CountColumns {
    pub kinds: Vec<String>,
    pub ids: Vec<String>,
    pub versions: Vec<String>,
    pub days: Vec<Date>,
    pub counts: Vec<i64>,
}

pub async fn add(conn: &mut PgConnection, c: &CountColumns) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO downloads_daily (kind, item_id, version, day, count)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::date[], $5::bigint[])
         ON CONFLICT (kind, item_id, version, day)
         DO UPDATE SET count = downloads_daily.count + EXCLUDED.count",
        &c.kinds,
        &c.ids,
        &c.versions,
        &c.days,
        &c.counts
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE extension_versions v SET downloads = v.downloads + c.n
         FROM (SELECT id, version, sum(n) AS n
               FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[]) AS u (kind, id, version, n)
               WHERE kind = 'extension' GROUP BY id, version) c
         WHERE v.extension_id = c.id AND v.version = c.version",
        &c.kinds,
        &c.ids,
        &c.versions,
        &c.counts
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE extensions e SET downloads = e.downloads + c.n
         FROM (SELECT id, sum(n) AS n FROM UNNEST($1::text[], $2::text[], $3::bigint[]) AS u (kind, id, n)
               WHERE kind = 'extension' GROUP BY id) c
         WHERE e.id = c.id",
        &c.kinds,
        &c.ids,
        &c.counts
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE layouts l SET downloads = l.downloads + c.n
         FROM (SELECT id, sum(n) AS n FROM UNNEST($1::text[], $2::text[], $3::bigint[]) AS u (kind, id, n)
               WHERE kind = 'layout' GROUP BY id) c
         WHERE l.id::text = c.id",
        &c.kinds,
        &c.ids,
        &c.counts
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Adds downloads of workspaces' extensions: (workspace, extension id, day,
/// count) as parallel columns. A workspace deleted since is skipped.
pub async fn add_team(
    conn: &mut PgConnection,
    workspaces: &[String],
    ids: &[String],
    days: &[Date],
    counts: &[i64],
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO team_extension_downloads (workspace, extension_id, day, count)
         SELECT u.* FROM UNNEST($1::text[], $2::text[], $3::date[], $4::bigint[])
             AS u (workspace, extension_id, day, count)
         WHERE EXISTS (SELECT 1 FROM workspaces w WHERE w.name = u.workspace)
         ON CONFLICT (workspace, extension_id, day)
         DO UPDATE SET count = team_extension_downloads.count + EXCLUDED.count",
        workspaces,
        ids,
        days,
        counts
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A workspace extension's downloads: in all, and in the 30 days to `today`.
#[derive(Debug)]
pub struct TeamDownloads {
    pub extension_id: String,
    pub total: i64,
    pub last_30_days: i64,
}

pub async fn team(
    conn: &mut PgConnection,
    workspace: &str,
    today: Date,
) -> sqlx::Result<Vec<TeamDownloads>> {
    sqlx::query_as!(
        TeamDownloads,
        r#"SELECT extension_id, sum(count)::int8 AS "total!",
               (coalesce(sum(count) FILTER (WHERE day > $2::date - 30), 0))::int8 AS "last_30_days!"
           FROM team_extension_downloads WHERE workspace = $1
           GROUP BY extension_id ORDER BY extension_id"#,
        workspace,
        today
    )
    .fetch_all(&mut *conn)
    .await
}
