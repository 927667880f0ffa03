//! The offline evaluation (`make eval`, docs/evaluation.md): a data set
//! made from the fixtures, the ranking measured on it against a popularity
//! baseline, before and after simulated feedback.
//!
//! Long because: the data set, the two rankers' runs and the report are one
//! pipeline with one set of types.
//!
//! - Catalog: every fixture layout, read as file-server reads it (panels,
//!   topics).
//! - Leave-one-out queries: each layout's topics as a recording, with 30%
//!   of them dropped and 5 unrelated topics (from the fixture recordings)
//!   added, schema names unknown; [`SAMPLES`] random variants per layout.
//!   The layout itself is the one right answer.
//! - Real recordings: each fixture MCAP file's features, read by
//!   `recommendation::domain::recording`, with the layouts they get (no ground truth).
//! - Simulated feedback: for a layout X, users with X-like recordings
//!   accept a layout B that content ranks 4th to 8th for X, one install per
//!   event. How many events until B is in the top 3 for fresh X-like
//!   recordings, and what that does to every other query's hit@5.
//! - Baseline: popularity (Zipf-distributed downloads in a fixed random
//!   order; accepted items gain a download per acceptance).
//!
//! Deterministic: one seeded generator, files read in name order.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use sora_common::events::types::ContentKind;
use sora_common::features::{McapFeatures, TopicFeature};

use recommendation::domain::rank::{Blend, Catalog, CatalogItem, Learned, Rules, Wanted, reward};
use recommendation::domain::recording::{MemoryBudget, RecordingReader};

/// Random variants of each layout's recording.
pub const SAMPLES: usize = 10;
/// Share of a layout's topics each variant drops.
const DROP: f64 = 0.3;
/// Unrelated topics each variant gains.
const NOISE: usize = 5;
/// Feedback events simulated per scenario.
const FEEDBACK_EVENTS: usize = 50;
/// Fresh X-like recordings a scenario is judged on after each event.
const PROBES: usize = 20;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// The measures of one ranking over a set of queries.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub hit1: f64,
    pub hit5: f64,
    pub ndcg5: f64,
    pub queries: usize,
}

impl Scores {
    fn of(ranks: &[Option<usize>]) -> Self {
        let n = ranks.len().max(1) as f64;
        let hit = |k: usize| ranks.iter().filter(|r| r.is_some_and(|r| r < k)).count() as f64 / n;
        let ndcg = ranks
            .iter()
            .map(|r| match r {
                Some(r) if *r < 5 => 1.0 / ((*r as f64) + 2.0).log2(),
                _ => 0.0,
            })
            .sum::<f64>()
            / n;
        Self {
            hit1: hit(1),
            hit5: hit(5),
            ndcg5: ndcg,
            queries: ranks.len(),
        }
    }
}

/// One feedback scenario's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub like: String,
    pub accepted: String,
    /// B's content rank for X before feedback (0-based).
    pub content_rank: usize,
    /// Events until B was in the top 3 for most fresh X-like recordings.
    pub events_to_top3: Option<usize>,
    /// hit@5 of every other layout's queries, before and after.
    pub others_hit5_before: f64,
    pub others_hit5_after: f64,
}

/// A fixture recording, its topic count, and its top 3: (item, score,
/// first reason).
pub type RecordingTop = (String, usize, Vec<(String, f32, String)>);

/// The whole evaluation.
#[derive(Debug, Clone)]
pub struct Report {
    pub layouts: usize,
    pub content: Scores,
    /// The same queries, their topics under another namespace.
    pub content_namespaced: Scores,
    /// Content ranking with one of its rules turned off: on the queries,
    /// and on the namespaced ones.
    pub ablations: Vec<(&'static str, Scores, Scores)>,
    pub popularity: Scores,
    pub after_feedback: Scores,
    pub popularity_after: Scores,
    pub scenarios: Vec<Scenario>,
    pub recordings: Vec<RecordingTop>,
    pub blend: Blend,
}

struct Query {
    layout: usize,
    features: McapFeatures,
}

/// Runs the evaluation on the fixtures under `fixtures` (`layouts/`,
/// `mcap/`).
pub fn run(fixtures: &Path, blend: Blend) -> anyhow::Result<Report> {
    let items = layouts(&fixtures.join("layouts"))?;
    let recordings = recordings(&fixtures.join("mcap"))?;
    let noise_pool: Vec<TopicFeature> = recordings
        .iter()
        .flat_map(|(_, f)| f.topics.iter().take(40).cloned())
        .map(|mut t| {
            t.schema_name = None;
            t
        })
        .collect();
    let catalog = Catalog::new(items.clone());
    let mut rng = Rng(0x5eed_50aa_2026_1130);
    let queries: Vec<Query> = (0..items.len())
        .filter(|n| !items[*n].topics.is_empty())
        .flat_map(|n| (0..SAMPLES).map(move |_| n))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|n| Query {
            layout: n,
            features: variant(&items[n], &noise_pool, &mut rng),
        })
        .collect();

