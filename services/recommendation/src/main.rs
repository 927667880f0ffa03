//! The recommendation binary: see `recommendation --help`.

fn main() -> std::process::ExitCode {
    sora_common::cli::run(&recommendation::SPEC, recommendation::build)
}
