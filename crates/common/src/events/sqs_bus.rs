//! The production event bus: Amazon SQS (or any SQS-compatible server: ElasticMQ,
//! LocalStack, moto), each queue with a redrive policy to its dead-letter queue.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{
    MessageAttributeValue, MessageSystemAttributeName, QueueAttributeName,
    SendMessageBatchRequestEntry,
};
use tokio::sync::RwLock;

use super::bus::{Delivery, EventBus, OutgoingMessage, QueueDepth, Routes};
use super::settings::SqsSettings;

/// SQS allows at most 10 messages per batch call.
const BATCH: usize = 10;
const TYPE_ATTRIBUTE: &str = "ce_type";
const TRACEPARENT_ATTRIBUTE: &str = "traceparent";
/// A queue's subscriptions are its tags `subscribes:<event type>`: the bus
/// itself keeps them, as the PostgreSQL bus keeps its `subscriptions` table.
const SUBSCRIPTION_TAG: &str = "subscribes:";
const DLQ_SUFFIX: &str = "-dlq";

#[derive(Clone)]
pub struct SqsBus {
    client: Client,
    prefix: String,
    max_receives: u32,
    visibility: Duration,
    /// Queue name → (queue URL, dead-letter queue URL).
    urls: Arc<RwLock<HashMap<String, (String, String)>>>,
}

impl SqsBus {
    pub async fn new(settings: &SqsSettings, max_receives: u32, visibility: Duration) -> Self {
        let config = crate::aws::sdk_config(
            &settings.region,
            &settings.endpoint_url,
            &settings.access_key_id,
            &settings.secret_access_key,
        )
        .await;
        Self {
            client: Client::new(&config),
            prefix: settings.queue_prefix.clone(),
            max_receives,
            visibility,
            urls: Arc::default(),
        }
    }

