//! Foxglove-style layouts: validation, and the panel types and topics a layout
//! uses, for search and for the recommendation service.
//!
//! A layout is `{configById, layout, globalVariables?, userNodes?,
//! playbackConfig?, …}`. `layout` is a panel id or a split node
//! `{first, second, direction, splitPercentage?}`; a `Tab` panel's config holds
//! more trees in `tabs[].layout`. A layout's panels are those of `configById`
//! and any placed in a tree without a config of their own (Foxglove keeps a
//! config after its panel is removed, and those counted the same way as the
//! panel lists of the fixtures' sources).

use std::collections::{BTreeSet, HashSet};

use crate::error::FieldError;
use serde_json::{Map, Value};

/// Nesting deeper than this is refused rather than walked.
const MAX_DEPTH: usize = 64;

/// What a layout uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LayoutInfo {
    /// Panel types (the part of a panel id before `!`), sorted, distinct.
    pub panels: Vec<String>,
    /// Topics the placed panels' configs reference, sorted, distinct.
    pub topics: Vec<String>,
}

/// Checks `doc` is a Foxglove layout and extracts its panels and topics. Every
/// problem found is reported, each under the field it concerns.
pub fn analyze(doc: &Value) -> Result<LayoutInfo, Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(doc) = doc.as_object() else {
        return Err(vec![FieldError::new("layout", "must be a JSON object")]);
    };
    let configs = match doc.get("configById") {
        Some(Value::Object(configs)) => Some(configs),
        Some(_) => {
            errors.push(FieldError::new("layout.configById", "must be an object"));
            None
        }
        None => {
            errors.push(FieldError::new("layout.configById", "is required"));
            None
        }
    };
    if let Some(configs) = configs {
        for (id, config) in configs {
            if !config.is_object() {
                errors.push(FieldError::new(
                    format!("layout.configById.{id}"),
                    "a panel config must be an object",
                ));
            }
        }
    }
    for (field, expected) in [
        ("globalVariables", "an object"),
        ("userNodes", "an object"),
        ("playbackConfig", "an object"),
        ("linkedGlobalVariables", "an array"),
    ] {
        let ok = match doc.get(field) {
            None => true,
            Some(v) if expected == "an array" => v.is_array(),
            Some(v) => v.is_object(),
        };
        if !ok {
            errors.push(FieldError::new(
                format!("layout.{field}"),
                format!("must be {expected}"),
            ));
        }
    }
    let empty = Map::new();
    let mut walk = Walk {
        configs: configs.unwrap_or(&empty),
        panels: BTreeSet::new(),
        seen: HashSet::new(),
        errors: &mut errors,
    };
    match doc.get("layout") {
        None | Some(Value::Null) => walk
            .errors
            .push(FieldError::new("layout.layout", "is required")),
        Some(tree) => walk.tree(tree, "layout.layout", 0),
    }
    let mut panels = walk.panels;
    let mut topics = BTreeSet::new();
    for (id, config) in walk.configs {
        let kind = panel_type(id);
        if kind.trim().is_empty() {
            continue;
        }
        panels.insert(kind.to_owned());
        if let Some(config) = config.as_object() {
            topics.extend(topics_of(kind, config));
        }
    }
    let info = LayoutInfo {
        panels: panels.into_iter().collect(),
        topics: topics.into_iter().collect(),
    };
    if errors.is_empty() {
        Ok(info)
    } else {
        Err(errors)
    }
}

struct Walk<'a> {
    configs: &'a Map<String, Value>,
    panels: BTreeSet<String>,
    /// Panels already visited: a Tab that contains itself is walked once.
    seen: HashSet<&'a str>,
    errors: &'a mut Vec<FieldError>,
}

impl<'a> Walk<'a> {
    fn tree(&mut self, node: &'a Value, field: &str, depth: usize) {
        if depth > MAX_DEPTH {
            self.errors
                .push(FieldError::new(field, "is nested too deeply"));
            return;
        }
        match node {
            Value::String(id) => self.panel(id, field, depth),
            Value::Object(split) => {
                for side in ["first", "second"] {
                    match split.get(side) {
                        Some(child) => self.tree(child, &format!("{field}.{side}"), depth + 1),
                        None => self.errors.push(FieldError::new(
                            format!("{field}.{side}"),
                            "a split node needs both `first` and `second`",
                        )),
                    }
                }
                if let Some(direction) = split.get("direction")
                    && !matches!(direction.as_str(), Some("row" | "column"))
                {
                    self.errors.push(FieldError::new(
                        format!("{field}.direction"),
                        "must be \"row\" or \"column\"",
                    ));
                }
            }
            _ => self.errors.push(FieldError::new(
                field,
                "must be a panel id or a split node {first, second, direction}",
            )),
        }
    }

    fn panel(&mut self, id: &'a str, field: &str, depth: usize) {
        let kind = panel_type(id);
        if kind.trim().is_empty() {
            self.errors
                .push(FieldError::new(field, "a panel id needs a panel type"));
            return;
        }
        if !self.seen.insert(id) {
            return;
        }
        self.panels.insert(kind.to_owned());
        let Some(config) = self.configs.get(id).and_then(Value::as_object) else {
            return;
        };
        if kind == "Tab"
            && let Some(tabs) = config.get("tabs").and_then(Value::as_array)
        {
            for (i, tab) in tabs.iter().enumerate() {
                if let Some(tree) = tab.get("layout").filter(|t| !t.is_null()) {
                    self.tree(
                        tree,
                        &format!("layout.configById.{id}.tabs.{i}.layout"),
                        depth + 1,
                    );
                }
            }
        }
    }
}

