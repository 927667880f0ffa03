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
