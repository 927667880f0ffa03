//! admin-api's event handlers: the audit log records every admin and
//! publishing action from the events of the `admin_audit` queue.

use serde_json::json;
use sora_common::events::consumer::EventHandler;
use sora_common::events::topology;
use sora_common::events::types::{
    AdminAction, ContentRemoved, ExtensionPublished, LayoutPublished,
};
use sora_common::events::{Envelope, EventPayload};
use sqlx::PgConnection;

use crate::db;

/// The queue admin-api consumes.
pub const AUDIT_QUEUE: &str = topology::ADMIN_AUDIT.queue;

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
                let kind = p.kind.as_str().to_owned();
                let reason = p.reason.as_str();
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
    const TYPES: &'static [&'static str] = topology::ADMIN_AUDIT.types;

    async fn handle(&self, conn: &mut PgConnection, event: &Envelope) -> anyhow::Result<()> {
        let entry = AuditEntry::from_event(event)?;
        db::audit::insert(
            conn,
            &db::audit::NewEntry {
                id: event.id,
                occurred_at: event.time,
                source: &event.source,
                event_type: &event.event_type,
                actor: &entry.actor,
                action: &entry.action,
                subject_type: &entry.subject_type,
                subject_id: &entry.subject_id,
                details: &entry.details,
                trace_id: &sora_common::telemetry::current_trace_id(),
            },
        )
        .await?;
        Ok(())
    }
}
