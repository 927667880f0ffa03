//! Why an item suits a recording, in words.

use super::*;

impl Catalog {
    /// Why item `n` suits `recording`, in words: its best-matching topics
    /// and the panels the recording fills, or the keywords it matched.
    pub(super) fn reasons(&self, n: u32, recording: &Recording) -> Vec<String> {
        let item = &self.items[n as usize];
        let mut reasons = Vec::new();
        let panel_name = |panel: &str| {
            if panel.to_ascii_lowercase().ends_with("panel") {
                panel.to_owned()
            } else {
                format!("{panel} panel")
            }
        };
        let describe = |r: &RecordingTopic| match &r.schema_name {
            Some(schema) => format!("{} ({schema})", r.name),
            None => r.name.clone(),
        };
        match item.kind {
            ContentKind::Layout => {
                let needs = &self.needs[n as usize];
                let mut filled: Vec<Family> = Vec::new();
                for (r, layout_topic, _) in self.topic_matches(n, recording).into_iter().take(3) {
                    let r = &recording.topics[r];
                    let panel = needs.iter().find(|(f, _)| r.families.contains(f));
                    let same = topic_key(layout_topic) == r.key;
                    let reason = match (panel, same) {
                        (Some((family, panel)), true) => {
                            filled.push(*family);
                            format!("{} fits its {}", describe(r), panel_name(panel))
                        }
                        (Some((family, panel)), false) => {
                            filled.push(*family);
                            format!(
                                "{} fits its {} (as {layout_topic})",
                                describe(r),
                                panel_name(panel)
                            )
                        }
                        (None, true) => format!("shares the topic {}", describe(r)),
                        (None, false) => {
                            format!("{} matches its topic {layout_topic}", describe(r))
                        }
                    };
                    reasons.push(reason);
                }
                for (family, panel) in needs {
                    if reasons.len() >= 4 {
                        break;
                    }
                    if filled.contains(family) {
                        continue;
                    }
                    if let Some(r) = recording.families.get(family) {
                        reasons.push(format!(
                            "its {} can show {}",
                            panel_name(panel),
                            describe(&recording.topics[*r])
                        ));
                    }
                }
            }
            ContentKind::Extension => {
                for keyword in item.keywords.iter().chain(&item.terms) {
                    if reasons.len() >= 3 {
                        break;
                    }
                    let Some(source) = recording.words.get(keyword) else {
                        continue;
                    };
                    let what = if item.keywords.contains(keyword) {
                        "keyword"
                    } else {
                        "description term"
                    };
                    let reason = match source {
                        Some(r) => format!(
                            "its {what} \"{keyword}\" matches {}",
                            describe(&recording.topics[*r])
                        ),
                        None => format!("its {what} \"{keyword}\" matches the recording's profile"),
                    };
                    if !reasons.contains(&reason) {
                        reasons.push(reason);
                    }
                }
            }
        }
        reasons
    }

    /// Item `n`'s topics matched by the recording's, strongest first:
    /// (recording topic, layout topic, strength).
    pub(super) fn topic_matches<'a>(
        &'a self,
        n: u32,
        recording: &Recording,
    ) -> Vec<(usize, &'a str, f32)> {
        let item = &self.items[n as usize];
        let layout_keys: Vec<(&str, Vec<(String, f32)>)> = item
            .topics
            .iter()
            .map(|t| (t.as_str(), keys_by(self.rules, t)))
            .collect();
        let mut matches = Vec::new();
        for (ri, r) in recording.topics.iter().enumerate() {
            let mut best: Option<(&str, f32)> = None;
            for (layout_topic, keys) in &layout_keys {
                for (key, level_r) in &r.keys {
                    if let Some((_, level_l)) = keys.iter().find(|(k, _)| k == key) {
                        let weight = self.key_weight(key);
                        let value = level_r * level_l * weight * weight;
                        if best.is_none_or(|(_, v)| value > v) {
                            best = Some((layout_topic, value));
                        }
                    }
                }
            }
            if let Some((topic, value)) = best {
                matches.push((ri, topic, value));
            }
        }
        matches.sort_by(|a, b| b.2.total_cmp(&a.2));
        matches
    }
}
