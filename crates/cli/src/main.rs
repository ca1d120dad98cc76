//! The `secchain` binary: parse arguments, run the command, exit with its code.

/// mimalloc: the catalogue, the advisory lookups and the report writers allocate many
/// small strings; glibc's allocator spent a quarter of the matching benchmark's time
/// in malloc and free (perf), mimalloc less and with a lower peak (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    std::process::exit(secchain::main_with_exit_code());
}
