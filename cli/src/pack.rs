//! `sora package`: the `.foxe` of an extension folder, as Foxglove's and
//! Lichtblick's extension tooling lays it out (`package.json`, `dist/`, the
//! README, CHANGELOG and LICENSE), the same bytes for the same files, checked
//! with the very rules the server applies.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use zip::write::SimpleFileOptions;

/// Files at the folder's root that go in beside `package.json` and `dist/`.
const ROOT_FILES: &[&str] = &[
    "README.md",
    "CHANGELOG.md",
    "LICENSE",
    "LICENSE.md",
    "LICENSE.txt",
];

/// The archive of `folder`.
pub fn package(folder: &Path) -> anyhow::Result<Vec<u8>> {
    if !folder.join("package.json").is_file() {
        bail!(
            "{} has no package.json: give the extension's folder (made with \
             create-lichtblick-extension or create-foxglove-extension)",
            folder.display()
        );
    }
    let dist = folder.join("dist");
    if !dist.is_dir() {
        bail!(
            "{} has no dist/ folder: build the extension first (npm run build)",
            folder.display()
        );
    }
    let mut files: Vec<(String, PathBuf)> =
        vec![("package.json".to_owned(), folder.join("package.json"))];
    for name in ROOT_FILES {
        let path = folder.join(name);
        if path.is_file() {
            files.push(((*name).to_owned(), path));
        }
    }
    collect(&dist, "dist", &mut files)?;
    files.sort();

    let mut archive = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, path) in files {
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        archive.start_file(name, options)?;
        archive.write_all(&bytes)?;
    }
    Ok(archive.finish()?.into_inner())
}

/// Every file under `dir`, named `prefix/…` with forward slashes; links are
/// refused (the server would refuse them too, and they may point anywhere).
fn collect(dir: &Path, prefix: &str, files: &mut Vec<(String, PathBuf)>) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let entry = entry?;
        let kind = entry.file_type()?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            bail!("{} has a name that is not UTF-8", entry.path().display());
        };
        let inside = format!("{prefix}/{name}");
        if kind.is_symlink() {
            bail!(
                "{} is a link: packages hold plain files only",
                entry.path().display()
            );
        } else if kind.is_dir() {
            collect(&entry.path(), &inside, files)?;
        } else {
            files.push((inside, entry.path()));
        }
    }
    Ok(())
}
