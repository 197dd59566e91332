//! Class mapping: which value of a label file's class field means which target class.

use std::collections::BTreeMap;
use std::path::Path;

use geoscout_core::Class;
use serde::Deserialize;

use crate::{Error, Result};

/// What a labelled feature is for training.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelRole {
    /// A target of this class: burnt into the class's target channel.
    Target(Class),
    /// A look-alike that must not be detected (a confuser): burns nothing, but chips holding one
    /// are always kept, so that the network sees it as background.
    Negative,
    /// Not used at all.
    Ignore,
}

impl LabelRole {
    /// Parses the right-hand side of a mapping entry: a class name, `confuser` (or `negative`),
    /// or `ignore`.
    fn parse(value: &str) -> Result<LabelRole> {
        match value.trim() {
            "confuser" | "negative" => Ok(LabelRole::Negative),
            "ignore" => Ok(LabelRole::Ignore),
            name => name
                .parse::<Class>()
                .map(LabelRole::Target)
                .map_err(|err| Error::Mapping(format!("{err}, 'confuser' or 'ignore'"))),
        }
    }
}

/// A mapping from class-field values to [`LabelRole`]s.
///
/// It always knows the project's own names: `coal_gangue_pile`, `discharge_outlet` and
/// `dust_source` map to their classes and `confuser` to [`LabelRole::Negative`], so truth files
/// written by `geoscout synth` need no mapping. User entries add to these or override them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassMap {
    entries: BTreeMap<String, LabelRole>,
}

/// The optional mapping file: `class_field = "..."` and a `[map]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    class_field: Option<String>,
    #[serde(default)]
    map: BTreeMap<String, String>,
}

impl Default for ClassMap {
    fn default() -> ClassMap {
        let mut entries: BTreeMap<String, LabelRole> = Class::ALL
            .into_iter()
            .map(|class| (class.name().to_string(), LabelRole::Target(class)))
            .collect();
        entries.insert("confuser".to_string(), LabelRole::Negative);
        ClassMap { entries }
    }
}

impl ClassMap {
    /// Adds the entries of an inline list `VALUE=ROLE,VALUE=ROLE` (for example
    /// `煤矸石=coal_gangue_pile,防尘网=confuser,道路=ignore`).
    ///
    /// The last `=` of an entry separates the value from its role, so values may hold `=`.
    pub fn extend_from_list(&mut self, list: &str) -> Result<()> {
        for entry in list.split(',').filter(|e| !e.trim().is_empty()) {
            let (value, role) = entry.rsplit_once('=').ok_or_else(|| {
                Error::Mapping(format!("entry '{entry}' has no '=' (expected VALUE=CLASS)"))
            })?;
            let value = value.trim();
            if value.is_empty() {
                return Err(Error::Mapping(format!(
                    "entry '{entry}' has an empty value"
                )));
            }
            self.entries
                .insert(value.to_string(), LabelRole::parse(role)?);
        }
        Ok(())
    }

    /// Adds the entries of a TOML mapping file and returns the class field it names, if any.
    ///
    /// ```toml
    /// class_field = "type"
    /// [map]
    /// "煤矸石" = "coal_gangue_pile"
    /// "防尘网" = "confuser"
    /// ```
    pub fn extend_from_file(&mut self, path: &Path) -> Result<Option<String>> {
        let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
        let file: MappingFile = toml::from_str(&text)
            .map_err(|err| Error::invalid(path, format!("not a class mapping file: {err}")))?;
        for (value, role) in file.map {
            let role = LabelRole::parse(&role)
                .map_err(|err| Error::invalid(path, format!("value '{value}': {err}")))?;
            self.entries.insert(value, role);
        }
        Ok(file.class_field)
    }

    /// The role of a class-field value, or `None` if the mapping does not know it.
    pub fn role(&self, value: &str) -> Option<LabelRole> {
        self.entries.get(value.trim()).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_names_need_no_mapping() {
        let map = ClassMap::default();
        assert_eq!(
            map.role("dust_source"),
            Some(LabelRole::Target(Class::DustSource))
        );
        assert_eq!(map.role("confuser"), Some(LabelRole::Negative));
        assert_eq!(map.role("煤矸石"), None);
    }

    #[test]
    fn inline_list_adds_and_overrides_entries() {
        let mut map = ClassMap::default();
        map.extend_from_list("煤矸石=coal_gangue_pile, 排污口 = discharge_outlet,防尘网=confuser,路=ignore,a=b=dust_source")
            .unwrap();
        assert_eq!(
            map.role("煤矸石"),
            Some(LabelRole::Target(Class::CoalGanguePile))
        );
        assert_eq!(
            map.role("排污口"),
            Some(LabelRole::Target(Class::DischargeOutlet))
        );
        assert_eq!(map.role("防尘网"), Some(LabelRole::Negative));
        assert_eq!(map.role("路"), Some(LabelRole::Ignore));
        assert_eq!(map.role("a=b"), Some(LabelRole::Target(Class::DustSource)));
        map.extend_from_list("dust_source=ignore").unwrap();
        assert_eq!(map.role("dust_source"), Some(LabelRole::Ignore));
    }

    #[test]
    fn bad_entries_are_errors_that_say_why() {
        let mut map = ClassMap::default();
        let err = map.extend_from_list("煤矸石").unwrap_err().to_string();
        assert!(err.contains("no '='"), "{err}");
        let err = map.extend_from_list("x=pile").unwrap_err().to_string();
        assert!(err.contains("unknown class 'pile'"), "{err}");
    }

    #[test]
    fn mapping_file_gives_entries_and_class_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("map.toml");
        std::fs::write(
            &path,
            "class_field = \"类型\"\n[map]\n\"煤矸石\" = \"coal_gangue_pile\"\n3 = \"dust_source\"\n",
        )
        .unwrap();
        let mut map = ClassMap::default();
        let field = map.extend_from_file(&path).unwrap();
        assert_eq!(field.as_deref(), Some("类型"));
        assert_eq!(
            map.role("煤矸石"),
            Some(LabelRole::Target(Class::CoalGanguePile))
        );
        assert_eq!(map.role("3"), Some(LabelRole::Target(Class::DustSource)));

        std::fs::write(&path, "[map]\nx = \"pile\"\n").unwrap();
        let err = map.extend_from_file(&path).unwrap_err().to_string();
        assert!(err.contains("map.toml") && err.contains("'x'"), "{err}");
    }
}
