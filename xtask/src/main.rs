//! Build steps that `./dev` runs around the app: splitting the browser bundle at its lazy
//! routes, and measuring what a phone downloads.
//!
//! `cargo run -p xtask -- split <in.wasm> <out-dir> <name> [--strip]`: cuts rustc's WASM (linked with
//! `--emit-relocs`) at every `#[lazy]` function. Writes `<name>_split.wasm` (the main part,
//! for wasm-bindgen), one `.wasm` per lazy part and per code they share, the loader Leptos
//! names `__wasm_split.______________________.js`, and `__wasm_split_manifest.json`, from
//! which the server adds preload hints for the parts a page needs.
//!
//! `cargo run -p xtask -- pack <pkg-dir> <part,part,..>`: bundles, for each part named, the
//! part's file and every shared file its first visit needs into one `pack_<part>.wasm`, points
//! the split manifest (and so the server's preload hints) at it, and teaches the loader to take
//! the files from the pack. A phone then opens such a page with one request instead of up to a
//! few hundred (a browser opens six connections to a server over HTTP/1.1).
//!
//! `cargo run -p xtask -- words <locales-dir> <out-dir>`: writes `words.<lang>.json` for each
//! language of `app/locales` (every `<lang>.json` and `<area>.<lang>.json` merged, keys flattened
//! to their dotted paths, a key missing in a language filled from zh-CN), the table the browser
//! fetches alongside the bundle instead of carrying every language's words in it.
//!
//! `cargo run -p xtask -- size <site-dir> <hash> [--first-page-max KB] [--chunk-max KB]
//! [--first-pages part,part,..]`: prints every file of a build with its gzip size, and fails when
//! a first page or any lazy part is over its budget. A first page is the frame every page loads
//! (the main bundle, its loader, the stylesheet and the page's own scripts) with the part of the
//! page opened first (`--first-pages` names the parts a visit may start in: the resident's tabs
//! and signing in) and the code that part shares.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("split") if args.len() == 4 || (args.len() == 5 && args[4] == "--strip") => {
            split(Path::new(&args[1]), Path::new(&args[2]), &args[3], args.len() == 5)
        }
        Some("pack") if args.len() == 3 => pack(Path::new(&args[1]), &args[2]),
        Some("words") if args.len() == 3 => words(Path::new(&args[1]), Path::new(&args[2])),
        Some("size") if args.len() >= 3 => size(Path::new(&args[1]), &args[2], &args[3..]),
        _ => Err(
            "usage: xtask split <in.wasm> <out-dir> <name> [--strip] | xtask pack <pkg-dir> <parts> | xtask words <locales-dir> <out-dir> | xtask size <site-dir> <hash> \
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
            let stripped = strip_custom(&bytes, &["name", "producers", "target_features"])
                .ok_or_else(|| format!("{} is not a WASM module the splitter should write", part.display()))?;
            let pruned = prune_types(&stripped).map_err(|e| format!("{}: {e}", part.display()))?;
            std::fs::write(part, pruned).map_err(|e| format!("writing {}: {e}", part.display()))?;
        }
    }
    println!(
        "split into a main part and {} lazy parts ({} split points)",
        split.split_modules.len(),
        split.prefetch_map.len()
    );
    Ok(())
}

/// The loader's own code for packs, put before the code the splitter wrote. `__packed` wraps a
/// part's load: it starts the part's pack and hands its files out as they are asked for.
/// Files already loaded are not asked for again (the loader remembers each file it loaded); a
/// file whose pack failed is fetched on its own when the load is tried again.
const PACK_JS: &str = r#"
const __packs = __PACKS__;
const __fromPacks = new Map();
function __fetchFile(name) {
    const p = __fromPacks.get(name);
    if (p !== undefined) {
        __fromPacks.delete(name);
        return p;
    }
    return fetch(new URL("./" + name + ".wasm", import.meta.url));
}
function __packed(part, load) {
    return () => {
        const files = __packs[part];
        if (files !== undefined && !__fromPacks.has(files[0])) {
            const pack = fetch(new URL("./pack_" + part + ".wasm", import.meta.url)).then((res) => {
                if (!res.ok) throw new Error("pack " + part + ": HTTP " + res.status);
                return res.arrayBuffer();
            }).then((buf) => {
                const head = new DataView(buf).getUint32(0, true);
                const index = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, head)));
                const out = {};
                let at = 4 + head;
                for (const [name, len] of index) {
                    out[name] = buf.slice(at, at + len);
                    at += len;
                }
                return out;
            });
            pack.catch(() => {});
            for (const name of files) {
                const file = pack.then((out) => new Response(out[name], { headers: { "Content-Type": "application/wasm" } }));
                file.catch(() => {});
                __fromPacks.set(name, file);
            }
        }
        return load();
    };
}
"#;

