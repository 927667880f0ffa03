//! Validation of a `.foxe` package before anything is stored. The desktop
//! clients unpack every entry without a path check, so this is the users'
//! only protection: an archive is accepted only if every entry is a plain file
//! or folder inside the archive root, names are unique, it unpacks within the
//! size and ratio limits (checked while decompressing, not from the headers,
//! which can lie), and `package.json` describes an extension whose `main` file
//! is in the archive.

use std::collections::HashSet;
use std::io::{Cursor, Read};

use serde_json::Value;
use zip::ZipArchive;

use crate::FieldError;
use crate::ids::{ExtensionId, Version, check_part};

/// Bounds on what a package may unpack to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_uncompressed_bytes: u64,
    pub max_compression_ratio: u64,
    pub max_entries: usize,
}

impl Limits {
    /// The server's defaults (`marketplace.*`), which `sora package` checks.
    pub const DEFAULT: Self = Self {
        max_uncompressed_bytes: 256 * 1024 * 1024,
        max_compression_ratio: 100,
        max_entries: 10_000,
    };
}

/// The largest `.foxe` the server takes by default (`marketplace.max_upload_bytes`).
pub const MAX_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;

/// An entry may always unpack to this much, whatever its ratio: small text
/// files compress far better than 100:1.
const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;

/// README and CHANGELOG longer than this are cut (they are shown, not run).
const MAX_DOC_BYTES: usize = 512 * 1024;

const MAX_KEYWORDS: usize = 20;
const MAX_KEYWORD_CHARS: usize = 50;
const MAX_TEXT_CHARS: usize = 2000;

/// The validated content of a package.
#[derive(Debug, Clone, PartialEq)]
pub struct Package {
    pub id: ExtensionId,
    pub publisher: String,
    pub name: String,
    pub version: Version,
    pub main: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub license: Option<String>,
    pub homepage: Option<String>,
    pub keywords: Vec<String>,
    pub readme: Option<String>,
    pub changelog: Option<String>,
}

/// Why a package was refused: problems, each under the field it concerns
/// (`package` for the archive itself, `package.json.<key>` for the manifest).
#[derive(Debug, Clone, PartialEq)]
pub struct Refused(pub Vec<FieldError>);

fn refuse(field: &str, message: impl Into<String>) -> Refused {
    Refused(vec![FieldError::new(field, message)])
}

/// The file Lichtblick's and Foxglove's web loaders run, whatever `main` says.
pub const CLIENT_MAIN: &str = "dist/extension.js";

/// How the clients name an installed extension from its package.json, and
/// why a package whose names they would read otherwise than the catalog is
/// refused: it would install under another id than the one listed, and show
/// as not installed (or twice). Lichtblick's desktop app lower-cases the
/// publisher and drops every non-word character, and keeps the name; its web
/// app (and the remote loader) drops characters other than letters, digits,
/// `_` and spaces from the publisher, keeps its case, and lower-cases the
/// name. They agree with the catalog (`publisher.name`, lower-case) only for
/// a publisher of `[a-z0-9_]` and a name without upper-case letters.
fn client_id_mismatches(publisher: &str, name: &str) -> Vec<FieldError> {
    let desktop: String = publisher
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let web: String = publisher
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || c.is_whitespace())
        .collect();
    let mut errors = Vec::new();
    if publisher
        .chars()
        .any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
    {
        errors.push(FieldError::new(
            "package.json.publisher",
            format!(
                "`{publisher}` must be lower-case letters, digits and `_` only: Lichtblick's \
                 desktop app would install it as `{desktop}.{name}` and its web app as \
                 `{web}.{}`, not as the catalog's `{}.{}`",
                name.to_lowercase(),
                publisher.to_lowercase(),
                name.to_lowercase()
            ),
        ));
    }
    if name.chars().any(char::is_uppercase) {
        errors.push(FieldError::new(
            "package.json.name",
            format!(
                "`{name}` must be lower-case: Lichtblick's web app lower-cases it, its desktop \
                 app keeps it, so the two would install different extensions"
            ),
        ));
    }
    errors
}

/// What a client copes with but shows poorly: published, with these
/// warnings in the answer and on the listing.
pub fn warnings(display_name: Option<&str>) -> Vec<FieldError> {
    let mut warnings = Vec::new();
    if display_name.is_none() {
        warnings.push(FieldError::new(
            "package.json.displayName",
            "is missing: Lichtblick and Foxglove name the extension and its panels after it, \
             and show the bare `name` instead",
        ));
    }
    warnings
}

