//! Background batch writers: handlers hand items to a queue and go on; one
//! task lets them gather for an interval, writes what gathered in one
//! transaction, retries with a growing pause while the database refuses
//! (keeping what it holds), and writes what is left when the service stops.
//! A crash loses at most what gathered since the last write: the trade for
//! never making a request wait on the database. The queue is bounded: a
//! writer far behind makes [`Queue::push`] wait (back-pressure) rather than
//! memory grow.
//!
//! (feedback-api's group commit is another tool: there the request waits
//! for the commit, because "accepted" may only be said once stored.)

use std::time::Duration;

use futures_util::future::BoxFuture;
use sqlx::PgPool;
use tokio::sync::{mpsc, watch};

/// What a writer gathers: items added one by one (appended, or aggregated
/// into counts), written together.
pub trait Batch: Send + 'static {
    type Item: Send + 'static;
    /// What is gathered, for the logs ("download counts").
    const WHAT: &'static str;
    fn add(&mut self, item: Self::Item);
    /// How much is gathered (items, or distinct keys).
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn clear(&mut self);
    /// Writes everything gathered, in one transaction.
    fn write<'a>(&'a self, db: &'a PgPool) -> BoxFuture<'a, anyhow::Result<()>>;
}

/// How a writer paces itself.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How long items gather before a write.
    pub interval: Duration,
    /// Items waiting in the queue at most.
    pub capacity: usize,
    /// Most gathered (per [`Batch::len`]) before a write.
    pub max_batch: usize,
    /// Longest pause between two attempts while the database refuses.
    pub max_backoff: Duration,
}

/// Where handlers hand their items; cheap to clone.
pub struct Queue<T> {
    sender: mpsc::Sender<T>,
}

impl<T> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Self {
            sender: self.sender.clone(),
        }
    }
}

impl<T> Queue<T> {
    /// Queues `item`, waiting while the writer is a full queue behind;
    /// false once the writer has stopped.
    pub async fn push(&self, item: T) -> bool {
        self.sender.send(item).await.is_ok()
    }

    /// Queues `item` without waiting; false (and the item dropped) when the
    /// queue is full or the writer has stopped.
    pub fn try_push(&self, item: T) -> bool {
        self.sender.try_send(item).is_ok()
    }
}

/// The task that writes a [`Batch`]: run it until shutdown.
pub struct Writer<B: Batch> {
    db: PgPool,
    batch: B,
    receiver: mpsc::Receiver<B::Item>,
    options: Options,
}

/// A queue and the writer that empties it into `batch`.
pub fn channel<B: Batch>(db: PgPool, batch: B, options: Options) -> (Queue<B::Item>, Writer<B>) {
    let (sender, receiver) = mpsc::channel(options.capacity.max(1));
    (
        Queue { sender },
        Writer {
            db,
            batch,
            receiver,
            options,
        },
    )
}

impl<B: Batch> Writer<B> {
    /// Writes until `shutdown`, then writes what is left (three attempts).
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        let mut pause = self.options.interval;
        loop {
            if self.batch.is_empty() {
                tokio::select! {
                    item = self.receiver.recv() => match item {
                        Some(item) => self.batch.add(item),
                        None => break,
                    },
                    _ = shutdown.changed() => break,
                }
            }
            // Let the interval's items gather, then take them.
            let stopping = tokio::select! {
                _ = tokio::time::sleep(pause) => false,
                _ = shutdown.changed() => true,
            };
            if stopping {
                break;
            }
            self.gather();
            match self.batch.write(&self.db).await {
                Ok(()) => {
                    self.batch.clear();
                    pause = self.options.interval;
                }
                Err(error) => {
                    tracing::warn!(error = %error, waiting = self.batch.len(),
                        "{} not written yet; retrying", B::WHAT);
                    pause = (pause * 2).min(self.options.max_backoff);
                }
            }
        }
        // Requests still in flight were drained before background tasks
        // stop: what is queued is all there will be.
        self.receiver.close();
        let mut failures = 0;
        while failures < 3 {
            self.gather();
            if self.batch.is_empty() {
                return;
            }
            match self.batch.write(&self.db).await {
                Ok(()) => self.batch.clear(),
                Err(error) => {
                    failures += 1;
                    tracing::warn!(error = %error, "{} not written at shutdown", B::WHAT);
                }
            }
        }
        let lost = self.batch.len() + self.receiver.len();
        tracing::error!(lost, "{} could not be written before shutdown", B::WHAT);
    }

    /// Moves queued items into the batch, up to `max_batch`.
    fn gather(&mut self) {
        while self.batch.len() < self.options.max_batch {
            match self.receiver.try_recv() {
                Ok(item) => self.batch.add(item),
                Err(_) => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::{Arc, Mutex};

    use super::*;

    /// Sums what it is given; its first `fail` writes fail.
    struct Sum {
        gathered: Vec<u32>,
        written: Arc<Mutex<Vec<Vec<u32>>>>,
        fail: Arc<Mutex<u32>>,
    }

    impl Batch for Sum {
        type Item = u32;
        const WHAT: &'static str = "numbers";

        fn add(&mut self, item: u32) {
            self.gathered.push(item);
        }
        fn len(&self) -> usize {
            self.gathered.len()
        }
        fn clear(&mut self) {
            self.gathered.clear();
        }
        fn write<'a>(&'a self, _: &'a PgPool) -> BoxFuture<'a, anyhow::Result<()>> {
            Box::pin(async move {
                let mut fail = self.fail.lock().unwrap();
                if *fail > 0 {
                    *fail -= 1;
                    anyhow::bail!("the database refuses");
                }
                self.written.lock().unwrap().push(self.gathered.clone());
                Ok(())
            })
        }
    }

    #[tokio::test]
    async fn items_are_written_in_batches_kept_through_failures_and_flushed_at_shutdown() {
        let db = sqlx::postgres::PgPoolOptions::new()
            .connect_lazy("postgres://nobody@127.0.0.1:1/none")
            .unwrap();
        let written = Arc::new(Mutex::new(Vec::new()));
        let fail = Arc::new(Mutex::new(2));
        let sum = Sum {
            gathered: Vec::new(),
            written: written.clone(),
            fail: fail.clone(),
        };
        let options = Options {
            interval: Duration::from_millis(20),
            capacity: 100,
            max_batch: 1000,
            max_backoff: Duration::from_millis(50),
        };
        let (queue, writer) = channel(db, sum, options);
        let (stop, shutdown) = watch::channel(false);
        let task = tokio::spawn(writer.run(shutdown));
        for n in 0..10 {
            assert!(queue.push(n).await);
        }
        // Two failed writes, then one with everything gathered meanwhile.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(*fail.lock().unwrap(), 0);
        let total: usize = written.lock().unwrap().iter().map(Vec::len).sum();
        assert_eq!(total, 10);
        // What is queued when the service stops is written, not lost.
        for n in 10..15 {
            assert!(queue.try_push(n));
        }
        stop.send(true).unwrap();
        task.await.unwrap();
        let all: Vec<u32> = written.lock().unwrap().concat();
        assert_eq!(all, (0..15).collect::<Vec<_>>());
        assert!(!queue.try_push(99), "the writer has stopped");
    }
}
