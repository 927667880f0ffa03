//! The recommendation binary: see `recommendation --help`.

use sora_common::cli::ExtraCommand;

/// jemalloc: flatter memory under many connections than the system
/// allocator, and freed memory goes back to the system within seconds.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    sora_common::cli::run_with(
        &recommendation::SPEC,
        recommendation::build,
        &[ExtraCommand {
            name: "eval",
            help: "[--fixtures DIR] [--out FILE]: the offline evaluation (make eval)",
            run: recommendation::eval::command,
        }],
    )
}