/// `3D!18i6zy7` → `3D`.
fn panel_type(id: &str) -> &str {
    id.split_once('!').map_or(id, |(kind, _)| kind)
}

/// The topics one panel's config references.
fn topics_of(kind: &str, config: &Map<String, Value>) -> Vec<String> {
    let text = |key: &str| config.get(key).and_then(Value::as_str);
    let mut topics: Vec<String> = Vec::new();
    let mut add_path = |path: Option<&str>| {
        if let Some(topic) = path.and_then(topic_of_path) {
            topics.push(topic);
        }
    };
    match kind {
        "Plot" | "StateTransitions" => {
            for path in config
                .get("paths")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                add_path(path.get("value").and_then(Value::as_str));
            }
        }
        "RawMessages" => add_path(text("topicPath")),
        "Gauge" | "Indicator" => add_path(text("path")),
        "Image" => add_path(
            config
                .get("imageMode")
                .and_then(|mode| mode.get("imageTopic"))
                .and_then(Value::as_str),
        ),
        // The legacy image panel.
        "ImageViewPanel" => add_path(text("cameraTopic")),
        "map" => add_path(text("followTopic")),
        "DiagnosticStatusPanel" | "DiagnosticSummary" => add_path(text("topicToRender")),
        "Publish" => add_path(text("topicName")),
        "Teleop" => add_path(text("topic")),
        "3D" => {
            if let Some(settings) = config.get("topics").and_then(Value::as_object) {
                topics.extend(settings.keys().filter(|t| !t.is_empty()).cloned());
            }
        }
        // The legacy 3D panel names its visible topics `t:<topic>`.
        "3D Panel" => {
            for key in config
                .get("checkedKeys")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if let Some(topic) = key.strip_prefix("t:").filter(|t| !t.is_empty()) {
                    topics.push(topic.to_owned());
                }
            }
        }
        _ => {}
    }
    topics
}

/// The topic a message path starts with: `/odom.pose.x` → `/odom`,
/// `"/a.b".c` → `/a.b`, `/scan{header.frame_id=="x"}` → `/scan`.
fn topic_of_path(path: &str) -> Option<String> {
    let path = path.trim();
    let topic = if let Some(quoted) = path.strip_prefix('"') {
        quoted.split_once('"').map(|(topic, _)| topic)?
    } else {
        path.split(['.', '[', '{']).next()?
    };
    let topic = topic.trim();
    (!topic.is_empty() && !topic.starts_with('$')).then(|| topic.to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use serde_json::json;

    use super::*;

    #[test]
    fn message_paths_name_their_topic() {
        for (path, topic) in [
            ("/odom.pose.pose.position.x", Some("/odom")),
            ("/joint_states.position[0]", Some("/joint_states")),
            ("/diag{status.level==2}.name", Some("/diag")),
            ("\"/a.b\".c", Some("/a.b")),
            ("/plain", Some("/plain")),
            ("  /spaced.x ", Some("/spaced")),
            ("", None),
            (".x", None),
            ("$var", None),
            ("\"unterminated", None),
        ] {
            assert_eq!(topic_of_path(path).as_deref(), topic, "{path}");
        }
    }

    #[test]
    fn nested_tabs_are_walked_and_every_config_counts() {
        let doc = json!({
            "configById": {
                "Tab!t": {"tabs": [
                    {"title": "a", "layout": {"first": "Plot!p", "second": "Tab!t", "direction": "row"}},
                    {"title": "b", "layout": null}
                ]},
                "Plot!p": {"paths": [{"value": "/speed.data"}, {"value": "/speed.data"}]},
                "Teleop!unplaced": {"topic": "/cmd_vel"}
            },
            "layout": {"first": "Tab!t", "second": "Image!no-config", "direction": "column"}
        });
        let info = analyze(&doc).unwrap();
        assert_eq!(info.panels, ["Image", "Plot", "Tab", "Teleop"]);
        assert_eq!(info.topics, ["/cmd_vel", "/speed"]);
    }

    #[test]
    fn every_problem_is_named() {
        let doc = json!({
            "configById": {"Plot!p": 3},
            "layout": {"first": "Plot!p", "direction": "diagonal"},
            "globalVariables": []
        });
        let fields: Vec<String> = analyze(&doc)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "layout.configById.Plot!p",
                "layout.globalVariables",
                "layout.layout.second",
                "layout.layout.direction"
            ]
        );
        assert_eq!(analyze(&json!([])).unwrap_err()[0].field, "layout");
        let fields: Vec<String> = analyze(&json!({}))
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["layout.configById", "layout.layout"]);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let mut tree = json!("Plot!p");
        for _ in 0..100 {
            tree = json!({"first": tree, "second": "Plot!q", "direction": "row"});
        }
        let errors = analyze(&json!({"configById": {}, "layout": tree})).unwrap_err();
        assert!(errors[0].message.contains("too deeply"));
    }
}