/// Validates the raw bytes of a `.foxe`.
pub fn validate(bytes: &[u8], limits: Limits) -> Result<Package, Refused> {
    let mut archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| refuse("package", format!("is not a readable zip archive ({e})")))?;
    if archive.len() > limits.max_entries {
        return Err(refuse(
            "package",
            format!("has more than {} entries", limits.max_entries),
        ));
    }
    if archive.has_duplicate_names() {
        return Err(refuse("package", "has two entries with the same name"));
    }
    archive.validate_header_consistency().map_err(|e| {
        refuse(
            "package",
            format!("has inconsistent or overlapping zip headers ({e})"),
        )
    })?;

    let mut names = HashSet::new();
    let mut files = HashSet::new();
    let mut manifest = None;
    let mut readme = None;
    let mut changelog = None;
    let mut unpacked_total: u64 = 0;
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| refuse("package", format!("entry {index} cannot be read ({e})")))?;
        let name = entry
            .name()
            .map_err(|e| {
                refuse(
                    "package",
                    format!("entry {index} has an unreadable name ({e})"),
                )
            })?
            .into_owned();
        check_entry_name(&name)?;
        if entry.is_symlink() {
            return Err(refuse(
                "package",
                format!("entry `{name}` is a link; links are not allowed"),
            ));
        }
        if entry.encrypted() {
            return Err(refuse("package", format!("entry `{name}` is encrypted")));
        }
        let folded = name.trim_end_matches('/').to_lowercase();
        if !names.insert(folded) {
            return Err(refuse(
                "package",
                format!("entry `{name}` differs from another only by letter case"),
            ));
        }
        if entry.is_dir() {
            continue;
        }
        let budget = limits
            .max_compression_ratio
            .saturating_mul(entry.compressed_size())
            .max(RATIO_FLOOR_BYTES);
        let remaining = limits.max_uncompressed_bytes - unpacked_total;
        let wanted = matches!(
            name.to_lowercase().as_str(),
            "package.json" | "readme.md" | "changelog.md"
        );
        let mut content = Vec::new();
        let read = if wanted {
            (&mut entry)
                .take(budget.min(remaining) + 1)
                .read_to_end(&mut content)
                .map(|n| n as u64)
        } else {
            std::io::copy(
                &mut (&mut entry).take(budget.min(remaining) + 1),
                &mut std::io::sink(),
            )
        }
        .map_err(|e| refuse("package", format!("entry `{name}` is corrupt ({e})")))?;
        if read > remaining {
            return Err(refuse(
                "package",
                format!(
                    "unpacks to more than {} bytes",
                    limits.max_uncompressed_bytes
                ),
            ));
        }
        if read > budget {
            return Err(refuse(
                "package",
                format!(
                    "entry `{name}` is compressed more than {}:1 (a zip bomb?)",
                    limits.max_compression_ratio
                ),
            ));
        }
        // Reading to the end has also checked the entry's CRC-32.
        unpacked_total += read;
        match name.to_lowercase().as_str() {
            "package.json" => manifest = Some(content),
            "readme.md" => readme = Some(document(content)),
            "changelog.md" => changelog = Some(document(content)),
            _ => {}
        }
        files.insert(name);
    }

    let manifest = manifest
        .ok_or_else(|| refuse("package", "has no package.json at the root of the archive"))?;
    let manifest: Value = serde_json::from_slice(&manifest)
        .map_err(|e| refuse("package.json", format!("is not valid JSON ({e})")))?;
    let mut package = read_manifest(&manifest)?;
    if !files.contains(&package.main) {
        return Err(refuse(
            "package.json.main",
            format!(
                "names `{}`, which is not a file in the archive",
                package.main
            ),
        ));
    }
    package.readme = readme;
    package.changelog = changelog;
    Ok(package)
}

/// An entry name must stay inside the archive root on every operating system.
fn check_entry_name(name: &str) -> Result<(), Refused> {
    let bad = |why: &str| {
        Err(refuse(
            "package",
            format!("entry `{}` {why}", name.escape_default()),
        ))
    };
    if name.is_empty() || name.contains('\0') || name.chars().any(char::is_control) {
        return bad("has an empty or unprintable name");
    }
    if name.contains('\\') {
        return bad("contains a backslash");
    }
    if name.starts_with('/') {
        return bad("is an absolute path");
    }
    // `C:x` is a drive letter; `file:stream` an NTFS alternate data stream.
    if name.contains(':') {
        return bad("contains a colon (a drive letter or a Windows file stream)");
    }
    if name.split('/').any(|part| part == "..") {
        return bad("contains `..`");
    }
    Ok(())
}

fn document(mut content: Vec<u8>) -> String {
    content.truncate(MAX_DOC_BYTES);
    String::from_utf8_lossy(&content).into_owned()
}

