//! A feedback event as a client sends it, and the rules it must pass before
//! anything of it is kept. One invalid event refuses the whole request, with
//! an error per field (`events[3].rating`).

use serde::Deserialize;
use sora_common::error::FieldError;
use sora_common::events::types::{ContentKind, ItemRef};
use sora_common::features::McapFeatures;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;
use uuid::Uuid;

/// What happened, as the client reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum FeedbackType {
    LayoutApplied,
    ExtensionInstalled,
    ExtensionUninstalled,
    RecommendationShown,
    RecommendationAccepted,
    RecommendationDismissed,
    Rating,
    SessionStarted,
}

impl FeedbackType {
    pub const ALL: [Self; 8] = [
        Self::LayoutApplied,
        Self::ExtensionInstalled,
        Self::ExtensionUninstalled,
        Self::RecommendationShown,
        Self::RecommendationAccepted,
        Self::RecommendationDismissed,
        Self::Rating,
        Self::SessionStarted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::LayoutApplied => "layout_applied",
            Self::ExtensionInstalled => "extension_installed",
            Self::ExtensionUninstalled => "extension_uninstalled",
            Self::RecommendationShown => "recommendation_shown",
            Self::RecommendationAccepted => "recommendation_accepted",
            Self::RecommendationDismissed => "recommendation_dismissed",
            Self::Rating => "rating",
            Self::SessionStarted => "session_started",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    fn needs_recommendation(self) -> bool {
        matches!(
            self,
            Self::RecommendationShown
                | Self::RecommendationAccepted
                | Self::RecommendationDismissed
        )
    }
}

/// The body of `POST /api/feedback`, read in one pass: one event, or a batch
/// (`{"events": [...]}`, an object with `events` and nothing else). Every
/// field is optional here so that each missing or wrong one is reported by
/// name; [`validate`] turns it into checked events. The OpenAPI document is
/// generated from this type: the `schema` attributes state what [`validate`]
/// accepts (a test holds the two together).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = FeedbackEvent, description = "One feedback event (DESIGN.md §5).")]
pub struct EventIn {
    #[schema(ignore)]
    events: Option<Vec<EventIn>>,
    #[serde(rename = "type")]
    #[schema(required = true, value_type = FeedbackType, inline)]
    kind: Option<String>,
    /// Must be true: nothing is stored without the user's consent.
    #[schema(required = true, value_type = bool)]
    consent: Option<bool>,
    /// A random id the client made for its installation; only a keyed hash
    /// of it is kept.
    #[schema(required = true, value_type = Uuid)]
    install_id: Option<String>,
    #[schema(max_length = 64)]
    app_version: Option<String>,
    #[schema(max_length = 64)]
    os: Option<String>,
    #[schema(max_length = 35)]
    locale: Option<String>,
    #[schema(inline)]
    item: Option<ItemIn>,
    /// Required for the `recommendation_*` types.
    #[schema(max_length = 64, pattern = "^[A-Za-z0-9._:-]+$")]
    recommendation_id: Option<String>,
    /// Required for the `rating` type.
    #[schema(value_type = Option<u8>, minimum = 1, maximum = 5)]
    rating: Option<i64>,
    /// Redacted (e-mail addresses, IPs, phone numbers, credentials) and
    /// encrypted before it is stored; only administrators read it.
    #[schema(max_length = 2000)]
    comment: Option<String>,
    mcap_features: Option<McapFeatures>,
    /// When it happened (default: on receipt); not in the future, not older
    /// than the retention period.
    #[schema(format = DateTime)]
    occurred_at: Option<String>,
    /// Made by the client so that retries are stored once.
    #[schema(value_type = Option<Uuid>)]
    event_id: Option<String>,
}

/// The item an event is about.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ItemIn {
    #[schema(value_type = ContentKind, inline)]
    kind: String,
    #[schema(min_length = 1, max_length = 200)]
    id: String,
    #[schema(min_length = 1, max_length = 64)]
    version: Option<String>,
}

/// An event that passed every rule.
#[derive(Debug, Clone)]
pub struct ValidEvent {
    pub event_id: Uuid,
    pub kind: FeedbackType,
    pub install_id: Uuid,
    pub app_version: Option<String>,
    pub os: Option<String>,
    pub locale: Option<String>,
    pub item: Option<ItemRef>,
    pub recommendation_id: Option<String>,
    pub rating: Option<u8>,
    pub comment: Option<String>,
    pub mcap_features: Option<McapFeatures>,
    pub occurred_at: OffsetDateTime,
}

