//! A fast content fingerprint for input rasters, recorded in `run.json`.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use sha2::{Digest, Sha256};

/// Bytes hashed from each end of the file.
const SAMPLE: u64 = 1 << 20;

/// SHA-256 over the file's length, its first MiB and its last MiB, as hex prefixed with
/// `"fast-sha256:"`. Hashing whole multi-gigabyte rasters would cost as much as reading them;
/// this tells apart different files and catches truncation and re-exports in practice.
pub fn fingerprint(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut hasher = Sha256::new();
    hasher.update(len.to_le_bytes());
    let mut buf = Vec::with_capacity(SAMPLE as usize);
    (&mut file).take(SAMPLE).read_to_end(&mut buf)?;
    hasher.update(&buf);
    if len > SAMPLE {
        buf.clear();
        file.seek(SeekFrom::Start(len.saturating_sub(SAMPLE).max(SAMPLE)))?;
        file.take(SAMPLE).read_to_end(&mut buf)?;
        hasher.update(&buf);
    }
    Ok(format!("fast-sha256:{:x}", hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_files_match_and_a_changed_tail_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.bin");
        let b = dir.path().join("b.bin");
        let mut data = vec![7u8; 3 * SAMPLE as usize];
        std::fs::write(&a, &data).unwrap();
        std::fs::write(&b, &data).unwrap();
        assert_eq!(fingerprint(&a).unwrap(), fingerprint(&b).unwrap());
        *data.last_mut().unwrap() = 8;
        std::fs::write(&b, &data).unwrap();
        assert_ne!(fingerprint(&a).unwrap(), fingerprint(&b).unwrap());
        std::fs::write(&b, &data[..10]).unwrap();
        assert_ne!(fingerprint(&a).unwrap(), fingerprint(&b).unwrap());
    }
}