    async fn urls(&self, queue: &str) -> anyhow::Result<(String, String)> {
        if let Some(urls) = self.urls.read().await.get(queue) {
            return Ok(urls.clone());
        }
        self.ensure_queue(queue).await?;
        self.urls
            .read()
            .await
            .get(queue)
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("queue {queue} could not be created"))
    }

    async fn create(
        &self,
        name: &str,
        attributes: Vec<(QueueAttributeName, String)>,
    ) -> anyhow::Result<String> {
        let mut request = self.client.create_queue().queue_name(name);
        for (key, value) in attributes {
            request = request.attributes(key, value);
        }
        let output = request.send().await?;
        output
            .queue_url()
            .map(str::to_owned)
            .ok_or_else(|| anyhow::anyhow!("SQS returned no URL for {name}"))
    }

    /// The URL of `name`, or `None` when there is no such queue.
    async fn existing(&self, name: &str) -> anyhow::Result<Option<String>> {
        match self.client.get_queue_url().queue_name(name).send().await {
            Ok(output) => Ok(output.queue_url().map(str::to_owned)),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_queue_does_not_exist()) =>
            {
                Ok(None)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// The redrive policy sending `name`'s messages to the dead-letter queue
    /// at `dlq_url` after `max_receives` receives.
    async fn redrive_policy(&self, dlq_url: &str, name: &str) -> anyhow::Result<String> {
        let dlq_arn = self
            .client
            .get_queue_attributes()
            .queue_url(dlq_url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await?
            .attributes()
            .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
            .ok_or_else(|| anyhow::anyhow!("SQS returned no ARN for {name}{DLQ_SUFFIX}"))?;
        Ok(serde_json::json!({
            "deadLetterTargetArn": dlq_arn,
            "maxReceiveCount": self.max_receives.to_string(),
        })
        .to_string())
    }

    async fn count(&self, url: &str) -> anyhow::Result<(u64, u64)> {
        let output = self
            .client
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await?;
        let attributes = output.attributes().cloned().unwrap_or_default();
        let number = |key: QueueAttributeName| {
            attributes
                .get(&key)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        Ok((
            number(QueueAttributeName::ApproximateNumberOfMessages),
            number(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
        ))
    }

    /// Passes `result` through; on an error, forgets the queue's cached URLs,
    /// so after the server lost its queues (a restart, a deleted queue) the
    /// next call creates them again.
    async fn checked<T, E: Into<anyhow::Error>>(
        &self,
        queue: &str,
        result: Result<T, E>,
    ) -> anyhow::Result<T> {
        if result.is_err() {
            self.urls.write().await.remove(queue);
        }
        result.map_err(Into::into)
    }
}

fn string_attribute(value: &str) -> anyhow::Result<MessageAttributeValue> {
    Ok(MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()?)
}

impl EventBus for SqsBus {
    /// Uses the queue and its dead-letter queue as they are when they exist
    /// (made by Terraform, with the operator's attributes: CreateQueue would
    /// refuse other values, and publishers may not create queues), and
    /// creates whichever is missing.
    async fn ensure_queue(&self, queue: &str) -> anyhow::Result<()> {
        let name = format!("{}{queue}", self.prefix);
        let dlq_name = format!("{name}{DLQ_SUFFIX}");
        let dlq_url = match self.existing(&dlq_name).await? {
            Some(url) => url,
            None => self.create(&dlq_name, Vec::new()).await?,
        };
        let url = match self.existing(&name).await? {
            Some(url) => url,
            None => {
                let redrive = self.redrive_policy(&dlq_url, &name).await?;
                let visibility = self.visibility.as_secs().max(1).to_string();
                self.create(
                    &name,
                    vec![
                        (QueueAttributeName::RedrivePolicy, redrive),
                        (QueueAttributeName::VisibilityTimeout, visibility),
                    ],
                )
                .await?
            }
        };
        self.urls
            .write()
            .await
            .insert(queue.to_owned(), (url, dlq_url));
        Ok(())
    }

    async fn subscribe(&self, queue: &str, types: &[&str]) -> anyhow::Result<()> {
        self.ensure_queue(queue).await?;
        let (url, _) = self.urls(queue).await?;
        let result = self.client.list_queue_tags().queue_url(&url).send().await;
        let current = self.checked(queue, result).await?;
        let obsolete: Vec<String> = current
            .tags()
            .map(|tags| {
                tags.keys()
                    .filter(|key| {
                        key.strip_prefix(SUBSCRIPTION_TAG)
                            .is_some_and(|t| !types.contains(&t))
                    })
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if !obsolete.is_empty() {
            let result = self
                .client
                .untag_queue()
                .queue_url(&url)
                .set_tag_keys(Some(obsolete))
                .send()
                .await;
            self.checked(queue, result).await?;
        }
        if !types.is_empty() {
            let mut request = self.client.tag_queue().queue_url(&url);
            for event_type in types {
                request = request.tags(format!("{SUBSCRIPTION_TAG}{event_type}"), "1");
            }
            let result = request.send().await;
            self.checked(queue, result).await?;
        }
        Ok(())
    }

    async fn subscriptions(&self) -> anyhow::Result<Routes> {
        let mut routes = Routes::new();
        let mut next_token = None;
        loop {
            let page = self
                .client
                .list_queues()
                .queue_name_prefix(&self.prefix)
                .max_results(1000)
                .set_next_token(next_token)
                .send()
                .await?;
            for url in page.queue_urls() {
                let Some(name) = url.rsplit('/').next() else {
                    continue;
                };
                let Some(queue) = name.strip_prefix(&self.prefix) else {
                    continue;
                };
                if queue.ends_with(DLQ_SUFFIX) {
                    continue;
                }
                let tags = self.client.list_queue_tags().queue_url(url).send().await?;
                let types = tags
                    .tags()
                    .into_iter()
                    .flat_map(|tags| tags.keys())
                    .filter_map(|key| key.strip_prefix(SUBSCRIPTION_TAG))
                    .map(str::to_owned);
                routes.entry(queue.to_owned()).or_default().extend(types);
            }
            next_token = page.next_token().map(str::to_owned);
            if next_token.is_none() {
                break;
            }
        }
        routes.retain(|_, types| !types.is_empty());
        Ok(routes)
    }

    async fn send(&self, queue: &str, messages: &[OutgoingMessage]) -> anyhow::Result<()> {
        let (url, _) = self.urls(queue).await?;
        for chunk in messages.chunks(BATCH) {
            let mut entries = Vec::with_capacity(chunk.len());
            for (i, message) in chunk.iter().enumerate() {
                let mut entry = SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(&message.body)
                    .message_attributes(TYPE_ATTRIBUTE, string_attribute(&message.event_type)?);
                if let Some(traceparent) = &message.traceparent {
                    entry = entry
                        .message_attributes(TRACEPARENT_ATTRIBUTE, string_attribute(traceparent)?);
                }
                entries.push(entry.build()?);
            }
            let result = self
                .client
                .send_message_batch()
                .queue_url(&url)
                .set_entries(Some(entries))
                .send()
                .await;
            let output = self.checked(queue, result).await?;
            if let Some(failed) = output.failed().first() {
                anyhow::bail!(
                    "SQS refused {} message(s): {}",
                    output.failed().len(),
                    failed.message().unwrap_or("no reason given")
                );
            }
        }
        Ok(())
    }

    async fn receive(
        &self,
        queue: &str,
        max: u32,
        wait: Duration,
    ) -> anyhow::Result<Vec<Delivery>> {
        let (url, _) = self.urls(queue).await?;
        let result = self
            .client
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(i32::try_from(max.clamp(1, 10)).unwrap_or(10))
            .wait_time_seconds(i32::try_from(wait.as_secs().min(20)).unwrap_or(20))
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .message_attribute_names("All")
            .send()
            .await;
        let output = self.checked(queue, result).await?;
        Ok(output
            .messages()
            .iter()
            .filter_map(|message| {
                let attribute = |name: &str| {
                    message
                        .message_attributes()
                        .and_then(|a| a.get(name))
                        .and_then(|v| v.string_value())
                        .map(str::to_owned)
                };
                Some(Delivery {
                    body: message.body()?.to_owned(),
                    receipt: message.receipt_handle()?.to_owned(),
                    receive_count: message
                        .attributes()
                        .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(1),
                    event_type: attribute(TYPE_ATTRIBUTE),
                    traceparent: attribute(TRACEPARENT_ATTRIBUTE),
                })
            })
            .collect())
    }

    async fn ack(&self, queue: &str, receipt: &str) -> anyhow::Result<()> {
        let (url, _) = self.urls(queue).await?;
        let result = self
            .client
            .delete_message()
            .queue_url(url)
            .receipt_handle(receipt)
            .send()
            .await;
        self.checked(queue, result).await?;
        Ok(())
    }

    async fn retry_later(&self, queue: &str, receipt: &str, delay: Duration) -> anyhow::Result<()> {
        let (url, _) = self.urls(queue).await?;
        let result = self
            .client
            .change_message_visibility()
            .queue_url(url)
            .receipt_handle(receipt)
            .visibility_timeout(delay.as_secs_f64().ceil().min(43_200.0) as i32)
            .send()
            .await;
        self.checked(queue, result).await?;
        Ok(())
    }

    async fn depth(&self, queue: &str) -> anyhow::Result<QueueDepth> {
        let (url, dlq_url) = self.urls(queue).await?;
        let (ready, in_flight) = self.checked(queue, self.count(&url).await).await?;
        let (dead_ready, dead_in_flight) = self.checked(queue, self.count(&dlq_url).await).await?;
        Ok(QueueDepth {
            ready,
            in_flight,
            dead: dead_ready + dead_in_flight,
        })
    }

    async fn ping(&self) -> anyhow::Result<()> {
        tokio::time::timeout(
            Duration::from_secs(2),
            self.client.list_queues().max_results(1).send(),
        )
        .await
        .map_err(|_| anyhow::anyhow!("SQS timed out"))??;
        Ok(())
    }
}
