//! A partnership's own forms: JSON files in the server's forms folder (`--forms DIR`), read
//! once at start. Each is checked by the same validator the devices use; the server refuses to
//! start on a file it cannot use, naming the file and the problem, so a broken form never
//! reaches a tablet.

use heard_domain::validate::ValidationError;
use heard_domain::{Catalogue, Form};
use std::path::Path;

/// The built-in forms and every `*.json` form in `dir` (in file-name order).
pub fn load(dir: &Path) -> Result<Catalogue, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read the forms folder {}: {e}", dir.display()))?;
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
    paths.sort();
    // One file at a time, read and checked, so an error names its file.
    let mut catalogue = Catalogue::built_in();
    for path in paths {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{name}: cannot be read: {e}"))?;
        let form: Form = serde_json::from_str(&text).map_err(|e| format!("{name}: not a form: {e}"))?;
        catalogue.add(form).map_err(|e: ValidationError| format!("{name}: {e}"))?;
    }
    Ok(catalogue)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, String)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("heard-forms-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        dir
    }

    fn own_form(id: &str) -> String {
        let mut form = Catalogue::built_in().latest("teen-check").unwrap().clone();
        form.id = heard_domain::FormId(id.into());
        serde_json::to_string_pretty(&form).unwrap()
    }

    #[test]
    fn forms_in_the_folder_join_the_built_in_ones() {
        let dir = folder(&[("a.json", own_form("north-teen-check")), ("notes.txt", "not a form".into())]);
        let catalogue = load(&dir).unwrap();
        assert_eq!(catalogue.added().len(), 1, "only .json files are forms");
        assert!(catalogue.latest("north-teen-check").is_some());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_form_the_server_cannot_use_is_named_with_its_file_and_problem() {
        let broken = own_form("North Teen");
        let dir = folder(&[("a.json", own_form("north-teen-check")), ("b.json", broken), ("c.json", "{\"id\": 3}".into())]);
        let error = load(&dir).unwrap_err();
        assert!(error.contains("b.json") && error.contains("form North Teen: id must be lower-case"), "{error}");
        std::fs::remove_file(dir.join("b.json")).unwrap();
        let error = load(&dir).unwrap_err();
        assert!(error.contains("c.json: not a form"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(load(&dir).unwrap_err().contains("cannot read the forms folder"));
    }
}
