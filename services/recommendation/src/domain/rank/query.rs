//! A recording as the ranking reads it: its topics, keys, panel families,
//! words and learning tokens, computed once per query.

use super::*;

impl Catalog {
    /// What a recording is, read once per query.
    pub fn recording(&self, features: &McapFeatures) -> Recording {
        let topics: Vec<RecordingTopic> = features
            .topics
            .iter()
            .map(|t| {
                let key = topic_key(&t.topic);
                let schema = t
                    .schema_name
                    .as_deref()
                    .filter(|s| !s.trim().is_empty())
                    .map(schema_key);
                let mut families = match &schema {
                    Some(schema) => schema_families(schema),
                    None => Vec::new(),
                };
                if families.is_empty() && schema.is_none() {
                    families = name_families(&key);
                }
                RecordingTopic {
                    name: t.topic.clone(),
                    schema_name: t.schema_name.clone().filter(|s| !s.trim().is_empty()),
                    keys: keys_by(self.rules, &t.topic),
                    weight: self.key_weight(&key),
                    key,
                    schema,
                    families,
                }
            })
            .collect();
        let norm = topics
            .iter()
            .map(|t| t.weight * t.weight)
            .sum::<f32>()
            .sqrt();
        // Each family is shown by its most specific topic: a PointCloud2
        // (3D only) rather than a JointState (3D and Plot).
        let mut families: BTreeMap<Family, usize> = BTreeMap::new();
        for (n, topic) in topics.iter().enumerate() {
            for family in &topic.families {
                let kept = families.entry(*family).or_insert(n);
                if topic.families.len() < topics[*kept].families.len() {
                    *kept = n;
                }
            }
        }
        // A word is credited to the topic that names it; words of a family
        // (`lidar` for 3D) to the family's topic.
        let mut words: BTreeMap<String, Option<usize>> = BTreeMap::new();
        if let Some(profile) = features.profile.as_deref().filter(|p| !p.is_empty()) {
            words.insert(profile.to_lowercase(), None);
        }
        for (n, topic) in topics.iter().enumerate() {
            for word in topic_words(&topic.key, topic.schema.as_deref()) {
                words.entry(word).or_insert(Some(n));
            }
        }
        for (family, n) in &families {
            for word in family.words() {
                words.entry((*word).to_owned()).or_insert(Some(*n));
            }
        }
        let tokens = self.tokens(&topics, &families);
        let family_mask = families.keys().fold(0u8, |m, f| m | family_bit(*f));
        Recording {
            topics,
            norm,
            families,
            family_mask,
            words,
            tokens,
        }
    }

    /// The feature tokens learning keys on, each with how much it says:
    /// topics (weighted like their keys), schemas and panel families.
    pub(super) fn tokens(
        &self,
        topics: &[RecordingTopic],
        families: &BTreeMap<Family, usize>,
    ) -> Vec<(String, f32)> {
        let mut tokens: BTreeMap<String, f32> = BTreeMap::new();
        for topic in topics {
            tokens.insert(format!("t:{}", topic.key), topic.weight);
            if let Some(schema) = &topic.schema {
                tokens.insert(format!("s:{schema}"), 0.5);
            }
        }
        for family in families.keys() {
            tokens.insert(format!("f:{family:?}").to_lowercase(), 0.25);
        }
        // Past the bound, schemas and families are kept before topics, in
        // name order: the same tokens whatever the catalog, so that what is
        // learned and what is asked agree.
        let mut tokens: Vec<(String, f32)> = tokens.into_iter().collect();
        if tokens.len() > MAX_TOKENS {
            tokens.sort_by_key(|(token, _)| (token.starts_with("t:"), token.clone()));
            tokens.truncate(MAX_TOKENS);
        }
        tokens
    }
}
