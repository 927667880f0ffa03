//! Group commit: requests hand their checked events to the writers and wait;
//! a writer takes every request that has queued (up to
//! `ingest.max_events_per_commit` events), stores their events, roll-ups and
//! outbox events in one transaction, commits once, then answers each request.
//! Under load many requests share one commit (one WAL flush); alone, a
//! request waits for nobody. "202" is only ever said after the commit.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use sora_common::events::outbox;
use sora_common::events::types::{FeedbackSubmitted, SubmittedFeedback};
use sqlx::PgPool;
use time::{Date, OffsetDateTime};
use tokio::sync::{Mutex, mpsc, oneshot, watch};
use uuid::Uuid;

use crate::db::events::NewEvent;
use crate::db::{events, partitions, rollups};
use crate::domain::event::FeedbackType;
use crate::domain::sketch::Sketch;

/// What one request's events came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub accepted: usize,
    /// Already stored (a retry): acknowledged, not stored again.
    pub duplicates: usize,
}

/// Why nothing of a request was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The database is unreachable or refused for now: try again later.
    Unavailable,
    /// Anything else (logged where it happened).
    Failed,
}

struct Job {
    events: Vec<NewEvent>,
    reply: oneshot::Sender<Result<Written, Failure>>,
}

/// Where requests hand their events.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Job>,
}

/// Largest outbox event, in bytes of feedback (SQS takes 256 KiB a message).
const MAX_EVENT_BYTES: usize = 192 * 1024;

impl Writer {
    /// The writer handle and the loops to spawn (`writers` of them).
    pub fn new(
        pool: PgPool,
        service: &'static str,
        writers: usize,
        max_events_per_commit: usize,
    ) -> (Self, Vec<WriterLoop>) {
        let (queue, received) = mpsc::channel(4096);
        let received = Arc::new(Mutex::new(received));
        let loops = (0..writers)
            .map(|_| WriterLoop {
                received: received.clone(),
                pool: pool.clone(),
                service,
                max_events: max_events_per_commit,
            })
            .collect();
        (Self { queue }, loops)
    }

    /// Stores `events` (with the others queued now); answers once committed.
    pub async fn write(&self, events: Vec<NewEvent>) -> Result<Written, Failure> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Job { events, reply })
            .await
            .map_err(|_| Failure::Unavailable)?;
        answer.await.map_err(|_| Failure::Failed)?
    }
}

/// One writer: runs until shutdown, then finishes what is queued.
pub struct WriterLoop {
    received: Arc<Mutex<mpsc::Receiver<Job>>>,
    pool: PgPool,
    service: &'static str,
    max_events: usize,
}