/// One file holding several: a little-endian u32 length, that many bytes of a JSON index
/// (`[[name, length], ..]`), then the files' bytes in the index's order.
fn pack_files(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let index: Vec<(&str, usize)> = files.iter().map(|(n, b)| (n.as_str(), b.len())).collect();
    let index = serde_json::to_vec(&index).expect("a list of names and sizes");
    let mut out = Vec::with_capacity(4 + index.len() + files.iter().map(|f| f.1.len()).sum::<usize>());
    out.extend_from_slice(&u32::try_from(index.len()).expect("an index under 4 GB").to_le_bytes());
    out.extend_from_slice(&index);
    for (_, bytes) in files {
        out.extend_from_slice(bytes);
    }
    out
}

fn pack(pkg: &Path, parts: &str) -> Res {
    let manifest_path = pkg.join("__wasm_split_manifest.json");
    let text =
        std::fs::read_to_string(&manifest_path).map_err(|e| format!("reading {}: {e}", manifest_path.display()))?;
    let mut manifest: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_str(&text).map_err(|e| format!("reading the split manifest: {e}"))?;
    let mut packs = serde_json::Map::new();
    for part in parts.split(',').filter(|p| !p.is_empty()) {
        let files = manifest
            .get(part)
            .ok_or_else(|| format!("pack: this build has no part {part}"))?;
        // The part's own file first: the loader checks it to see whether the pack is needed.
        let mut names: Vec<String> = files.iter().filter(|f| !f.starts_with("chunk_")).cloned().collect();
        names.extend(files.iter().filter(|f| f.starts_with("chunk_")).cloned());
        let mut contents = Vec::new();
        for name in &names {
            let path = pkg.join(format!("{name}.wasm"));
            contents.push((
                name.clone(),
                std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?,
            ));
        }
        let out = pkg.join(format!("pack_{part}.wasm"));
        std::fs::write(&out, pack_files(&contents)).map_err(|e| format!("writing {}: {e}", out.display()))?;
        packs.insert(part.to_string(), names.into());
        manifest.insert(part.to_string(), vec![format!("pack_{part}")]);
    }
    let loader_path = pkg.join(LOADER);
    let loader =
        std::fs::read_to_string(&loader_path).map_err(|e| format!("reading {}: {e}", loader_path.display()))?;
    let loader = patch_loader(&loader, &serde_json::Value::Object(packs).to_string())?;
    std::fs::write(&loader_path, loader).map_err(|e| format!("writing {}: {e}", loader_path.display()))?;
    let manifest = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    std::fs::write(&manifest_path, manifest).map_err(|e| format!("writing {}: {e}", manifest_path.display()))?;
    Ok(())
}

/// The loader with every file fetched through `__fetchFile` and every part's load through
/// `__packed`; fails if the splitter's output no longer looks as expected.
fn patch_loader(loader: &str, packs_json: &str) -> Result<String, String> {
    const FETCH: &str = "fetch(new URL(\"./";
    const FETCH_END: &str = ".wasm\", import.meta.url))";
    const LOAD: &str = "= wrapAsyncCb(makeLoad(";
    let mut out = String::with_capacity(loader.len() + PACK_JS.len());
    let mut rest = loader;
    let mut fetches = 0;
    while let Some(at) = rest.find(FETCH) {
        let name_at = at + FETCH.len();
        let end = rest[name_at..]
            .find(FETCH_END)
            .ok_or("the loader's fetch of a file ends unexpectedly")?;
        let name = &rest[name_at..name_at + end];
        out.push_str(&rest[..at]);
        out.push_str(&format!("__fetchFile({})", serde_json::Value::from(name)));
        rest = &rest[name_at + end + FETCH_END.len()..];
        fetches += 1;
    }
    out.push_str(rest);
    if fetches == 0 {
        return Err("the loader fetches no file the way the splitter used to write it".into());
    }
    // `export const __wasm_split_load_<part> = wrapAsyncCb(makeLoad(...));`
    // Its statement ends on the line of its dependencies, `, [__chunk_1, ..]));`, which then
    // closes one more call.
    let mut patched = String::with_capacity(out.len());
    let (mut loads, mut open) = (0, false);
    for line in out.split_inclusive('\n') {
        if let Some(part) = line
            .strip_prefix("export const __wasm_split_load_")
            .and_then(|l| l.split_once(' '))
            .map(|(part, _)| part)
            .filter(|_| line.contains(LOAD))
        {
            if open {
                return Err("a part's loader starts before the one before it ended".into());
            }
            patched.push_str(&line.replacen(
                LOAD,
                &format!("= wrapAsyncCb(__packed({}, makeLoad(", serde_json::Value::from(part)),
                1,
            ));
            loads += 1;
            open = true;
            continue;
        }
        if open && line.trim_end().ends_with("]));") {
            let body = line.trim_end().strip_suffix("]));").unwrap_or_default();
            patched.push_str(body);
            patched.push_str("])));\n");
            open = false;
            continue;
        }
        patched.push_str(line);
    }
    if open {
        return Err("a part's loader never ends".into());
    }
    if loads == 0 {
        return Err("the loader exports no part loader the way the splitter used to write it".into());
    }
    Ok(format!("{}{}", PACK_JS.replace("__PACKS__", packs_json), patched))
}

