//! `recommendation eval`: runs the offline evaluation
//! ([`crate::domain::eval`]) and writes docs/evaluation.md.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::RankingSettings;
use crate::domain::eval;

const HEADER: &str = "# Recommendation: offline evaluation

Written by `make eval` (`recommendation eval`); do not edit by hand. How the
data set is made and what each figure means: the module documentation of
`services/recommendation/src/domain/eval.rs`, and docs/decisions.md
(\"Recommendation\"). The ranking is the service's own code, with its
default settings; nothing here runs against a database.

";

pub fn command(args: &[String]) -> ExitCode {
    let mut fixtures = PathBuf::from("fixtures");
    let mut out = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--fixtures", Some(dir)) => fixtures = PathBuf::from(dir),
            ("--out", Some(file)) => out = Some(PathBuf::from(file)),
            _ => {
                eprintln!("usage: recommendation eval [--fixtures DIR] [--out FILE]");
                return ExitCode::from(2);
            }
        }
    }
    let report = match eval::run(&fixtures, RankingSettings::default().blend()) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("recommendation eval: {error:#}");
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
