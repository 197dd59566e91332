//! Attribute tables: the rows of a roll-up or checklist, written as UTF-8 CSV or as the
//! attributes of a vector layer.

use std::path::Path;

use geoscout_core::fs::{IoError, write_bytes_atomically};
use serde_json::Value;

use crate::{Error, Result};

/// The type of a column, as declared in a vector layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ColumnKind {
    /// Text.
    Text,
    /// Whole numbers.
    Integer,
    /// Real numbers.
    Real,
}

/// Named, typed columns and rows of JSON values (strings, numbers or null).
#[derive(Clone, Debug, Default)]
pub(crate) struct Table {
    pub(crate) columns: Vec<(String, ColumnKind)>,
    pub(crate) rows: Vec<Vec<Value>>,
}

impl Table {
    /// An empty table with the given columns.
    pub(crate) fn new(columns: impl IntoIterator<Item = (impl Into<String>, ColumnKind)>) -> Table {
        Table {
            columns: columns.into_iter().map(|(n, k)| (n.into(), k)).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; it must have one value per column.
    pub(crate) fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }
}

/// How CSV files are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvOptions {
    /// Start the file with a UTF-8 byte order mark, so that Excel reads Chinese names as UTF-8
    /// rather than in the system code page. GDAL, QGIS, LibreOffice and Python's `utf-8-sig`
    /// read such files; plain `utf-8` readers see the mark as part of the first header.
    pub bom: bool,
}

impl Default for CsvOptions {
    /// With the byte order mark: the roll-ups are for the monthly report, opened in Excel.
    fn default() -> CsvOptions {
        CsvOptions { bom: true }
    }
}

/// Writes `table` to `path` as UTF-8 CSV with a header line, under a temporary name first.
pub(crate) fn write_csv(path: &Path, table: &Table, options: CsvOptions) -> Result<()> {
    let mut bytes = Vec::new();
    if options.bom {
        bytes.extend_from_slice("\u{feff}".as_bytes());
    }
    {
        let mut writer = csv::Writer::from_writer(&mut bytes);
        let csv_error = |e: csv::Error| Error::bad_input(path, format!("writing CSV: {e}"));
        writer
            .write_record(table.columns.iter().map(|(name, _)| name.as_str()))
            .map_err(csv_error)?;
        for row in &table.rows {
            writer
                .write_record(row.iter().map(csv_text))
                .map_err(csv_error)?;
        }
        writer.flush().map_err(|e| IoError::new(path, e))?;
    }
    Ok(write_bytes_atomically(path, &bytes)?)
}

/// A value as CSV text: strings as they are, numbers as JSON writes them, null as empty.
fn csv_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_header_quotes_commas_and_keeps_chinese_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let mut table = Table::new([("name", ColumnKind::Text), ("n", ColumnKind::Integer)]);
        table.push(vec!["平城区, 大同".into(), 3.into()]);
        table.push(vec![Value::Null, 0.5.into()]);
        write_csv(&path, &table, CsvOptions { bom: false }).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "name,n\n\"平城区, 大同\",3\n,0.5\n");
        write_csv(&path, &table, CsvOptions::default()).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    }
}