/// The bounds that depend on settings.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_events: usize,
    /// How far ahead of the server's clock `occurred_at` may be.
    pub max_skew: time::Duration,
    /// How far behind: the retention period (older events would be dropped
    /// at once).
    pub max_age: time::Duration,
}

pub const MAX_COMMENT_CHARS: usize = 2000;
const MAX_LABEL_CHARS: usize = 64;
const MAX_LOCALE_CHARS: usize = 35;
const MAX_ITEM_ID_CHARS: usize = 200;

/// The events of `body`, or every reason it is refused.
pub fn validate(
    body: EventIn,
    now: OffsetDateTime,
    limits: &Limits,
) -> Result<Vec<ValidEvent>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let events = match body.events {
        Some(ref events) => {
            for field in body.present_fields() {
                errors.push(FieldError::new(
                    field,
                    "a batch has only `events`; put this field in each event",
                ));
            }
            if events.is_empty() || events.len() > limits.max_events {
                errors.push(FieldError::new(
                    "events",
                    format!("must hold 1 to {} events", limits.max_events),
                ));
                return Err(errors);
            }
            let Some(events) = body.events else {
                return Err(errors);
            };
            events
                .into_iter()
                .enumerate()
                .filter_map(|(n, event)| {
                    check_event(event, &format!("events[{n}]."), now, limits, &mut errors)
                })
                .collect()
        }
        None => check_event(body, "", now, limits, &mut errors)
            .into_iter()
            .collect(),
    };
    if errors.is_empty() {
        Ok(events)
    } else {
        Err(errors)
    }
}

