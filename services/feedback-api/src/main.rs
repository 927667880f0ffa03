//! The feedback-api binary: see `feedback-api --help`.

fn main() -> std::process::ExitCode {
    sora_common::cli::run(&feedback_api::SPEC, feedback_api::build)
}