impl WriterLoop {
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            let jobs = tokio::select! {
                jobs = self.take() => jobs,
                _ = shutdown.changed() => {
                    // The server has stopped taking requests: what is queued
                    // is all there will be.
                    self.received.lock().await.close();
                    self.take().await
                }
            };
            if jobs.is_empty() {
                return;
            }
            let answers = match commit(&self.pool, self.service, &jobs).await {
                Ok(answers) => answers.into_iter().map(Ok).collect(),
                Err(failure) => vec![Err(failure); jobs.len()],
            };
            for (job, answer) in jobs.into_iter().zip(answers) {
                let _ = job.reply.send(answer);
            }
        }
    }

    /// The next request, and every one queued behind it up to the limit;
    /// none once the queue is closed and empty.
    async fn take(&self) -> Vec<Job> {
        let mut received = self.received.lock().await;
        let Some(first) = received.recv().await else {
            return Vec::new();
        };
        let mut size = first.events.len();
        let mut jobs = vec![first];
        while size < self.max_events {
            match received.try_recv() {
                Ok(job) => {
                    size += job.events.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        jobs
    }
}

async fn commit(pool: &PgPool, service: &str, jobs: &[Job]) -> Result<Vec<Written>, Failure> {
    let all: Vec<&NewEvent> = jobs.iter().flat_map(|job| &job.events).collect();
    let mut created_partitions = false;
    loop {
        match try_commit(pool, service, jobs, &all).await {
            Err(error) if !created_partitions && is_missing_partition(&error) => {
                // An event of a day without a partition yet: make it, retry.
                let days: Vec<Date> = all.iter().map(|e| e.day()).collect();
                let made = async {
                    let mut conn = pool.acquire().await?;
                    partitions::EVENTS.ensure(&mut conn, &days).await
                };
                made.await.map_err(|e| failure(&e.into()))?;
                created_partitions = true;
            }
            Err(error) => return Err(failure(&error)),
            Ok(written) => return Ok(written),
        }
    }
}

async fn try_commit(
    pool: &PgPool,
    service: &str,
    jobs: &[Job],
    all: &[&NewEvent],
) -> anyhow::Result<Vec<Written>> {
    let mut tx = pool.begin().await?;
    let mut stored: HashSet<(Uuid, Date)> =
        events::insert(&mut tx, all).await?.into_iter().collect();
    // Each stored event belongs to the first request that carried it; any
    // other copy (a retry racing its original) is a duplicate.
    let mut written = Vec::with_capacity(jobs.len());
    let mut accepted: Vec<Vec<&NewEvent>> = Vec::with_capacity(jobs.len());
    for job in jobs {
        let fresh: Vec<&NewEvent> = job
            .events
            .iter()
            .filter(|e| stored.remove(&(e.event_id, e.day())))
            .collect();
        written.push(Written {
            accepted: fresh.len(),
            duplicates: job.events.len() - fresh.len(),
        });
        accepted.push(fresh);
    }
    let fresh: Vec<&NewEvent> = accepted.iter().flatten().copied().collect();
    roll_up(&mut tx, &fresh).await?;
    // One event for the whole commit (split by size), not one per request:
    // fewer, larger rows through the outbox and the bus.
    let payloads = submitted(&fresh);
    if !payloads.is_empty() {
        outbox::enqueue_all(&mut tx, service, &payloads).await?;
    }
    tx.commit().await?;
    Ok(written)
}

/// Adds `events` to the roll-ups.
async fn roll_up(conn: &mut sqlx::PgConnection, events: &[&NewEvent]) -> anyhow::Result<()> {
    let feedback = rollups::feedback_counts(
        events
            .iter()
            .map(|e| (e.occurred_at, e.kind.as_str(), e.rating.map(i64::from))),
        1,
    );
    let extension_installs = rollups::install_counts(
        events.iter().map(|e| {
            let item = e.item.as_ref();
            (
                e.day(),
                e.kind.as_str(),
                item.map(|i| i.kind.as_str()),
                item.map(|i| i.id.as_str()),
            )
        }),
        1,
    );
    let mut installs: BTreeMap<Date, Sketch> = BTreeMap::new();
    let mut shown: BTreeMap<String, OffsetDateTime> = BTreeMap::new();
    let mut accepted: BTreeSet<String> = BTreeSet::new();
    for event in events {
        let mut first8 = [0u8; 8];
        first8.copy_from_slice(&event.install_hash[..8]);
        installs
            .entry(event.day())
            .or_default()
            .add(u64::from_be_bytes(first8));
        if let Some(id) = &event.recommendation_id {
            match event.kind {
                FeedbackType::RecommendationShown => {
                    let at = shown.entry(id.clone()).or_insert(event.occurred_at);
                    *at = (*at).min(event.occurred_at);
                }
                FeedbackType::RecommendationAccepted => {
                    accepted.insert(id.clone());
                }
                _ => {}
            }
        }
    }
    let today = OffsetDateTime::now_utc().date();
    rollups::add_feedback(conn, &feedback).await?;
    rollups::add_installs(conn, &installs).await?;
    rollups::add_extension_installs(conn, &extension_installs).await?;
    rollups::add_recommendations(conn, &shown, &accepted, today).await?;
    Ok(())
}

/// The outbox events for one commit's accepted events: no comment, no
/// address, only the start of the install's and the address's hashes; split so that each stays well under a queue's message limit.
fn submitted(events: &[&NewEvent]) -> Vec<FeedbackSubmitted> {
    let mut payloads = Vec::new();
    let mut current = Vec::new();
    let mut size = 0;
    for event in events {
        let feedback = SubmittedFeedback {
            event_id: event.event_id,
            feedback_type: event.kind.as_str().to_owned(),
            item: event.item.clone(),
            recommendation_id: event.recommendation_id.clone(),
            rating: event.rating,
            mcap_features: event.mcap_features.clone(),
            occurred_at: event.occurred_at,
            install: Some(hex(&event.install_hash[..8])),
            address_hash: Some(hex(&event.client_hash[..8])),
        };
        let bytes = 256
            + event
                .mcap_features
                .as_ref()
                .map_or(0, |f| f.topics.len() * 160 + 128);
        if !current.is_empty() && size + bytes > MAX_EVENT_BYTES {
            payloads.push(FeedbackSubmitted {
                events: std::mem::take(&mut current),
            });
            size = 0;
        }
        size += bytes;
        current.push(feedback);
    }
    if !current.is_empty() {
        payloads.push(FeedbackSubmitted { events: current });
    }
    payloads
}

fn is_missing_partition(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<sqlx::Error>()
        .is_some_and(sora_common::partitions::is_missing_partition)
}

/// Logs `error` once for every request it fails.
fn failure(error: &anyhow::Error) -> Failure {
    let unavailable = error
        .downcast_ref::<sqlx::Error>()
        .is_some_and(sora_common::db::is_unavailable);
    if unavailable {
        tracing::warn!(error = %error, "feedback not stored: the database is unavailable");
        Failure::Unavailable
    } else {
        tracing::error!(error = ?error, "feedback not stored");
        Failure::Failed
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