impl EventIn {
    /// The event fields set (beside `events`).
    fn present_fields(&self) -> Vec<&'static str> {
        [
            ("type", self.kind.is_some()),
            ("consent", self.consent.is_some()),
            ("install_id", self.install_id.is_some()),
            ("app_version", self.app_version.is_some()),
            ("os", self.os.is_some()),
            ("locale", self.locale.is_some()),
            ("item", self.item.is_some()),
            ("recommendation_id", self.recommendation_id.is_some()),
            ("rating", self.rating.is_some()),
            ("comment", self.comment.is_some()),
            ("mcap_features", self.mcap_features.is_some()),
            ("occurred_at", self.occurred_at.is_some()),
            ("event_id", self.event_id.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }
}

fn check_event(
    event: EventIn,
    at: &str,
    now: OffsetDateTime,
    limits: &Limits,
    errors: &mut Vec<FieldError>,
) -> Option<ValidEvent> {
    let before = errors.len();
    let mut bad = |field: &str, message: String| {
        errors.push(FieldError::new(format!("{at}{field}"), message));
    };
    if event.events.is_some() {
        bad("events", "batches do not nest".to_owned());
    }
    let kind = match event.kind.as_deref() {
        None => {
            bad("type", "required".to_owned());
            None
        }
        Some(text) => FeedbackType::parse(text).or_else(|| {
            let known: Vec<&str> = FeedbackType::ALL.iter().map(|t| t.as_str()).collect();
            bad("type", format!("must be one of {}", known.join(", ")));
            None
        }),
    };
    if event.consent != Some(true) {
        bad(
            "consent",
            "must be true: nothing is stored without the user's consent".to_owned(),
        );
    }
    let install_id = match event.install_id.as_deref() {
        None => {
            bad("install_id", "required".to_owned());
            None
        }
        Some(text) => Uuid::parse_str(text).ok().or_else(|| {
            bad("install_id", "must be a UUID".to_owned());
            None
        }),
    };
    for (field, value, max) in [
        ("app_version", &event.app_version, MAX_LABEL_CHARS),
        ("os", &event.os, MAX_LABEL_CHARS),
        ("locale", &event.locale, MAX_LOCALE_CHARS),
    ] {
        if let Some(value) = value
            && (value.chars().count() > max || value.chars().any(char::is_control))
        {
            bad(
                field,
                format!("at most {max} characters, none of them control characters"),
            );
        }
    }
    let item = event.item.and_then(|item| {
        let kind = ContentKind::parse(&item.kind);
        if kind.is_none() {
            bad("item.kind", "must be extension or layout".to_owned());
        }
        let id_ok = !item.id.is_empty()
            && item.id.chars().count() <= MAX_ITEM_ID_CHARS
            && !item.id.chars().any(char::is_control);
        if !id_ok {
            bad(
                "item.id",
                format!("1 to {MAX_ITEM_ID_CHARS} characters, no control characters"),
            );
        }
        if let Some(version) = &item.version
            && (version.is_empty() || version.chars().count() > MAX_LABEL_CHARS)
        {
            bad("item.version", format!("1 to {MAX_LABEL_CHARS} characters"));
        }
        Some(ItemRef {
            kind: kind?,
            id: item.id,
            version: item.version,
        })
        .filter(|_| id_ok)
    });
    if let Some(id) = &event.recommendation_id
        && (id.is_empty()
            || id.len() > MAX_LABEL_CHARS
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b)))
    {
        bad(
            "recommendation_id",
            format!("1 to {MAX_LABEL_CHARS} of A-Z, a-z, 0-9, `-_.:`"),
        );
    }
    let rating = match event.rating {
        None => None,
        Some(rating @ 1..=5) => u8::try_from(rating).ok(),
        Some(_) => {
            bad("rating", "must be 1 to 5".to_owned());
            None
        }
    };
    if kind == Some(FeedbackType::Rating) && event.rating.is_none() {
        bad("rating", "required for a rating".to_owned());
    }
    if kind.is_some_and(FeedbackType::needs_recommendation) && event.recommendation_id.is_none() {
        bad(
            "recommendation_id",
            "required for recommendation events".to_owned(),
        );
    }
    if let Some(comment) = &event.comment
        && comment.chars().count() > MAX_COMMENT_CHARS
    {
        bad("comment", format!("at most {MAX_COMMENT_CHARS} characters"));
    }
    let occurred_at = match event.occurred_at.as_deref() {
        None => Some(now),
        Some(text) => match OffsetDateTime::parse(text, &Rfc3339) {
            Err(_) => {
                bad("occurred_at", "must be an RFC 3339 date-time".to_owned());
                None
            }
            Ok(at) if at > now + limits.max_skew => {
                bad("occurred_at", "is in the future".to_owned());
                None
            }
            Ok(at) if at < now - limits.max_age => {
                bad(
                    "occurred_at",
                    format!(
                        "is older than the retention period ({} days)",
                        limits.max_age.whole_days()
                    ),
                );
                None
            }
            Ok(at) => Some(at),
        },
    };
    let event_id = match event.event_id.as_deref() {
        None => Some(Uuid::now_v7()),
        Some(text) => Uuid::parse_str(text).ok().or_else(|| {
            bad("event_id", "must be a UUID".to_owned());
            None
        }),
    };
    if let Some(features) = &event.mcap_features {
        features.check(&format!("{at}mcap_features"), errors);
    }
    if errors.len() > before {
        return None;
    }
    Some(ValidEvent {
        event_id: event_id?,
        kind: kind?,
        install_id: install_id?,
        app_version: event.app_version,
        os: event.os,
        locale: event.locale,
        item,
        recommendation_id: event.recommendation_id,
        rating,
        comment: event.comment.filter(|c| !c.trim().is_empty()),
        mcap_features: event.mcap_features,
        occurred_at: occurred_at?,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use serde_json::json;
    use utoipa::PartialSchema;

    use super::*;

    const LIMITS: Limits = Limits {
        max_events: 3,
        max_skew: time::Duration::minutes(5),
        max_age: time::Duration::days(90),
    };

    fn check(body: serde_json::Value) -> Result<Vec<ValidEvent>, Vec<String>> {
        let body: EventIn = serde_json::from_value(body).unwrap();
        validate(body, OffsetDateTime::now_utc(), &LIMITS)
            .map_err(|errors| errors.into_iter().map(|e| e.field).collect())
    }

    fn event() -> serde_json::Value {
        json!({"type": "session_started", "consent": true,
               "install_id": "0190a8e4-5c6b-7c3d-9e4f-123456789abc"})
    }

    /// The document's schema, as served.
    fn schema() -> serde_json::Value {
        serde_json::to_value(EventIn::schema()).unwrap()
    }

    /// The fields serde reads, from its "unknown field" message.
    fn fields_read() -> Vec<String> {
        let error = serde_json::from_value::<EventIn>(json!({"?": 1})).unwrap_err();
        let message = error.to_string();
        let list = message.split("expected one of ").nth(1).unwrap();
        list.split(", ")
            .map(|f| f.trim_matches('`').to_owned())
            .collect()
    }

    #[test]
    fn the_documented_event_is_the_one_read() {
        let schema = schema();
        let mut documented: Vec<String> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        documented.push("events".to_owned());
        documented.sort();
        let mut read = fields_read();
        read.sort();
        assert_eq!(documented, read);

        let types: Vec<&str> = schema["properties"]["type"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(types, FeedbackType::ALL.map(FeedbackType::as_str));

        // Exactly the documented required fields are required.
        let required = schema["required"].as_array().unwrap();
        assert_eq!(required.len(), 3);
        for field in required {
            let field = field.as_str().unwrap();
            let mut body = event();
            body.as_object_mut().unwrap().remove(field);
            assert_eq!(check(body).unwrap_err(), [field], "{field}");
        }
        assert!(check(event()).is_ok());
    }

    #[test]
    fn one_event_or_a_batch() {
        assert_eq!(check(event()).unwrap().len(), 1);
        assert_eq!(
            check(json!({"events": [event(), event()]})).unwrap().len(),
            2
        );
        assert_eq!(check(json!({"events": []})).unwrap_err(), ["events"]);
        assert_eq!(
            check(json!({"events": [event(), event(), event(), event()]})).unwrap_err(),
            ["events"]
        );
        assert_eq!(
            check(json!({"events": [event()], "consent": true})).unwrap_err(),
            ["consent"]
        );
        let mut nested = event();
        nested["events"] = json!([event()]);
        assert_eq!(
            check(json!({"events": [nested]})).unwrap_err(),
            ["events[0].events"]
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut bad = event();
        bad["type"] = json!("clicked");
        bad["consent"] = json!(false);
        bad["install_id"] = json!("me");
        bad["rating"] = json!(9);
        bad["comment"] = json!("x".repeat(MAX_COMMENT_CHARS + 1));
        bad["occurred_at"] = json!("2999-01-01T00:00:00Z");
        bad["event_id"] = json!("42");
        bad["item"] = json!({"kind": "plugin", "id": ""});
        bad["recommendation_id"] = json!("has space");
        bad["locale"] = json!("x".repeat(40));
        let errors = check(json!({"events": [event(), bad]})).unwrap_err();
        assert_eq!(
            errors,
            [
                "events[1].type",
                "events[1].consent",
                "events[1].install_id",
                "events[1].locale",
                "events[1].item.kind",
                "events[1].item.id",
                "events[1].recommendation_id",
                "events[1].rating",
                "events[1].comment",
                "events[1].occurred_at",
                "events[1].event_id",
            ]
        );
        let mut old = event();
        old["occurred_at"] = json!("2000-01-01T00:00:00Z");
        assert_eq!(check(old).unwrap_err(), ["occurred_at"]);
        let mut missing = event();
        missing.as_object_mut().unwrap().remove("consent");
        assert_eq!(check(missing).unwrap_err(), ["consent"]);
    }

    #[test]
    fn types_need_what_they_are_about() {
        let mut rating = event();
        rating["type"] = json!("rating");
        assert_eq!(check(rating.clone()).unwrap_err(), ["rating"]);
        rating["rating"] = json!(4);
        assert_eq!(check(rating).unwrap()[0].rating, Some(4));
        let mut shown = event();
        shown["type"] = json!("recommendation_shown");
        assert_eq!(check(shown).unwrap_err(), ["recommendation_id"]);
    }

    #[test]
    fn missing_ids_and_times_are_made_on_receipt() {
        let before = OffsetDateTime::now_utc();
        let made = check(event()).unwrap().remove(0);
        assert!(made.occurred_at >= before);
        assert_eq!(made.event_id.get_version_num(), 7);
        let mut given = event();
        given["event_id"] = json!("0190a8e4-6000-7000-8000-000000000001");
        let yesterday = (OffsetDateTime::now_utc() - time::Duration::days(1))
            .replace_nanosecond(0)
            .unwrap();
        let tokyo = time::UtcOffset::from_hms(9, 0, 0).unwrap();
        given["occurred_at"] = json!(yesterday.to_offset(tokyo).format(&Rfc3339).unwrap());
        let kept = check(given).unwrap().remove(0);
        assert_eq!(
            kept.event_id.to_string(),
            "0190a8e4-6000-7000-8000-000000000001"
        );
        assert_eq!(kept.occurred_at, yesterday);
    }
}
