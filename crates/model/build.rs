//! Gives the binaries and tests of the packages that link libtorch (geoscout-model,
//! geoscout-scan and the geoscout binary, which all name this file as their build script) an
//! rpath to libtorch, so that they run without LD_LIBRARY_PATH.

fn main() {
    // torch-sys publishes the folder it linked against (`links = "tch"`).
    if let Ok(lib) = std::env::var("DEP_TCH_LIBTORCH_LIB") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    }
}
