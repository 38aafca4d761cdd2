//! The bundle is split at its lazy parts after linking (`./dev`, `xtask split`), which needs
//! the linker's relocations kept in the WASM.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg=--emit-relocs");
    }
}
