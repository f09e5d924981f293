//! The release binary is linked as a fixed-address executable on Linux (glibc): a
//! position-independent one has about 60,000 relocations that the loader applies at
//! every start, writing 1.5 MB of tables (400 page faults, 2 ms of the 30 ms from exec
//! to the first rows). The code is still compiled position-independent; only the
//! final link differs, and only in release builds (tests and `cargo run` are as before).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if release && target_os == "linux" && target_env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
