//! Gives this crate's test binaries an rpath to libtorch, so that they run without LD_LIBRARY_PATH.

fn main() {
    // torch-sys publishes the folder it linked against (`links = "tch"`).
    if let Ok(lib) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    }
}
