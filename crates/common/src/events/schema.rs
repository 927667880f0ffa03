//! JSON Schemas of the events, generated from their Rust types; `proto/events/`
//! holds them, and a test fails when they drift from the code.

use serde_json::{Value, json};

use super::types::{
    AdminAction, ContentRemoved, EventPayload, ExtensionPublished, FeedbackSubmitted,
    FilesDownloaded, LayoutPublished, RecommendationServed,
};

/// Every event type with the JSON Schema (2020-12) of its whole envelope.
pub fn event_schemas() -> Vec<(&'static str, Value)> {
    vec![
        envelope_schema::<ExtensionPublished>(),
        envelope_schema::<LayoutPublished>(),
        envelope_schema::<ContentRemoved>(),
        envelope_schema::<FilesDownloaded>(),
        envelope_schema::<FeedbackSubmitted>(),
        envelope_schema::<RecommendationServed>(),
        envelope_schema::<AdminAction>(),
    ]
}

/// Every event type name.
pub fn event_types() -> Vec<&'static str> {
    event_schemas().into_iter().map(|(t, _)| t).collect()
}

fn envelope_schema<P: EventPayload>() -> (&'static str, Value) {
    let data = serde_json::to_value(<P as utoipa::PartialSchema>::schema()).unwrap_or(Value::Null);
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("urn:sora:event:{}", P::TYPE),
        "title": P::TYPE,
        "description": "A CloudEvents 1.0 event in JSON structured mode, as carried in a queue message body.",
        "type": "object",
        "additionalProperties": false,
        "required": ["specversion", "id", "source", "type", "time", "datacontenttype", "data"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {"type": "string", "format": "uuid", "description": "UUID v7; consumers deduplicate on it."},
            "source": {"type": "string", "pattern": "^/sora/[a-z-]+$"},
            "type": {"const": P::TYPE},
            "time": {"type": "string", "format": "date-time"},
            "datacontenttype": {"const": "application/json"},
            "traceparent": {
                "type": "string",
                "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
                "description": "W3C trace context of the producer."
            },
            "data": data
        }
    });
    (P::TYPE, schema)
}
