//! Flag values shared by several subcommands.

use std::str::FromStr;

use geoscout_core::Class;

/// An EPSG code given as `EPSG:N` or `N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Epsg(pub u32);

impl FromStr for Epsg {
    type Err = String;

    fn from_str(s: &str) -> Result<Epsg, String> {
        let digits = s
            .strip_prefix("EPSG:")
            .or_else(|| s.strip_prefix("epsg:"))
            .unwrap_or(s);
        digits
            .parse()
            .map(Epsg)
            .map_err(|_| format!("'{s}' is not an EPSG code (write it as EPSG:4547)"))
    }
}

/// Parses `CLASS=X` with X in (0, 1].
pub fn parse_threshold(s: &str) -> Result<(Class, f32), String> {
    let (class, value) = s
        .split_once('=')
        .ok_or_else(|| format!("'{s}' is not CLASS=X (e.g. dust_source=0.6)"))?;
    let class: Class = class.trim().parse().map_err(|e| format!("{e}"))?;
    let value: f32 = value
        .trim()
        .parse()
        .map_err(|_| format!("'{value}' is not a number"))?;
    if !(value > 0.0 && value <= 1.0) {
        return Err(format!("threshold {value} is not in (0, 1]"));
    }
    Ok((class, value))
}

/// The number of cores, for thread flags left unset.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_epsg() {
        assert_eq!("EPSG:4547".parse::<Epsg>(), Ok(Epsg(4547)));
        assert_eq!("32649".parse::<Epsg>(), Ok(Epsg(32649)));
        assert!("UTM49".parse::<Epsg>().unwrap_err().contains("EPSG:4547"));
    }

    #[test]
    fn test_threshold() {
        assert_eq!(
            parse_threshold("dust_source=0.6"),
            Ok((Class::DustSource, 0.6))
        );
        assert!(parse_threshold("dust_source").is_err());
        assert!(parse_threshold("dust_source=1.5").is_err());
        assert!(
            parse_threshold("river=0.5")
                .unwrap_err()
                .contains("unknown class")
        );
    }
}