    let mut popularity: Vec<f64> = {
        let mut order: Vec<usize> = (0..items.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let mut downloads = vec![0.0; items.len()];
        for (rank, n) in order.into_iter().enumerate() {
            downloads[n] = 1000.0 / (rank as f64 + 1.0);
        }
        downloads
    };
    // The same recordings from a robot that puts its topics under a
    // namespace of its own.
    let namespaced: Vec<Query> = queries
        .iter()
        .map(|q| {
            let mut features = q.features.clone();
            for topic in &mut features.topics {
                topic.topic = format!("/fleet7/{}", topic.topic.trim_start_matches('/'));
            }
            Query {
                layout: q.layout,
                features,
            }
        })
        .collect();
    let no_learning = Learned::default();
    let content = Scores::of(&ranks(&catalog, &no_learning, &queries));
    let content_namespaced = Scores::of(&ranks(&catalog, &no_learning, &namespaced));
    let ablations = [
        (
            "without TF-IDF key weights",
            Rules {
                idf: false,
                ..Rules::default()
            },
        ),
        (
            "only same-name topic matches",
            Rules {
                partial_topics: false,
                ..Rules::default()
            },
        ),
        (
            "without the panel part",
            Rules {
                panels: false,
                ..Rules::default()
            },
        ),
    ]
    .into_iter()
    .map(|(name, rules)| {
        let catalog = Catalog::with_rules(items.clone(), rules);
        (
            name,
            Scores::of(&ranks(&catalog, &no_learning, &queries)),
            Scores::of(&ranks(&catalog, &no_learning, &namespaced)),
        )
    })
    .collect();
    let popularity_scores = Scores::of(&popularity_ranks(&popularity, &queries));

    // Feedback scenarios: for a few layouts X, an item B content ranks 4th
    // to 8th becomes the one X-like users accept.
    let mut scenarios = Vec::new();
    let mut weights: HashMap<(String, usize), f32> = HashMap::new();
    let candidates: Vec<usize> = (0..items.len())
        .filter(|n| items[*n].topics.len() >= 4)
        .collect();
    for x in candidates.iter().copied().step_by(3).take(5) {
        let probe = variant(&items[x], &noise_pool, &mut rng);
        let recording = catalog.recording(&probe);
        let ranked = catalog.rank(&recording, &no_learning, items.len(), &Wanted::all());
        let Some((content_rank, b)) = ranked
            .iter()
            .enumerate()
            .skip(3)
            .take(5)
            .map(|(r, ranked)| (r, ranked.item as usize))
            .next()
        else {
            continue;
        };
        let others: Vec<&Query> = queries.iter().filter(|q| q.layout != x).collect();
        let before_learned = learned(&catalog, &weights, blend);
        let others_before = Scores::of(&ranks_of(&catalog, &before_learned, &others)).hit5;
        let mut events_to_top3 = None;
        for event in 1..=FEEDBACK_EVENTS {
            let features = variant(&items[x], &noise_pool, &mut rng);
            let recording = catalog.recording(&features);
            let delta = reward("recommendation_accepted", None);
            for token in recording.tokens() {
                *weights.entry((token, b)).or_default() += delta;
            }
            popularity[b] += 1.0;
            if events_to_top3.is_none() {
                let model = learned(&catalog, &weights, blend);
                let in_top3 = (0..PROBES)
                    .filter(|_| {
                        let probe = variant(&items[x], &noise_pool, &mut rng);
                        let recording = catalog.recording(&probe);
                        catalog
                            .rank(&recording, &model, 3, &Wanted::all())
                            .iter()
                            .any(|r| r.item as usize == b)
                    })
                    .count();
                if in_top3 * 10 >= PROBES * 8 {
                    events_to_top3 = Some(event);
                }
            }
        }
        let after = learned(&catalog, &weights, blend);
        let others_after = Scores::of(&ranks_of(&catalog, &after, &others)).hit5;
        scenarios.push(Scenario {
            like: items[x].id.clone(),
            accepted: items[b].id.clone(),
            content_rank,
            events_to_top3,
            others_hit5_before: others_before,
            others_hit5_after: others_after,
        });
    }
    let model = learned(&catalog, &weights, blend);
    let after_feedback = Scores::of(&ranks(&catalog, &model, &queries));
    let popularity_after = Scores::of(&popularity_ranks(&popularity, &queries));

    let recordings = recordings
        .iter()
        .map(|(name, features)| {
            let recording = catalog.recording(features);
            let top = catalog
                .rank(&recording, &no_learning, 3, &Wanted::all())
                .into_iter()
                .map(|r| {
                    let reason = r.reasons.first().cloned().unwrap_or_default();
                    (catalog.item(r.item).id.clone(), r.score, reason)
                })
                .collect();
            (name.clone(), features.topics.len(), top)
        })
        .collect();
    Ok(Report {
        layouts: items.len(),
        content,
        content_namespaced,
        ablations,
        popularity: popularity_scores,
        after_feedback,
        popularity_after,
        scenarios,
        recordings,
        blend,
    })
}

/// The model learned so far, as the service builds it.
fn learned(catalog: &Catalog, weights: &HashMap<(String, usize), f32>, blend: Blend) -> Learned {
    let rows: Vec<(&str, &str, f32)> = weights
        .iter()
        .map(|((token, n), w)| (token.as_str(), catalog.item(*n as u32).id.as_str(), *w))
        .collect();
    Learned::new(
        catalog,
        rows.into_iter()
            .map(|(t, id, w)| (t, ContentKind::Layout, id, w, 0)),
        blend,
        0,
    )
}

fn ranks(catalog: &Catalog, learned: &Learned, queries: &[Query]) -> Vec<Option<usize>> {
    ranks_of(catalog, learned, &queries.iter().collect::<Vec<_>>())
}

fn ranks_of(catalog: &Catalog, learned: &Learned, queries: &[&Query]) -> Vec<Option<usize>> {
    queries
        .iter()
        .map(|q| {
            let recording = catalog.recording(&q.features);
            catalog
                .rank(&recording, learned, 10, &Wanted::all())
                .iter()
                .position(|r| r.item as usize == q.layout)
        })
        .collect()
}

fn popularity_ranks(popularity: &[f64], queries: &[Query]) -> Vec<Option<usize>> {
    let mut order: Vec<usize> = (0..popularity.len()).collect();
    order.sort_by(|a, b| popularity[*b].total_cmp(&popularity[*a]).then(a.cmp(b)));
    queries
        .iter()
        .map(|q| order.iter().position(|n| *n == q.layout))
        .collect()
}

/// A recording like `layout`'s: 30% of its topics dropped (at least one
/// kept), 5 unrelated ones added, no schema names.
fn variant(layout: &CatalogItem, noise: &[TopicFeature], rng: &mut Rng) -> McapFeatures {
    let mut topics: Vec<TopicFeature> = layout
        .topics
        .iter()
        .filter(|_| !rng.chance(DROP))
        .map(|t| TopicFeature {
            topic: t.clone(),
            schema_name: None,
            schema_encoding: None,
            message_encoding: None,
            message_count: Some(100),
        })
        .collect();
    if topics.is_empty()
        && let Some(first) = layout.topics.get(rng.below(layout.topics.len()))
    {
        topics.push(TopicFeature {
            topic: first.clone(),
            schema_name: None,
            schema_encoding: None,
            message_encoding: None,
            message_count: Some(100),
        });
    }
    let mut added = 0;
    while added < NOISE && !noise.is_empty() {
        let pick = &noise[rng.below(noise.len())];
        if !layout.topics.contains(&pick.topic) && !topics.iter().any(|t| t.topic == pick.topic) {
            topics.push(pick.clone());
            added += 1;
        }
    }
    McapFeatures {
        profile: None,
        library: None,
        duration_ns: None,
        topics,
    }
}

/// Every fixture layout as the catalog holds it.
pub fn layouts(dir: &Path) -> anyhow::Result<Vec<CatalogItem>> {
    let mut items = Vec::new();
    for path in sorted_files(dir, "json")? {
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path)?)?;
        let info = sora_common::layout::analyze(&doc)
            .map_err(|errors| anyhow::anyhow!("{}: {errors:?}", path.display()))?;
        let name = stem(&path);
        items.push(CatalogItem {
            kind: ContentKind::Layout,
            id: name.clone(),
            version: None,
            name,
            panels: info.panels,
            topics: info.topics,
            keywords: Vec::new(),
            terms: Vec::new(),
        });
    }
    Ok(items)
}

