//! Running a command and failing the test, with its output, when it fails.

use std::process::{Command, Output};

/// Runs `cmd` to completion and returns its output.
///
/// # Panics
///
/// When `cmd` cannot start or exits unsuccessfully; the message shows the
/// command line, the exit status, stdout and stderr.
pub fn run(cmd: &mut Command) -> Output {
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", describe(cmd)));
    if !output.status.success() {
        panic!(
            "{} failed ({})\n--- stdout\n{}\n--- stderr\n{}",
            describe(cmd),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    output
}

/// Runs `cmd` like [`run`] and returns its stdout as UTF-8, trimmed of
/// surrounding whitespace.
pub fn run_stdout(cmd: &mut Command) -> String {
    let output = run(cmd);
    String::from_utf8(output.stdout)
        .unwrap_or_else(|e| panic!("{} printed non-UTF-8: {e}", describe(cmd)))
        .trim()
        .to_owned()
}

/// `program arg...` as a shell would show it (roughly).
fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_trimmed_stdout() {
        assert_eq!(run_stdout(Command::new("echo").arg(" hi ")), "hi");
    }

    #[test]
    #[should_panic(expected = "sh -c echo oops >&2; exit 3 failed")]
    fn a_failure_shows_the_command_and_its_stderr() {
        run(Command::new("sh").args(["-c", "echo oops >&2; exit 3"]));
    }
}
