//! Image configuration blobs and the accessors stages use on them.
#![no_main]
use libfuzzer_sys::fuzz_target;
use secchain_oci::ImageConfig;

fuzz_target!(|data: &[u8]| {
    let Ok(c) = ImageConfig::parse(data) else {
        return;
    };
    let _ = c.platform();
    let env = c.env();
    assert!(env.len() <= data.len(), "more variables than bytes");
    let _ = c.env_var("PATH");
    let _ = c.exposed_ports();
    let _ = c.user();
    let _ = c.layer_history();
});
