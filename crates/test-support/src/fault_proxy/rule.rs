//! The script of a [`super::FaultProxy`]: which requests get which fault.

use std::time::Duration;

/// What the proxy does to one request instead of passing it through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Reads the request, then closes the connection without an answer.
    Drop,
    /// Forwards the answer, but resets the connection (TCP RST) after
    /// this many bytes of it (status line and headers included).
    ResetAfter(usize),
    /// Answers with this status itself (the registry never sees the
    /// request), with `Retry-After: SECONDS` when given.
    Status {
        /// The HTTP status code (500, 503, 429, ...).
        code: u16,
        /// The `Retry-After` header's value in seconds.
        retry_after: Option<u64>,
    },
    /// Reads the request and never answers (the connection stays open
    /// until the proxy stops).
    Stall,
    /// Forwards the headers unchanged but only this many body bytes, then
    /// closes the connection (the body is shorter than `Content-Length`).
    TruncateBody(usize),
    /// Forwards the answer with every body byte inverted: same length,
    /// different content (and so a different digest).
    CorruptBody,
}

/// One line of the script: the faults for requests whose request line
/// (`GET /v2/app/blobs/sha256:… HTTP/1.1`) contains `pattern`.
#[derive(Debug, Clone)]
pub struct Rule {
    pattern: String,
    skip: usize,
    times: usize,
    fault: Fault,
    seen: usize,
}

impl Rule {
    /// A rule that applies `fault` to every request matching `pattern`.
    pub fn new(pattern: impl Into<String>, fault: Fault) -> Self {
        Rule {
            pattern: pattern.into(),
            skip: 0,
            times: usize::MAX,
            fault,
            seen: 0,
        }
    }

    /// Passes the first `n` matching requests through untouched.
    pub fn skip(mut self, n: usize) -> Self {
        self.skip = n;
        self
    }

    /// Applies the fault to `n` matching requests only (after the skipped
    /// ones); later ones pass through.
    pub fn times(mut self, n: usize) -> Self {
        self.times = n;
        self
    }

    /// Counts a request against this rule; the fault when it applies.
    pub(crate) fn apply(&mut self, request_line: &str) -> Option<Fault> {
        if !request_line.contains(&self.pattern) {
            return None;
        }
        self.seen += 1;
        let n = self.seen - 1;
        (n >= self.skip && n - self.skip < self.times).then(|| self.fault.clone())
    }
}

/// How long a stalled connection is held at most (the proxy's stop ends it sooner).
pub(crate) const STALL_LIMIT: Duration = Duration::from_secs(600);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_and_times_select_the_nth_matching_request() {
        let mut r = Rule::new("/blobs/", Fault::Stall).skip(1).times(2);
        assert_eq!(r.apply("GET /v2/ HTTP/1.1"), None);
        assert_eq!(r.apply("GET /v2/a/blobs/x HTTP/1.1"), None);
        assert_eq!(r.apply("GET /v2/a/blobs/x HTTP/1.1"), Some(Fault::Stall));
        assert_eq!(r.apply("GET /v2/a/blobs/y HTTP/1.1"), Some(Fault::Stall));
        assert_eq!(r.apply("GET /v2/a/blobs/z HTTP/1.1"), None);
    }
}
