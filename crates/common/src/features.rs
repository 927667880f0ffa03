//! MCAP features: what a client reads from a recording's summary section
//! (its profile, the library that wrote it, its duration and its topics with
//! their schemas) and sends with feedback and recommendation requests. The
//! recommender learns which layouts and extensions suit which features.
//! Bounded, so that one request or event stays small.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::FieldError;

/// Most topics one set of features may list.
pub const MAX_TOPICS: usize = 1000;
/// Longest text field, in characters.
pub const MAX_TEXT_CHARS: usize = 256;

/// Features of one MCAP recording.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct McapFeatures {
    /// The MCAP profile, e.g. `ros1`, `ros2`, or empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The library that wrote the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<String>,
    /// From the first message to the last, in nanoseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ns: Option<u64>,
    /// At most 1,000.
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub topics: Vec<TopicFeature>,
}

/// One topic of a recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicFeature {
    /// e.g. `/camera/image_raw`.
    pub topic: String,
    /// e.g. `sensor_msgs/msg/Image`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_name: Option<String>,
    /// e.g. `ros2msg`, `protobuf`, `jsonschema`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_encoding: Option<String>,
    /// e.g. `cdr`, `protobuf`, `json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_count: Option<u64>,
}

impl McapFeatures {
    /// What is out of bounds, as errors naming `prefix.field`.
    pub fn check(&self, prefix: &str, errors: &mut Vec<FieldError>) {
        let text = |field: String, value: &Option<String>, errors: &mut Vec<FieldError>| {
            if let Some(value) = value {
                check_text(&field, value, errors);
            }
        };
        text(format!("{prefix}.profile"), &self.profile, errors);
        text(format!("{prefix}.library"), &self.library, errors);
        if self.topics.len() > MAX_TOPICS {
            errors.push(FieldError::new(
                format!("{prefix}.topics"),
                format!("at most {MAX_TOPICS} topics"),
            ));
            return;
        }
        for (n, topic) in self.topics.iter().enumerate() {
            let at = format!("{prefix}.topics[{n}]");
            if topic.topic.is_empty() {
                errors.push(FieldError::new(format!("{at}.topic"), "must not be empty"));
            }
            check_text(&format!("{at}.topic"), &topic.topic, errors);
            text(format!("{at}.schema_name"), &topic.schema_name, errors);
            text(
                format!("{at}.schema_encoding"),
                &topic.schema_encoding,
                errors,
            );
            text(
                format!("{at}.message_encoding"),
                &topic.message_encoding,
                errors,
            );
        }
    }
}

fn check_text(field: &str, value: &str, errors: &mut Vec<FieldError>) {
    if value.chars().count() > MAX_TEXT_CHARS {
        errors.push(FieldError::new(
            field,
            format!("at most {MAX_TEXT_CHARS} characters"),
        ));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn problems(features: &McapFeatures) -> Vec<String> {
        let mut errors = Vec::new();
        features.check("mcap_features", &mut errors);
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn the_design_example_reads_and_passes() {
        let features: McapFeatures = serde_json::from_str(
            r#"{"profile": "ros2", "library": "mcap-cli", "duration_ns": 1200000000,
                "topics": [{"topic": "/camera/image_raw", "schema_name": "sensor_msgs/msg/Image",
                            "schema_encoding": "ros2msg", "message_encoding": "cdr",
                            "message_count": 1800}]}"#,
        )
        .unwrap();
        assert!(problems(&features).is_empty());
        assert!(serde_json::from_str::<McapFeatures>(r#"{"topics": [], "extra": 1}"#).is_err());
    }

    #[test]
    fn sizes_are_bounded() {
        let topic = |name: &str| TopicFeature {
            topic: name.to_owned(),
            schema_name: Some("x".repeat(MAX_TEXT_CHARS + 1)),
            schema_encoding: None,
            message_encoding: None,
            message_count: None,
        };
        let features = McapFeatures {
            profile: Some("p".repeat(MAX_TEXT_CHARS + 1)),
            topics: vec![topic("/a"), topic("")],
            ..McapFeatures::default()
        };
        assert_eq!(
            problems(&features),
            [
                "mcap_features.profile",
                "mcap_features.topics[0].schema_name",
                "mcap_features.topics[1].topic",
                "mcap_features.topics[1].schema_name"
            ]
        );
        let many = McapFeatures {
            topics: (0..=MAX_TOPICS).map(|n| topic(&format!("/t{n}"))).collect(),
            ..McapFeatures::default()
        };
        assert_eq!(problems(&many), ["mcap_features.topics"]);
    }
}
