//! The transactional outbox: an event is a row in the producer's own schema,
//! committed with the state change it describes; the relay
//! ([`super::relay`]) hands committed rows to the bus.

use sqlx::migrate::Migrator;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{Envelope, EventPayload};

static MIGRATOR: Migrator = sqlx::migrate!("migrations/events");

/// Creates the outbox and inbox tables in the service's schema. They are
/// tracked apart from the service's own migrations, in
/// `_sora_events_migrations`, so both can evolve on their own.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    let mut migrator = Migrator {
        migrations: MIGRATOR.migrations.clone(),
        ..Migrator::DEFAULT
    };
    migrator.dangerous_set_table_name("_sora_events_migrations");
    migrator.run(pool).await?;
    Ok(())
}

/// The migrations' fingerprint, so test templates are rebuilt when they change.
pub fn migrations_fingerprint() -> String {
    MIGRATOR
        .iter()
        .map(|m| format!("{}:{:?}", m.version, m.checksum))
        .collect::<Vec<_>>()
        .join(";")
}

/// Events waiting in the outbox.
pub async fn backlog(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM outbox")
        .fetch_one(pool)
        .await
}

/// Writes `payload` to the outbox inside the caller's transaction: it is
/// published if and only if that transaction commits.
pub async fn enqueue<P: EventPayload>(
    conn: &mut PgConnection,
    service: &str,
    payload: &P,
) -> anyhow::Result<Envelope> {
    let mut envelopes = enqueue_all(conn, service, std::slice::from_ref(payload)).await?;
    envelopes
        .pop()
        .ok_or_else(|| anyhow::anyhow!("no envelope was written"))
}

/// Records in `service`'s outbox, in the caller's transaction, that `actor`
/// did `action` to `target` (type, id): a `sora.admin.action.v1` event,
/// which admin-api writes to the audit log. The one way every service
/// audits what its own events do not already say.
pub async fn audit(
    conn: &mut PgConnection,
    service: &str,
    actor: &str,
    action: &str,
    target: (&str, String),
    details: serde_json::Value,
) -> Result<(), crate::ApiError> {
    let action = crate::events::types::AdminAction {
        actor: actor.to_owned(),
        action: action.to_owned(),
        target_type: target.0.to_owned(),
        target_id: target.1,
        details,
    };
    enqueue(conn, service, &action)
        .await
        .map_err(crate::ApiError::internal)?;
    Ok(())
}

/// Like [`enqueue`] for many events of one type, in one statement.
pub async fn enqueue_all<P: EventPayload>(
    conn: &mut PgConnection,
    service: &str,
    payloads: &[P],
) -> anyhow::Result<Vec<Envelope>> {
    let envelopes = payloads
        .iter()
        .map(|payload| Envelope::new(service, payload))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let ids: Vec<Uuid> = envelopes.iter().map(|e| e.id).collect();
    let bodies = envelopes
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<Vec<_>, _>>()?;
    sqlx::query(
        "INSERT INTO outbox (id, event_type, envelope)
         SELECT id, $2, envelope FROM UNNEST($1::uuid[], $3::text[]) AS e (id, envelope)",
    )
    .bind(&ids)
    .bind(P::TYPE)
    .bind(&bodies)
    .execute(&mut *conn)
    .await?;
    // Delivered at commit: wakes the relay at once instead of at its next tick.
    sqlx::query("SELECT pg_notify('sora_outbox_' || current_schema(), '')")
        .execute(&mut *conn)
        .await?;
    Ok(envelopes)
}
