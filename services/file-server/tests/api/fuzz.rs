//! Property tests (proptest) of the two parsers that read untrusted input:
//! the package validator and the layout analyser. They must never panic, and
//! what they accept must be safe. `PROPTEST_CASES=N` runs more cases (the
//! long runs are reported in docs/benchmarks-notes.md).

use file_server::domain::layout;
use file_server::domain::package::{self, Limits};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::helpers::*;

const LIMITS: Limits = Limits {
    max_uncompressed_bytes: 1024 * 1024,
    max_compression_ratio: 100,
    max_entries: 100,
};

fn config() -> ProptestConfig {
    // Each case is cheap; the default keeps `make test` quick.
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn assert_safe(accepted: &package::Package) {
    assert!(
        accepted
            .id
            .as_str()
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
    );
    assert!(!accepted.main.starts_with('/') && !accepted.main.split('/').any(|p| p == ".."));
}

/// Entry names, biased towards the dangerous ones.
fn entry_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,8}(/[a-z]{1,8}){0,2}(\\.js)?",
        Just("../evil".to_owned()),
        Just("/abs".to_owned()),
        Just("C:/x".to_owned()),
        Just("dist/extension.js:stream".to_owned()),
        Just("a\\..\\b".to_owned()),
        Just("package.json".to_owned()),
        Just("dist/extension.js".to_owned()),
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic_the_validator(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        if let Ok(accepted) = package::validate(&bytes, LIMITS) {
            assert_safe(&accepted);
        }
    }

    #[test]
    fn damaged_packages_never_panic_the_validator(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = foxe(&manifest("acme", "plot", "1.0.0"));
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        if let Ok(accepted) = package::validate(&bytes, LIMITS) {
            assert_safe(&accepted);
        }
    }

    #[test]
    fn no_dangerous_entry_name_is_ever_accepted(names in proptest::collection::vec(entry_name(), 0..6)) {
        let manifest = manifest("acme", "plot", "1.0.0").to_string();
        let mut entries = vec![
            RawEntry::file("package.json", manifest.as_bytes()),
            RawEntry::file("dist/extension.js", b"x"),
        ];
        entries.extend(names.iter().map(|n| RawEntry::file(n, b"y")));
        let accepted = package::validate(&raw_zip(&entries), LIMITS).is_ok();
        let dangerous = names.iter().any(|n| {
            n.is_empty() || n.starts_with('/') || n.contains('\\') || n.contains('\0')
                || n.split('/').any(|p| p == "..")
                || n.contains(':')
                || n.chars().any(char::is_control)
        });
        let duplicate = {
            let mut all: Vec<String> = names.iter().map(|n| n.trim_end_matches('/').to_lowercase()).collect();
            all.push("package.json".into());
            all.push("dist/extension.js".into());
            let count = all.len();
            all.sort();
            all.dedup();
            all.len() != count
        };
        if dangerous || duplicate {
            prop_assert!(!accepted, "accepted {names:?}");
        }
    }
}

/// JSON shaped like layouts: panel ids, split nodes, Tab configs, garbage.
fn layout_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        prop_oneof![
            Just("Tab!t".to_owned()),
            Just("Plot!p".to_owned()),
            Just("3D!x".to_owned()),
            Just("!".to_owned()),
            "\\PC{0,8}",
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("first".to_owned()),
                    Just("second".to_owned()),
                    Just("direction".to_owned()),
                    Just("tabs".to_owned()),
                    Just("layout".to_owned()),
                    Just("paths".to_owned()),
                    Just("value".to_owned()),
                    Just("topics".to_owned()),
                    Just("Tab!t".to_owned()),
                    Just("Plot!p".to_owned()),
                    "[a-zA-Z!]{1,6}",
                ],
                inner,
                0..5,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_layouts_never_panic_the_analyser(
        config_by_id in layout_value(),
        tree in layout_value(),
        extra in layout_value(),
    ) {
        let doc = json!({"configById": config_by_id, "layout": tree, "userNodes": extra});
        if let Ok(info) = layout::analyze(&doc) {
            prop_assert!(info.panels.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(info.topics.iter().all(|t| !t.is_empty()));
        }
        let _ = layout::analyze(&extra);
    }
}
