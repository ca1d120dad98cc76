//! Whether a registry answers `GET /v2/`, over a plain TCP stream.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Whether `GET http://ADDR/v2/` gets 200 (anonymous) or 401 (auth needed).
pub(super) fn answers(addr: &str) -> bool {
    matches!(status(addr), Some(200 | 401))
}

fn status(addr: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(stream, "GET /v2/ HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut status_line = String::new();
    BufReader::new(stream).read_line(&mut status_line).ok()?;
    status_line.split_whitespace().nth(1)?.parse().ok()
}
