//! The file-server binary: see `file-server --help`.

fn main() -> std::process::ExitCode {
    sora_common::cli::run(&file_server::SPEC, file_server::build)
}
