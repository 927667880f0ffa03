//! The recommendation binary: see `recommendation --help`.

/// jemalloc: flatter memory under many connections than the system
/// allocator, and freed memory goes back to the system within seconds.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    sora_common::cli::run(&recommendation::SPEC, recommendation::build)
}
