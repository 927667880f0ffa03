//! `recommendation-eval`: runs the recommender's offline evaluation
//! ([`evaluation`]) on the service's own ranking code and default settings,
//! and writes docs/evaluation.md. A tool beside the service, not in it.

mod evaluation;

use std::path::PathBuf;
use std::process::ExitCode;

use recommendation::config::RankingSettings;

const HEADER: &str = "# Recommendation: offline evaluation

Written by `make eval` (`recommendation-eval`); do not edit by hand. How the
data set is made and what each figure means: the module documentation of
`tools/recommendation-eval/src/evaluation.rs`, and docs/decisions.md
(\"Recommendation\"). The ranking is the service's own code, with its
default settings; nothing here runs against a database.

";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut fixtures = PathBuf::from("fixtures");
    let mut out = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--fixtures", Some(dir)) => fixtures = PathBuf::from(dir),
            ("--out", Some(file)) => out = Some(PathBuf::from(file)),
            _ => {
                eprintln!("usage: recommendation-eval [--fixtures DIR] [--out FILE]");
                return ExitCode::from(2);
            }
        }
    }
    let report = match evaluation::run(&fixtures, RankingSettings::default().blend()) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("recommendation-eval: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    let text = format!("{HEADER}{}", report.markdown());
    match out {
        Some(path) => {
            if let Err(error) = std::fs::write(&path, &text) {
                eprintln!("recommendation eval: {}: {error}", path.display());
                return ExitCode::FAILURE;
            }
            println!("{}", report.markdown());
        }
        None => print!("{text}"),
    }
    let misses = report.misses();
    if misses.is_empty() {
        ExitCode::SUCCESS
    } else {
        for miss in misses {
            eprintln!("target missed: {miss}");
        }
        ExitCode::FAILURE
    }
}
