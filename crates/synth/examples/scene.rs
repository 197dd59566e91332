//! Writes one synthetic scene and its truth: `cargo run -p geoscout-synth --example scene --
//! satellite 1024 7 /tmp/scenes` (profile, size, seed, folder).

use std::path::PathBuf;

use geoscout_core::Profile;
use geoscout_synth::{SceneSpec, WriteOptions, generate, write_scene};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let profile: Profile = args.first().map_or("satellite", String::as_str).parse()?;
    let size: usize = args.get(1).map_or(Ok(1024), |s| s.parse())?;
    let seed: u64 = args.get(2).map_or(Ok(1), |s| s.parse())?;
    let dir = PathBuf::from(args.get(3).map_or("/tmp/geoscout-scenes", String::as_str));
    std::fs::create_dir_all(&dir)?;
    let started = std::time::Instant::now();
    let scene = generate(&SceneSpec::new(profile, size, seed))?;
    let generated = started.elapsed();
    let written = write_scene(
        &scene,
        &dir,
        &format!("{profile}-{seed:05}"),
        WriteOptions { masks: true },
    )?;
    println!(
        "{} ({} objects): generated in {generated:.2?}, written in {:.2?}",
        written.image.display(),
        scene.objects.len(),
        started.elapsed() - generated
    );
    Ok(())
}
