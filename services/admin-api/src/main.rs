//! The admin-api binary: see `admin-api --help`.

fn main() -> std::process::ExitCode {
    sora_common::cli::run(&admin_api::SPEC, admin_api::build)
}
