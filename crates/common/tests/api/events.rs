//! The event bus contract, run against both backends, and the event schemas.

use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName;
use sora_common::config::NoSettings;
use sora_common::events::bus::{EventBus, OutgoingMessage, QueueDepth};
use sora_common::events::pg_bus::PgBus;
use sora_common::events::sqs_bus::SqsBus;
use sora_common::events::types::{AdminAction, EventPayload};
use sora_common::events::{Envelope, schema};
use sora_common::{Settings, db};
use sora_testing::database::TestDatabase;
use sora_testing::settings::{base_settings, sqs_endpoint, use_sqs};

use crate::helpers::SPEC;

fn message(n: usize) -> OutgoingMessage {
    OutgoingMessage {
        body: format!("{{\"n\": {n}}}"),
        event_type: "sora.test.v1".to_owned(),
        traceparent: Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned()),
    }
}

const WAIT: Duration = Duration::from_secs(2);

/// What every bus must do; `max_receives` is 2 for both.
async fn bus_contract<B: EventBus>(bus: &B) {
    let queue = "contract";
    bus.ensure_queue(queue).await.unwrap();
    bus.ensure_queue(queue).await.unwrap(); // idempotent
    bus.send(queue, &(0..3).map(message).collect::<Vec<_>>())
        .await
        .unwrap();

    let mut received = Vec::new();
    while received.len() < 3 {
        let batch = bus.receive(queue, 10, WAIT).await.unwrap();
        assert!(!batch.is_empty(), "messages went missing");
        received.extend(batch);
    }
    let mut bodies: Vec<&str> = received.iter().map(|d| d.body.as_str()).collect();
    bodies.sort_unstable();
    assert_eq!(bodies, ["{\"n\": 0}", "{\"n\": 1}", "{\"n\": 2}"]);
    assert!(received.iter().all(|d| d.receive_count == 1));
    assert!(
        received
            .iter()
            .all(|d| d.event_type.as_deref() == Some("sora.test.v1"))
    );
    assert!(
        received
            .iter()
            .all(|d| d.traceparent.as_deref() == message(0).traceparent.as_deref())
    );

    // Received messages are invisible to other receivers.
    assert!(
        bus.receive(queue, 10, Duration::from_millis(300))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        bus.depth(queue).await.unwrap(),
        QueueDepth {
            ready: 0,
            in_flight: 3,
            dead: 0
        }
    );

    bus.ack(queue, &received[0].receipt).await.unwrap();
    bus.ack(queue, &received[1].receipt).await.unwrap();
    // A retry makes the message visible again, with its receive count kept.
    bus.retry_later(queue, &received[2].receipt, Duration::ZERO)
        .await
        .unwrap();
    let again = bus.receive(queue, 10, WAIT).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].body, received[2].body);
    assert_eq!(again[0].receive_count, 2);

    // Received max_receives (2) times without success: dead-lettered, not delivered.
    bus.retry_later(queue, &again[0].receipt, Duration::ZERO)
        .await
        .unwrap();
    assert!(
        bus.receive(queue, 10, Duration::from_millis(500))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        bus.depth(queue).await.unwrap(),
        QueueDepth {
            ready: 0,
            in_flight: 0,
            dead: 1
        }
    );

    // An acknowledged message is gone for good.
    bus.send(queue, &[message(9)]).await.unwrap();
    let last = bus.receive(queue, 10, WAIT).await.unwrap();
    assert_eq!(last.len(), 1);
    bus.ack(queue, &last[0].receipt).await.unwrap();
    assert!(
        bus.receive(queue, 10, Duration::from_millis(300))
            .await
            .unwrap()
            .is_empty()
    );
    bus.ping().await.unwrap();

    // A consumer's subscription is kept by the bus, for every producer to read;
    // subscribing again replaces what the queue receives.
    assert!(bus.subscriptions().await.unwrap().is_empty());
    bus.subscribe("audit", &["sora.a.v1", "sora.b.v1"])
        .await
        .unwrap();
    bus.subscribe("stats", &["sora.b.v1"]).await.unwrap();
    let routes = bus.subscriptions().await.unwrap();
    let types = |queue: &str| routes[queue].iter().cloned().collect::<Vec<_>>();
    assert_eq!(types("audit"), ["sora.a.v1", "sora.b.v1"]);
    assert_eq!(types("stats"), ["sora.b.v1"]);
    bus.subscribe("audit", &["sora.c.v1"]).await.unwrap();
    let routes = bus.subscriptions().await.unwrap();
    assert_eq!(routes["audit"].iter().collect::<Vec<_>>(), ["sora.c.v1"]);
    assert!(
        !routes.contains_key(queue),
        "a queue nobody subscribed has no route"
    );
}

fn settings_for(database: &TestDatabase) -> Settings<NoSettings> {
    let mut settings = base_settings::<NoSettings>(&SPEC);
    database.configure(&mut settings.database);
    settings
}

#[tokio::test]
async fn the_postgres_bus_keeps_the_contract() {
    let database = TestDatabase::create(&SPEC).await;
    let settings = settings_for(&database);
    let pool = db::pool(
        &settings.events.bus_database(&settings.database),
        "contract",
    );
    bus_contract(&PgBus::new(pool, 2, Duration::from_secs(30))).await;
}

