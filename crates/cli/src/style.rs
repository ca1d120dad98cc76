//! Terminal colours, only where they help: on a terminal, and never when `NO_COLOR` is set
//! (<https://no-color.org>: any non-empty value turns colour off).

use std::io::IsTerminal;

use secchain_pipeline::Outcome;

/// Whether output to a stream may be coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    enabled: bool,
}

impl Palette {
    /// No colour at all.
    pub const PLAIN: Palette = Palette { enabled: false };

    /// Colour for stdout when it is a terminal and `NO_COLOR` is unset.
    pub fn for_stdout() -> Self {
        Palette {
            enabled: colour_allowed() && std::io::stdout().is_terminal(),
        }
    }

    /// Colour for stderr when it is a terminal and `NO_COLOR` is unset.
    pub fn for_stderr() -> Self {
        Palette {
            enabled: colour_allowed() && std::io::stderr().is_terminal(),
        }
    }

    /// Whether this palette colours anything.
    pub fn enabled(self) -> bool {
        self.enabled
    }

    /// `text` in the colour of `outcome` (green pass, red gate failure, yellow error, …).
    pub fn outcome(self, outcome: Outcome, text: &str) -> String {
        let code = match outcome {
            Outcome::Passed => "32",
            Outcome::GateFailed => "1;31",
            Outcome::Error => "1;33",
            Outcome::Skipped | Outcome::Cancelled => "2",
        };
        self.paint(code, text)
    }

    /// `text` in bold.
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// False when `NO_COLOR` is set to anything non-empty.
pub fn colour_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_palette_adds_nothing_and_enabled_one_wraps_in_escapes() {
        assert_eq!(Palette::PLAIN.outcome(Outcome::GateFailed, "x"), "x");
        let on = Palette { enabled: true };
        assert_eq!(on.outcome(Outcome::Passed, "ok"), "\x1b[32mok\x1b[0m");
        assert_eq!(on.bold("b"), "\x1b[1mb\x1b[0m");
    }
}
