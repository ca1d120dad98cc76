//! The `secchain` binary: parse arguments, run the command, exit with its code.
fn main() {
    std::process::exit(secchain::main_with_exit_code());
}
