//! The leads files and their style, opened by QGIS itself (PyQGIS, offscreen), when it is
//! installed (`apt-get install python3-qgis`).

mod common;

use std::process::Command;

use common::sample_leads;
use geoscout_leads::{write_flatgeobuf, write_geojson, write_geopackage, write_qml};

/// The Python that has PyQGIS: `GEOSCOUT_QGIS_PYTHON`, or Debian's `/usr/bin/python3`.
fn qgis_python() -> Option<String> {
    let python =
        std::env::var("GEOSCOUT_QGIS_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
    let found = Command::new(&python)
        .args(["-c", "import qgis.core"])
        .output()
        .is_ok_and(|o| o.status.success());
    found.then_some(python)
}

#[test]
fn qgis_loads_the_style_for_every_file_and_geometry_type() {
    let Some(python) = qgis_python() else {
        eprintln!(
            "skipped: PyQGIS not found (apt-get install python3-qgis, or set GEOSCOUT_QGIS_PYTHON)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let leads = sample_leads();
    write_geojson(&dir.path().join("leads.geojson"), &leads).unwrap();
    write_flatgeobuf(&dir.path().join("leads.fgb"), &leads).unwrap();
    write_geopackage(&dir.path().join("leads.gpkg"), &leads, 4547).unwrap();
    write_qml(&dir.path().join("leads.qml")).unwrap();

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/qgis_style.py");
    let output = Command::new(python)
        .arg(script)
        .arg(dir.path())
        .env("QT_QPA_PLATFORM", "offscreen")
        .env("XDG_RUNTIME_DIR", dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // 3 files x 2 sub-layers, every lead checked in each file.
    assert_eq!(
        stdout
            .matches("renderer categorizedSymbol, labels True")
            .count(),
        6,
        "{stdout}"
    );
    assert_eq!(stdout.matches(" ok\n").count(), 3 * leads.len(), "{stdout}");
}
