//! Build steps that `./dev` runs around the app: splitting the browser bundle at its lazy
//! routes, and measuring what a phone downloads.
//!
//! `cargo run -p xtask -- split <in.wasm> <out-dir> <name> [--strip]`: cuts rustc's WASM (linked with
//! `--emit-relocs`) at every `#[lazy]` function. Writes `<name>_split.wasm` (the main part,
//! for wasm-bindgen), one `.wasm` per lazy part and per code they share, the loader Leptos
//! names `__wasm_split.______________________.js`, and `__wasm_split_manifest.json`, from
//! which the server adds preload hints for the parts a page needs.
//!
//! `cargo run -p xtask -- size <site-dir> <hash> [--first-page-max KB] [--chunk-max KB]`:
//! prints every file of a build with its gzip size, and fails when the first page (the main
//! bundle, its loader, the stylesheet and the page's own scripts) or any lazy part is over its
//! budget.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("split") if args.len() == 4 || (args.len() == 5 && args[4] == "--strip") => {
            split(Path::new(&args[1]), Path::new(&args[2]), &args[3], args.len() == 5)
        }
        Some("size") if args.len() >= 3 => size(Path::new(&args[1]), &args[2], &args[3..]),
        _ => Err(
            "usage: xtask split <in.wasm> <out-dir> <name> [--strip] | xtask size <site-dir> <hash> \
                  [--first-page-max KB] [--chunk-max KB]"
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

type Res = Result<(), String>;

/// The loader's name as Leptos's `HydrationScripts` writes it into preload hints.
const LOADER: &str = "__wasm_split.______________________.js";

fn split(input: &Path, out_dir: &Path, name: &str, strip: bool) -> Res {
    let wasm = std::fs::read(input).map_err(|e| format!("reading {}: {e}", input.display()))?;
    std::fs::create_dir_all(out_dir).map_err(|e| format!("creating {}: {e}", out_dir.display()))?;
    let main_out = out_dir.join(format!("{name}_split.wasm"));
    let link_name = format!("./{LOADER}");
    let main_module = format!("./{name}.js");
    let mut opts = wasm_split_cli_support::Options::new(&wasm);
    opts.output_dir = out_dir;
    opts.main_out_path = &main_out;
    opts.link_name = &link_name;
    opts.main_module = &main_module;
    opts.target.web();
    let split = wasm_split_cli_support::transform(opts).map_err(|e| format!("splitting {}: {e:#}", input.display()))?;
    let manifest = serde_json::to_string_pretty(&split.prefetch_map).map_err(|e| e.to_string())?;
    std::fs::write(out_dir.join("__wasm_split_manifest.json"), manifest).map_err(|e| e.to_string())?;
    if strip {
        for part in &split.split_modules {
            let bytes = std::fs::read(part).map_err(|e| format!("reading {}: {e}", part.display()))?;
            let stripped = strip_custom(&bytes, &["name", "producers"])
                .ok_or_else(|| format!("{} is not a WASM module the splitter should write", part.display()))?;
            std::fs::write(part, stripped).map_err(|e| format!("writing {}: {e}", part.display()))?;
        }
    }
    println!(
        "split into a main part and {} lazy parts ({} split points)",
        split.split_modules.len(),
        split.prefetch_map.len()
    );
    Ok(())
}

/// Reads an unsigned LEB128 number at `at`: its value and the position after it.
fn leb128(bytes: &[u8], mut at: usize) -> Option<(usize, usize)> {
    let (mut value, mut shift) = (0usize, 0u32);
    loop {
        let b = *bytes.get(at)?;
        at += 1;
        value |= usize::from(b & 0x7f).checked_shl(shift)?;
        if b < 0x80 {
            return Some((value, at));
        }
        shift += 7;
    }
}

/// A WASM module without the custom sections of the given names; `None` if it is malformed.
fn strip_custom(wasm: &[u8], names: &[&str]) -> Option<Vec<u8>> {
    const HEADER: usize = 8;
    let mut out = wasm.get(..HEADER)?.to_vec();
    let mut at = HEADER;
    while at < wasm.len() {
        let id = wasm[at];
        let (len, body) = leb128(wasm, at + 1)?;
        let end = body.checked_add(len).filter(|e| *e <= wasm.len())?;
        let drop = id == 0 && {
            let (name_len, name_at) = leb128(wasm, body)?;
            let name = wasm.get(name_at..name_at.checked_add(name_len)?)?;
            names.iter().any(|n| n.as_bytes() == name)
        };
        if !drop {
            out.extend_from_slice(&wasm[at..end]);
        }
        at = end;
    }
    Some(out)
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory").len()
}

fn kb(n: usize) -> String {
    format!("{:.1}", n as f64 / 1024.0)
}

fn size(site: &Path, hash: &str, flags: &[String]) -> Res {
    let limit = |flag: &str| -> Result<Option<usize>, String> {
        match flags.iter().position(|f| f == flag) {
            None => Ok(None),
            Some(i) => flags
                .get(i + 1)
                .and_then(|v| v.parse::<usize>().ok())
                .map(|v| Some(v * 1024))
                .ok_or_else(|| format!("{flag} needs a size in KB")),
        }
    };
    let (first_max, chunk_max) = (limit("--first-page-max")?, limit("--chunk-max")?);
    let pkg = site.join("pkg").join(hash);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&pkg)
        .map_err(|e| format!("reading {}: {e}", pkg.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wasm" || x == "js" || x == "css"))
        .collect();
    files.sort();
    // What every page loads before it is interactive: the page's own scripts, the stylesheet,
    // the main bundle and the loader it imports. Lazy parts come only with the pages that use them.
    let first_names = ["linli.js", "linli_bg.wasm", "linli.css", LOADER];
    let mut first: Vec<(String, usize, usize)> = Vec::new();
    for script in ["csrf.js", "pwa.js"] {
        if let Ok(b) = std::fs::read(site.join(script)) {
            first.push((format!("/{script}"), b.len(), gzip_len(&b)));
        }
    }
    let mut lazy: Vec<(String, usize, usize)> = Vec::new();
    for f in &files {
        let b = std::fs::read(f).map_err(|e| format!("reading {}: {e}", f.display()))?;
        let name = f.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let row = (name.clone(), b.len(), gzip_len(&b));
        if first_names.contains(&name.as_str()) {
            first.push(row);
        } else {
            lazy.push(row);
        }
    }
    lazy.sort_by_key(|r| std::cmp::Reverse(r.2));
    println!("{:<44} {:>10} {:>10}", "file", "raw KB", "gzip KB");
    /// Prints a group's rows and its total; returns the total gzip size.
    fn rows(title: &str, rows: &[(String, usize, usize)]) -> usize {
        println!("{title}");
        for (n, raw, gz) in rows {
            println!("  {n:<42} {:>10} {:>10}", kb(*raw), kb(*gz));
        }
        let (raw, gz) = rows.iter().fold((0, 0), |(r, g), row| (r + row.1, g + row.2));
        println!("  {:<42} {:>10} {:>10}", "total", kb(raw), kb(gz));
        gz
    }
    let first_total = rows("first page:", &first);
    rows(&format!("lazy parts ({}), largest first:", lazy.len()), &lazy);
    // What the first visit to a page of each part downloads after the first page: the part and
    // the code it shares with other parts (a later part finds the shared files already there).
    if let Ok(text) = std::fs::read_to_string(pkg.join("__wasm_split_manifest.json")) {
        let manifest: std::collections::BTreeMap<String, Vec<String>> =
            serde_json::from_str(&text).map_err(|e| format!("reading the split manifest: {e}"))?;
        println!("first visit to a page of each part (the part and the code it shares):");
        println!("  {:<28} {:>6} {:>10}", "part", "files", "gzip KB");
        for (part, files) in &manifest {
            let gz: usize = files
                .iter()
                .filter_map(|f| lazy.iter().find(|r| r.0 == format!("{f}.wasm")))
                .map(|r| r.2)
                .sum();
            println!("  {part:<28} {:>6} {:>10}", files.len(), kb(gz));
        }
    }
    let mut over = Vec::new();
    if let Some(max) = first_max.filter(|m| first_total > *m) {
        over.push(format!(
            "the first page is {} KB gzip, over its budget of {} KB",
            kb(first_total),
            kb(max)
        ));
    }
    if let Some(max) = chunk_max {
        for (n, _, gz) in lazy.iter().filter(|r| r.2 > max) {
            over.push(format!(
                "{n} is {} KB gzip, over the {} KB a lazy part may be",
                kb(*gz),
                kb(max)
            ));
        }
    }
    if over.is_empty() {
        Ok(())
    } else {
        Err(over.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::strip_custom;

    /// A module with a type section, a `name` section and a `keep` custom section.
    fn module() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([1, 4, 1, 0x60, 0, 0]); // type section: one `() -> ()`
        m.extend([0, 6, 4]);
        m.extend(b"name");
        m.extend([0xAA]);
        m.extend([0, 6, 4]);
        m.extend(b"keep");
        m.extend([0xBB]);
        m
    }

    #[test]
    fn strips_only_the_named_custom_sections() {
        let out = strip_custom(&module(), &["name"]).unwrap();
        assert_eq!(out.len(), module().len() - 8);
        assert!(out.windows(4).any(|w| w == b"keep"));
        assert!(!out.windows(4).any(|w| w == b"name"));
        assert_eq!(&out[8..14], &[1, 4, 1, 0x60, 0, 0]);
    }

    #[test]
    fn a_truncated_module_is_an_error_not_a_panic() {
        let m = module();
        assert_eq!(strip_custom(&m[..m.len() - 3], &["name"]), None);
        assert_eq!(strip_custom(&m[..4], &["name"]), None);
    }
}
