//! The system's consumers: each queue and the event types it takes, known
//! to every producer. Every relay routes by this table as well as by what
//! consumers record on the bus and by `events.subscriptions`, so an event
//! waits in the queue of a consumer that has not started yet.
//!
//! Routes learnt only from the bus lose events: services start in any
//! order (Kubernetes starts all Deployments at once, and a consumer may be
//! down for a while), and an event whose type another queue already takes
//! goes there alone and leaves the outbox before the late consumer
//! subscribes. The soak found sixteen audit entries missing that way.

use super::EventPayload;
use super::types::{
    AdminAction, ContentRemoved, ExtensionPublished, FeedbackSubmitted, FilesDownloaded,
    LayoutPublished, RecommendationServed,
};

/// A consumer's queue and the event types it is sent.
#[derive(Debug, Clone, Copy)]
pub struct Subscription {
    pub queue: &'static str,
    pub types: &'static [&'static str],
}

/// admin-api's audit log.
pub const ADMIN_AUDIT: Subscription = Subscription {
    queue: "admin_audit",
    types: &[
        ExtensionPublished::TYPE,
        LayoutPublished::TYPE,
        ContentRemoved::TYPE,
        AdminAction::TYPE,
    ],
};

/// feedback-api's statistics.
pub const FEEDBACK_STATS: Subscription = Subscription {
    queue: "feedback_stats",
    types: &[
        FilesDownloaded::TYPE,
        ExtensionPublished::TYPE,
        LayoutPublished::TYPE,
        ContentRemoved::TYPE,
        RecommendationServed::TYPE,
    ],
};

/// recommendation's catalog index and learning.
pub const RECOMMENDATION: Subscription = Subscription {
    queue: "recommendation",
    types: &[
        ExtensionPublished::TYPE,
        LayoutPublished::TYPE,
        ContentRemoved::TYPE,
        FeedbackSubmitted::TYPE,
    ],
};

/// Every consumer of the system.
pub const CONSUMERS: &[Subscription] = &[ADMIN_AUDIT, FEEDBACK_STATS, RECOMMENDATION];