/// Every fixture recording's features.
fn recordings(dir: &Path) -> anyhow::Result<Vec<(String, McapFeatures)>> {
    let mut out = Vec::new();
    for path in sorted_files(dir, "mcap")? {
        let budget = MemoryBudget::new(256 * 1024 * 1024, std::time::Duration::from_secs(60));
        let mut reader = RecordingReader::new(64 * 1024 * 1024, budget);
        reader.feed(&std::fs::read(&path)?)?;
        out.push((stem(&path), reader.finish()?));
    }
    Ok(out)
}

fn sorted_files(dir: &Path, extension: &str) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    Ok(files)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl Report {
    /// The report as docs/evaluation.md shows it.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let row = |out: &mut String, name: &str, s: &Scores| {
            let _ = writeln!(
                out,
                "| {name} | {:.3} | {:.3} | {:.3} | {} |",
                s.hit1, s.hit5, s.ndcg5, s.queries
            );
        };
        let _ = writeln!(
            out,
            "## Leave-one-out ({} layouts, {SAMPLES} variants each)\n",
            self.layouts
        );
        out.push_str("| ranking | hit@1 | hit@5 | NDCG@5 | queries |\n|---|---|---|---|---|\n");
        row(&mut out, "popularity baseline", &self.popularity);
        row(&mut out, "content (cold start)", &self.content);
        row(
            &mut out,
            "popularity after the simulated feedback",
            &self.popularity_after,
        );
        row(
            &mut out,
            "content + learned, after the simulated feedback",
            &self.after_feedback,
        );
        let _ = writeln!(
            out,
            "\n## What each content rule brings\n\n\
             The same queries with one rule of content ranking turned off; then the same \
             again with every topic under another namespace (`/fleet7/…`), as a robot that \
             namespaces its topics records them.\n\n\
             | content ranking | hit@1 | hit@5 | NDCG@5 | namespaced hit@1 | hit@5 | NDCG@5 |\n\
             |---|---|---|---|---|---|---|"
        );
        let both = |out: &mut String, name: &str, a: &Scores, b: &Scores| {
            let _ = writeln!(
                out,
                "| {name} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
                a.hit1, a.hit5, a.ndcg5, b.hit1, b.hit5, b.ndcg5
            );
        };
        both(
            &mut out,
            "all rules (the service)",
            &self.content,
            &self.content_namespaced,
        );
        for (name, plain, namespaced) in &self.ablations {
            both(&mut out, name, plain, namespaced);
        }
        let _ = writeln!(
            out,
            "\nTargets: hit@1 ≥ 0.8 and hit@5 ≥ 0.95 for content ranking (leave-one-out).\n\n\
             ## Simulated feedback ({FEEDBACK_EVENTS} acceptances per scenario, one install each)\n\n\
             | users with recordings like | accept | content rank | events to top 3 | others' hit@5 before | after |\n\
             |---|---|---|---|---|---|"
        );
        for s in &self.scenarios {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {:.3} | {:.3} |",
                s.like,
                s.accepted,
                s.content_rank + 1,
                s.events_to_top3.map_or_else(
                    || format!("not within {FEEDBACK_EVENTS}"),
                    |e| e.to_string()
                ),
                s.others_hit5_before,
                s.others_hit5_after
            );
        }
        let _ = writeln!(
            out,
            "\n\"Events to top 3\": the first event after which the accepted layout is in the \
             top 3 for at least 80% of {PROBES} fresh X-like recordings. Scenarios run one after \
             the other on one model, as a live service would learn them.\n\n\
             Blend: learning adds at most {:.2} to a score; a token says `w / (total + {:.1})` \
             for an item; half-life {:.0} days.\n\n\
             ## The fixture recordings' top 3 (cold start, no ground truth)\n\n\
             | recording | topics | 1st | 2nd | 3rd |\n|---|---|---|---|---|",
            self.blend.max_bonus, self.blend.prior, self.blend.half_life_days
        );
        for (name, topics, top) in &self.recordings {
            let mut cells: Vec<String> = top
                .iter()
                .map(|(id, score, reason)| {
                    format!("{id} ({score:.2}): {}", reason.replace('|', "\\|"))
                })
                .collect();
            cells.resize(3, "—".to_owned());
            let _ = writeln!(out, "| {name} | {topics} | {} |", cells.join(" | "));
        }
        out
    }

    /// Whether the targets of issue 12 are met, and which are not.
    pub fn misses(&self) -> Vec<String> {
        let mut misses = Vec::new();
        if self.content.hit1 < 0.8 {
            misses.push(format!("hit@1 {:.3} < 0.8", self.content.hit1));
        }
        if self.content.hit5 < 0.95 {
            misses.push(format!("hit@5 {:.3} < 0.95", self.content.hit5));
        }
        for s in &self.scenarios {
            if s.events_to_top3.is_none() {
                misses.push(format!(
                    "{} never reached the top 3 for {}",
                    s.accepted, s.like
                ));
            }
            if s.others_hit5_before - s.others_hit5_after > 0.05 {
                misses.push(format!(
                    "learning {} for {} lowered others' hit@5 by {:.3}",
                    s.accepted,
                    s.like,
                    s.others_hit5_before - s.others_hit5_after
                ));
            }
        }
        misses
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn fixtures() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
    }

    #[test]
    fn the_ranking_meets_its_targets_on_the_fixtures() {
        let report = run(&fixtures(), Blend::default()).unwrap();
        println!("{}", report.markdown());
        assert!(report.misses().is_empty(), "{:?}", report.misses());
        assert!(report.content.hit1 > report.popularity.hit1);
    }
}