#[tokio::test]
async fn the_sqs_bus_keeps_the_contract() {
    let mut settings = base_settings::<NoSettings>(&SPEC);
    use_sqs(&mut settings.events, &sqs_endpoint());
    bus_contract(&SqsBus::new(&settings.events.sqs, 2, Duration::from_secs(30)).await).await;
}

/// Queues an operator made beforehand (infra/aws/sqs.tf) with attributes of
/// their own: the bus uses them as they are. CreateQueue with the service's
/// values would be refused ("QueueAlreadyExists") and stop the service.
#[tokio::test]
async fn the_sqs_bus_uses_queues_made_by_the_operator() {
    let mut settings = base_settings::<NoSettings>(&SPEC);
    use_sqs(&mut settings.events, &sqs_endpoint());
    let sqs = &settings.events.sqs;
    let config = sora_common::aws::sdk_config(
        &sqs.region,
        &sqs.endpoint_url,
        &sqs.access_key_id,
        &sqs.secret_access_key,
    )
    .await;
    let client = aws_sdk_sqs::Client::new(&config);
    let name = format!("{}made", sqs.queue_prefix);
    let dlq_url = client
        .create_queue()
        .queue_name(format!("{name}-dlq"))
        .attributes(QueueAttributeName::MessageRetentionPeriod, "1209600")
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let dlq_arn = client
        .get_queue_attributes()
        .queue_url(&dlq_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap()[&QueueAttributeName::QueueArn]
        .clone();
    // As Terraform's jsonencode writes it: maxReceiveCount a number, and
    // neither it nor the visibility timeout what the service is configured with.
    let redrive = serde_json::json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1});
    let url = client
        .create_queue()
        .queue_name(&name)
        .attributes(QueueAttributeName::VisibilityTimeout, "45")
        .attributes(QueueAttributeName::RedrivePolicy, redrive.to_string())
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();

    let bus = SqsBus::new(sqs, 5, Duration::from_secs(30)).await;
    bus.ensure_queue("made").await.unwrap();
    bus.send("made", &[message(1)]).await.unwrap();
    let received = bus.receive("made", 10, WAIT).await.unwrap();
    assert_eq!(received.len(), 1);
    // The operator's redrive policy holds: one receive, then dead letters.
    bus.retry_later("made", &received[0].receipt, Duration::ZERO)
        .await
        .unwrap();
    assert!(
        bus.receive("made", 10, Duration::from_millis(500))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(bus.depth("made").await.unwrap().dead, 1);

    let attributes = client
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::All)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap();
    assert_eq!(attributes[&QueueAttributeName::VisibilityTimeout], "45");
}

#[tokio::test]
async fn envelopes_round_trip_and_carry_the_trace() {
    sora_common::telemetry::init_for_tests();
    let payload = AdminAction {
        actor: "u1".to_owned(),
        action: "user.created".to_owned(),
        target_type: "user".to_owned(),
        target_id: "u2".to_owned(),
        details: serde_json::json!({"role": "editor"}),
    };
    let (envelope, trace_id) = sora_common::telemetry::in_trace(None, async {
        (
            Envelope::new("admin-api", &payload).unwrap(),
            sora_common::telemetry::current_trace_id(),
        )
    })
    .await;
    assert!(envelope.traceparent.as_deref().unwrap().contains(&trace_id));
    let parsed = Envelope::parse(&serde_json::to_string(&envelope).unwrap()).unwrap();
    assert_eq!(parsed, envelope);
    assert_eq!(parsed.payload::<AdminAction>().unwrap(), payload);
    assert_eq!(parsed.source, "/sora/admin-api");
    assert_eq!(parsed.event_type, AdminAction::TYPE);
    assert!(Envelope::parse("{\"specversion\": \"0.3\"}").is_err());
    assert!(
        parsed
            .payload::<sora_common::events::types::FilesDownloaded>()
            .is_err()
    );
}

/// `proto/events/` holds each event's schema as generated from the code; set
/// SORA_UPDATE_CONTRACTS=1 (what `make contracts` does) to rewrite them.
#[test]
fn event_schemas_match_the_checked_in_contracts() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../proto/events");
    let update = std::env::var_os("SORA_UPDATE_CONTRACTS").is_some();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut expected_files = Vec::new();
    for (event_type, schema) in schema::event_schemas() {
        let file = dir.join(format!("{event_type}.schema.json"));
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        if update {
            std::fs::write(&file, &text).unwrap();
        }
        let checked_in = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            checked_in == text,
            "{} differs from the code: run `make contracts` and commit the result",
            file.display()
        );
        assert_eq!(schema["properties"]["type"]["const"], event_type);
        expected_files.push(file.file_name().unwrap().to_owned());
    }
    let mut present: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    present.sort();
    expected_files.sort();
    assert_eq!(
        present, expected_files,
        "proto/events has schemas of unknown event types"
    );
}

#[test]
fn every_event_type_is_versioned() {
    for event_type in schema::event_types() {
        assert!(
            event_type.starts_with("sora.")
                && event_type
                    .rsplit_once(".v")
                    .is_some_and(|(_, n)| n.parse::<u32>().is_ok_and(|n| n >= 1)),
            "{event_type}"
        );
    }
}
