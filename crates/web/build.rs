//! Embeds every Fluent file under `i18n/<locale>/`, so a feature adds its messages by adding a
//! file, without editing a list.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("i18n");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut out = String::from(
        "/// Every message file: (locale tag, file name, contents).\npub const FILES: &[(&str, &str, &str)] = &[\n",
    );
    let mut locales: Vec<_> =
        std::fs::read_dir(&root).expect("i18n folder").map(|e| e.unwrap().path()).collect();
    locales.sort();
    for dir in locales.iter().filter(|p| p.is_dir()) {
        println!("cargo:rerun-if-changed={}", dir.display());
        let tag = dir.file_name().unwrap().to_str().unwrap();
        let mut files: Vec<_> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for file in files.iter().filter(|f| f.extension().is_some_and(|x| x == "ftl")) {
            println!("cargo:rerun-if-changed={}", file.display());
            let name = file.file_name().unwrap().to_str().unwrap();
            writeln!(
                out,
                "    ({tag:?}, {name:?}, include_str!({:?})),",
                file.display().to_string()
            )
            .unwrap();
        }
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("i18n_files.rs");
    std::fs::write(dest, out).unwrap();
}