/// The language every other falls back to, as `shared::i18n::tr_in` does.
// The locale files' merge, shared with the server (`app::shared::words`): one source file
// included in both, so the browser's words and the server's are built the same way.
#[path = "../../app/src/shared/words.rs"]
mod locale_words;
use locale_words::merge as merge_words;

fn words(locales: &Path, out_dir: &Path) -> Res {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(locales).map_err(|e| format!("reading {}: {e}", locales.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|x| x == "json") {
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
            files.push((name, text));
        }
    }
    files.sort();
    for (lang, words) in merge_words(&files)? {
        let out = out_dir.join(format!("words.{lang}.json"));
        let text = serde_json::to_string(&words).map_err(|e| e.to_string())?;
        std::fs::write(&out, text).map_err(|e| format!("writing {}: {e}", out.display()))?;
    }
    Ok(())
}

/// A module without the function types it never refers to. The splitter copies the whole type
/// section into each of its parts (over a thousand of them, most a few hundred bytes of code),
/// and leaves the pruning to a later pass; this is that pass. Indices into the type section
/// are renumbered; everything else is re-encoded as it was. Run after the name section is gone
/// (it may name types).
fn prune_types(wasm: &[u8]) -> Result<Vec<u8>, String> {
    use wasm_encoder::reencode::{utils, Error, Reencode};
    /// Notes every type a module refers to, and re-encodes with the used ones renumbered.
    #[derive(Default)]
    struct Types {
        used: std::collections::BTreeSet<u32>,
        renumbered: Option<std::collections::HashMap<u32, u32>>,
    }
    impl Reencode for Types {
        type Error = String;
        fn type_index(&mut self, ty: u32) -> Result<u32, Error<String>> {
            match &self.renumbered {
                None => {
                    self.used.insert(ty);
                    Ok(ty)
                }
                Some(map) => map
                    .get(&ty)
                    .copied()
                    .ok_or_else(|| Error::UserError(format!("type {ty} was not seen in the first pass"))),
            }
        }
        fn parse_type_section(
            &mut self,
            types: &mut wasm_encoder::TypeSection,
            section: wasmparser::TypeSectionReader<'_>,
        ) -> Result<(), Error<String>> {
            let Some(map) = &self.renumbered else {
                return utils::parse_type_section(self, types, section);
            };
            let keep: std::collections::HashSet<u32> = map.keys().copied().collect();
            for (index, group) in (0u32..).zip(section) {
                let group = group?;
                if group.is_explicit_rec_group() {
                    return Err(Error::UserError(
                        "a recursive type group (WASM GC) is not expected here".into(),
                    ));
                }
                if keep.contains(&index) {
                    self.parse_recursive_type_group(types.ty(), group)?;
                }
            }
            Ok(())
        }
    }
    let encode = |types: &mut Types| -> Result<Vec<u8>, String> {
        let mut module = wasm_encoder::Module::new();
        types
            .parse_core_module(&mut module, wasmparser::Parser::new(0), wasm)
            .map_err(|e| format!("re-encoding: {e:?}"))?;
        Ok(module.finish())
    };
    let mut types = Types::default();
    encode(&mut types)?;
    types.renumbered = Some(types.used.iter().copied().zip(0u32..).collect());
    let pruned = encode(&mut types)?;
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&pruned)
        .map_err(|e| format!("the pruned module does not validate: {e}"))?;
    Ok(pruned)
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
    // `part` or `part:KB`: a first page with a budget of its own.
    let mut entries: Vec<(&str, Option<usize>)> = Vec::new();
    if let Some(i) = flags.iter().position(|f| f == "--first-pages") {
        let list = flags.get(i + 1).ok_or("--first-pages needs a list of parts")?;
        for entry in list.split(',').filter(|p| !p.is_empty()) {
            entries.push(match entry.split_once(':') {
                None => (entry, first_max),
                Some((part, max)) => {
                    let max = max
                        .parse::<usize>()
                        .map_err(|_| format!("--first-pages: {entry} needs a size in KB"))?;
                    (part, Some(max * 1024))
                }
            });
        }
    }
    let pkg = site.join("pkg").join(hash);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&pkg)
        .map_err(|e| format!("reading {}: {e}", pkg.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let words = p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("words."));
            p.extension()
                .is_some_and(|x| x == "wasm" || x == "js" || x == "css" || (words && x == "json"))
        })
        .collect();
    files.sort();
    // What every page loads before it is interactive: the page's own scripts, the stylesheet,
    // the main bundle, the loader it imports and the words of the page's language (Chinese, for
    // most). Lazy parts come only with the pages that use them, another language's words with
    // a switch to it.
    let first_names = ["linli.js", "linli_bg.wasm", "linli.css", LOADER, "words.zh-CN.json"];
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
    let frame = rows("the frame every page loads:", &first);
    rows(&format!("lazy parts ({}), largest first:", lazy.len()), &lazy);
    // What the first visit to a page of each part downloads after the frame: the part and the
    // code it shares with other parts (a later part finds the shared files already there).
    let manifest: std::collections::BTreeMap<String, Vec<String>> =
        match std::fs::read_to_string(pkg.join("__wasm_split_manifest.json")) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| format!("reading the split manifest: {e}"))?,
            Err(_) => Default::default(),
        };
    let part_gz = |part: &str| -> Option<(usize, usize)> {
        let files = manifest.get(part)?;
        let gz = files
            .iter()
            .filter_map(|f| lazy.iter().find(|r| r.0 == format!("{f}.wasm")))
            .map(|r| r.2)
            .sum();
        Some((files.len(), gz))
    };
    println!("first visit to a page of each part (the part and the code it shares):");
    println!("  {:<28} {:>6} {:>10}", "part", "files", "gzip KB");
    for part in manifest.keys() {
        if let Some((n, gz)) = part_gz(part) {
            println!("  {part:<28} {n:>6} {:>10}", kb(gz));
        }
    }
    let mut over = Vec::new();
    // A visit that starts on a page of no part loads the frame alone.
    let mut firsts = vec![("(the frame alone)".to_string(), frame, first_max)];
    for (part, max) in &entries {
        let (_, gz) = part_gz(part).ok_or_else(|| format!("--first-pages: this build has no part {part}"))?;
        firsts.push((format!("frame + {part}"), frame + gz, *max));
    }
    println!("first pages (what a visit that starts there loads before it is interactive):");
    println!("  {:<42} {:>10} {:>10}", "", "gzip KB", "budget");
    for (name, gz, max) in &firsts {
        println!("  {name:<42} {:>10} {:>10}", kb(*gz), max.map(kb).unwrap_or_default());
    }
    for (name, gz, max) in &firsts {
        if let Some(max) = max.filter(|m| gz > m) {
            over.push(format!(
                "the first page {name} is {} KB gzip, over its budget of {} KB",
                kb(*gz),
                kb(max)
            ));
        }
    }
    if let Some(max) = chunk_max {
        // A pack bundles a first visit's files; the first pages' budgets bound those.
        for (n, _, gz) in lazy.iter().filter(|r| r.2 > max && !r.0.starts_with("pack_")) {
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
    use super::{merge_words, strip_custom};

    #[test]
    fn words_are_merged_per_language_flattened_and_filled_from_chinese() {
        let files = [
            (
                "zh-CN.json",
                r#"{"app": {"name": "邻里", "n": 2}, "only_zh": "仅中文"}"#,
            ),
            ("gov.zh-CN.json", r#"{"gov": {"vote": "投票"}}"#),
            ("en.json", r#"{"app": {"name": "Linli", "n": 2}}"#),
            ("gov.en.json", r#"{"gov": {"vote": "Vote"}}"#),
        ]
        .map(|(n, t)| (n.to_string(), t.to_string()));
        let langs = merge_words(&files).unwrap();
        assert_eq!(langs.len(), 2);
        let en = &langs["en"];
        assert_eq!(en["app.name"], "Linli");
        assert_eq!(en["gov.vote"], "Vote");
        assert_eq!(en["app.n"], "2", "a number is kept as its text, as on the server");
        assert_eq!(en["only_zh"], "仅中文", "a missing key falls back to Chinese");
        assert_eq!(langs["zh-CN"]["gov.vote"], "投票");
    }

    /// The shape of what the splitter writes: a shared file, and a part that needs it.
    const LOADER_JS: &str = "function makeLoad(fetcher, deps) {}\n\
/* a, b */\n\
const __chunk_1 = makeLoad(() => {\n\
    const src = fetch(new URL(\"./chunk_1.wasm\", import.meta.url));\n\
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));\n\
}\n\
, []);\n\
export const __wasm_split_load_a = wrapAsyncCb(makeLoad(() => {\n\
    const src = fetch(new URL(\"./split_a.wasm\", import.meta.url));\n\
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));\n\
}\n\
, [__chunk_1]));\n";

    #[test]
    fn the_loader_fetches_through_packs_and_stays_balanced() {
        let out = super::patch_loader(LOADER_JS, r#"{"a":["split_a","chunk_1"]}"#).unwrap();
        assert!(out.contains(r#"const __packs = {"a":["split_a","chunk_1"]};"#));
        assert!(out.contains(r#"const src = __fetchFile("chunk_1");"#), "{out}");
        assert!(out.contains(r#"const src = __fetchFile("split_a");"#), "{out}");
        assert!(
            out.contains(r#"export const __wasm_split_load_a = wrapAsyncCb(__packed("a", makeLoad(() => {"#),
            "{out}"
        );
        assert!(out.contains(", [__chunk_1])));\n"), "{out}");
        assert!(!out.contains("fetch(new URL(\"./chunk_1.wasm"));
        let count = |c: char| out.chars().filter(|x| *x == c).count();
        assert_eq!(count('('), count(')'), "every call is closed");
    }

    #[test]
    fn a_loader_of_another_shape_is_refused() {
        assert!(super::patch_loader("export const x = 1;\n", "{}").is_err());
    }

    #[test]
    fn a_pack_holds_its_files_behind_an_index() {
        let packed = super::pack_files(&[("a".into(), vec![1, 2, 3]), ("b".into(), vec![4])]);
        let head = u32::from_le_bytes(packed[..4].try_into().unwrap()) as usize;
        let index: Vec<(String, usize)> = serde_json::from_slice(&packed[4..4 + head]).unwrap();
        assert_eq!(index, vec![("a".to_string(), 3), ("b".to_string(), 1)]);
        assert_eq!(&packed[4 + head..], &[1, 2, 3, 4]);
    }

    #[test]
    fn a_broken_locale_file_is_named() {
        let files = [("zh-CN.json".to_string(), "{".to_string())];
        let err = merge_words(&files).unwrap_err();
        assert!(err.contains("zh-CN.json"), "{err}");
    }

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

    /// Three function types of which only the second is used: by the one function, and by a
    /// `call_indirect` in its body.
    fn module_with_unused_types() -> Vec<u8> {
        use wasm_encoder::*;
        let mut m = Module::new();
        let mut types = TypeSection::new();
        types.ty().function([ValType::I64], []);
        types.ty().function([ValType::I32], [ValType::I32]);
        types.ty().function([ValType::F32], []);
        m.section(&types);
        let mut funcs = FunctionSection::new();
        funcs.function(1);
        m.section(&funcs);
        let mut tables = TableSection::new();
        tables.table(TableType {
            element_type: RefType::FUNCREF,
            minimum: 1,
            maximum: None,
            table64: false,
            shared: false,
        });
        m.section(&tables);
        let mut code = CodeSection::new();
        let mut f = Function::new([]);
        f.instructions().local_get(0).i32_const(0).call_indirect(0, 1).end();
        code.function(&f);
        m.section(&code);
        m.finish()
    }

    #[test]
    fn unused_types_are_pruned_and_the_used_ones_renumbered() {
        let before = module_with_unused_types();
        let after = super::prune_types(&before).unwrap();
        assert!(after.len() < before.len());
        let mut types = 0;
        for payload in wasmparser::Parser::new(0).parse_all(&after) {
            match payload.unwrap() {
                wasmparser::Payload::TypeSection(r) => types = r.count(),
                wasmparser::Payload::FunctionSection(r) => {
                    assert_eq!(r.into_iter().collect::<Result<Vec<_>, _>>().unwrap(), vec![0]);
                }
                wasmparser::Payload::CodeSectionEntry(body) => {
                    let ops: Vec<_> = body
                        .get_operators_reader()
                        .unwrap()
                        .into_iter()
                        .collect::<Result<_, _>>()
                        .unwrap();
                    assert!(
                        ops.iter()
                            .any(|op| matches!(op, wasmparser::Operator::CallIndirect { type_index: 0, .. })),
                        "{ops:?}"
                    );
                }
                _ => {}
            }
        }
        assert_eq!(types, 1);
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