/// The extension a `package.json` describes; every bad field is reported.
fn read_manifest(manifest: &Value) -> Result<Package, Refused> {
    let Some(object) = manifest.as_object() else {
        return Err(refuse("package.json", "must be a JSON object"));
    };
    let mut errors = Vec::new();
    let mut required = |key: &str| match object.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Some(Value::String(_)) | None => {
            errors.push(FieldError::new(
                format!("package.json.{key}"),
                "is required",
            ));
            None
        }
        Some(_) => {
            errors.push(FieldError::new(
                format!("package.json.{key}"),
                "must be a string",
            ));
            None
        }
    };
    let name = required("name");
    let publisher = required("publisher");
    let version = required("version");
    let main = required("main");
    let mut optional = |key: &str| match object.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() <= MAX_TEXT_CHARS => {
            Some(s.trim().to_owned()).filter(|s| !s.is_empty())
        }
        Some(Value::String(_)) => {
            errors.push(FieldError::new(
                format!("package.json.{key}"),
                format!("must be at most {MAX_TEXT_CHARS} characters"),
            ));
            None
        }
        Some(_) => {
            errors.push(FieldError::new(
                format!("package.json.{key}"),
                "must be a string",
            ));
            None
        }
    };
    let display_name = optional("displayName");
    let description = optional("description");
    let license = optional("license");
    let homepage = optional("homepage");

    if let (Some(publisher), Some(name)) = (&publisher, &name) {
        errors.extend(client_id_mismatches(publisher, name));
    }
    let name = name.map(|n| n.to_lowercase());
    let publisher = publisher.map(|p| p.to_lowercase());
    for (key, value) in [("name", &name), ("publisher", &publisher)] {
        if let Some(value) = value
            && let Err(message) = check_part(value)
        {
            errors.push(FieldError::new(format!("package.json.{key}"), message));
        }
    }
    let version = version.and_then(|v| match Version::try_from(v) {
        Ok(version) => Some(version),
        Err(message) => {
            errors.push(FieldError::new("package.json.version", message));
            None
        }
    });
    let main = main.map(|m| m.trim_start_matches("./").to_owned());
    if let Some(main) = &main
        && check_entry_name(main).is_err()
    {
        errors.push(FieldError::new(
            "package.json.main",
            "must be a relative path inside the archive",
        ));
    } else if let Some(main) = &main
        && main != CLIENT_MAIN
    {
        errors.push(FieldError::new(
            "package.json.main",
            format!(
                "must be `{CLIENT_MAIN}`, not `{main}`: Lichtblick's web app always loads \
                 {CLIENT_MAIN}, whatever `main` says"
            ),
        ));
    }
    if let Some(homepage) = &homepage
        && !(homepage.starts_with("https://") || homepage.starts_with("http://"))
    {
        errors.push(FieldError::new(
            "package.json.homepage",
            "must be an http(s) URL",
        ));
    }
    let keywords = match object.get("keywords") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            let keywords: Vec<String> = items
                .iter()
                .filter_map(Value::as_str)
                .map(|k| k.trim().to_lowercase())
                .filter(|k| !k.is_empty())
                .collect();
            if keywords.len() != items.len()
                || keywords.len() > MAX_KEYWORDS
                || keywords
                    .iter()
                    .any(|k| k.chars().count() > MAX_KEYWORD_CHARS)
            {
                errors.push(FieldError::new(
                    "package.json.keywords",
                    format!(
                        "must be at most {MAX_KEYWORDS} non-empty strings of at most {MAX_KEYWORD_CHARS} characters"
                    ),
                ));
            }
            let mut unique = Vec::new();
            for keyword in keywords {
                if !unique.contains(&keyword) {
                    unique.push(keyword);
                }
            }
            unique
        }
        Some(_) => {
            errors.push(FieldError::new(
                "package.json.keywords",
                "must be an array of strings",
            ));
            Vec::new()
        }
    };
    match (name, publisher, version, main) {
        (Some(name), Some(publisher), Some(version), Some(main)) if errors.is_empty() => {
            let id = ExtensionId::from_parts(&publisher, &name)
                .map_err(|message| Refused(vec![FieldError::new("package.json.name", message)]))?;
            Ok(Package {
                id,
                publisher,
                name,
                version,
                main,
                display_name,
                description,
                license,
                homepage,
                keywords,
                readme: None,
                changelog: None,
            })
        }
        _ => Err(Refused(errors)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn entry_names_stay_inside_the_root() {
        for good in ["package.json", "dist/extension.js", "a/b/", "a..b/c"] {
            assert!(check_entry_name(good).is_ok(), "{good}");
        }
        for bad in [
            "/etc/passwd",
            "../x",
            "a/../../x",
            "C:/x",
            "c:x",
            "a\\b",
            "",
            "a\0b",
            "a\nb",
        ] {
            assert!(check_entry_name(bad).is_err(), "{bad:?}");
        }
    }
}
