//! Synthetic executables for catalogue tests.

/// An executable holding a Go 1.18+ build info blob (`modinfo` as `go version -m`
/// prints it, `go` the toolchain) inside some padding: what the catalogue's Go
/// reader looks for, without a Go toolchain.
pub fn go_binary(modinfo: &str, go: &str) -> Vec<u8> {
    let mut d = b"\x7fELF".to_vec();
    d.resize(4096, 0);
    d.extend_from_slice(b"\xff Go buildinf:");
    d.push(8);
    d.push(2);
    d.resize(4096 + 32, 0);
    let mut push_str = |s: &[u8]| {
        let mut n = s.len();
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            d.push(if n > 0 { b | 0x80 } else { b });
            if n == 0 {
                break;
            }
        }
        d.extend_from_slice(s);
    };
    push_str(go.as_bytes());
    let mut mi = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6".to_vec();
    mi.extend_from_slice(modinfo.as_bytes());
    mi.extend_from_slice(b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2");
    push_str(&mi);
    d.resize(d.len() + 2048, 0);
    d
}
