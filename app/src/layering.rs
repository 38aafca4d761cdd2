//! Import layering check: reads every `.rs` file under `app/src` and fails when an import breaks the stack.
//!
//! The stack, bottom to top: `shared`; `db` (and any other root file, such as an i18n helper); `org`;
//! `access`, `audit`; `jobs`, `web`, `files`; the business areas (every other top-level folder: `estate`,
//! `billing`, `tickets`, ...); `app.rs`. Modules that do not exist yet are simply absent.
//!
//! 1. A module never imports from a module above it: `shared` imports only `shared`, `db` only `shared` and
//!    `db`, and so on; no foundation module imports a business area.
//! 2. A business area imports another area only through its `service` (facade), `model` (wasm-safe types),
//!    `api` (server functions, DTOs) and `ui` (components) submodules, or a name re-exported at the area's
//!    root (`crate::billing::Thing`, where `Thing` is not a submodule).
//! 3. A module importing itself is always fine. `app.rs` and `lib.rs` compose everything and are exempt,
//!    and every module's endpoints (`api.rs`, `rest.rs`) may use the edge plumbing in `web`.
//!
//! An import is any path `crate::<module>::<segment>` (or `$crate::...`) in code: `use` trees with nested `{}`
//! groups over several lines, and inline paths such as `crate::org::service::office_of(..)`. Comments,
//! string and char literals are skipped; `super::` paths are not followed.
//!
//! Known violations are listed in `layering.allow`, one `<file under src> <crate::module::segment>` per line.
//! The test fails on a violation missing from it (new debt) and on a line that matches nothing any more
//! (stale: delete it), so the list only shrinks. Regenerate it from the tree with
//! `LINLI_LAYERING_WRITE=1 cargo test -p app --features ssr --lib layering`; print the debt per pair of
//! modules with `cargo test -p app --features ssr --lib layering -- --ignored --nocapture`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
const BASELINE: &str = "layering.allow";
const WRITE_VAR: &str = "LINLI_LAYERING_WRITE";

/// The submodules through which one business area may use another.
const FACADES: [&str; 4] = ["service", "model", "api", "ui"];
/// Root files that compose the crate (or are this check); they may import anything.
const EXEMPT: [&str; 3] = ["app", "lib", "layering"];
/// Foundation modules and their rank in the stack. Any other folder is a business area.
const FOUNDATION: [(&str, u8); 8] = [
    ("shared", 0),
    ("db", 1),
    ("org", 2),
    ("access", 3),
    ("audit", 3),
    ("jobs", 4),
    ("web", 4),
    ("files", 4),
];
/// Any other root file (an i18n helper, say) sits beside `db`.
const ROOT_FILE_RANK: u8 = 1;
const AREA_RANK: u8 = 5;
const APP_RANK: u8 = 6;
const STACK: &str = "shared → db → org → access, audit → jobs, web, files → business areas → app";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Layer {
    Exempt,
    Foundation(u8),
    Area,
}

impl Layer {
    fn of(module: &str, is_folder: bool) -> Layer {
        if EXEMPT.contains(&module) {
            Layer::Exempt
        } else if let Some(&(_, rank)) = FOUNDATION.iter().find(|(name, _)| *name == module) {
            Layer::Foundation(rank)
        } else if is_folder {
            Layer::Area
        } else {
            Layer::Foundation(ROOT_FILE_RANK)
        }
    }

    fn rank(self) -> u8 {
        match self {
            Layer::Exempt => APP_RANK,
            Layer::Foundation(rank) => rank,
            Layer::Area => AREA_RANK,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Violation {
    /// Path of the importing file, relative to `src`.
    file: String,
    line: usize,
    /// The import up to the offending segment (`crate::estate::repo`): the baseline's second column.
    key: String,
    /// The whole path as written (groups expanded).
    import: String,
    rule: u8,
    from: String,
}

impl Violation {
    fn baseline_line(&self) -> String {
        format!("{} {}", self.file, self.key)
    }

    fn explain(&self) -> String {
        let to = self
            .key
            .trim_start_matches("crate::")
            .split("::")
            .next()
            .unwrap_or_default();
        if self.rule == 1 {
            format!(
                "rule 1: `{}` must not import `{to}`, which sits above it in the stack",
                self.from
            )
        } else {
            format!(
                "rule 2: `{}` may use the business area `{to}` only through {to}::{{service, model, api, ui}} \
                 or a name re-exported at {to}'s root",
                self.from
            )
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Parsing

/// The source with comments, string and char literals blanked out (newlines kept, so line numbers hold).
fn strip(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        if ch == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && next == Some('*') {
            let mut depth = 0usize;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if let Some((hashes, body)) = raw_string_start(&c, i) {
            i = body;
            while i < c.len() {
                if c[i] == '"' && (1..=hashes).all(|k| c.get(i + k) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if ch == '"' {
            i += 1;
            while i < c.len() {
                match c[i] {
                    '\\' => {
                        blank(&mut out, c[i]);
                        if let Some(&escaped) = c.get(i + 1) {
                            blank(&mut out, escaped);
                        }
                        i += 2;
                    }
                    '"' => {
                        i += 1;
                        break;
                    }
                    other => {
                        blank(&mut out, other);
                        i += 1;
                    }
                }
            }
        } else if ch == '\'' && next == Some('\\') {
            // An escaped char literal: '\n', '\'', '\u{1F600}'.
            i += 3;
            while i < c.len() && c[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else if ch == '\'' && c.get(i + 2) == Some(&'\'') {
            i += 3;
        } else {
            // Code, including a lifetime or a label ('a, 'outer:).
            out.push(ch);
            i += 1;
            continue;
        }
        // Whatever was skipped still separates tokens.
        out.push(' ');
    }
    out
}

/// At `i`, the start of a raw string (`r"`, `r#"`, `br"`, `cr#"`...): the number of `#` and where the text starts.
fn raw_string_start(c: &[char], i: usize) -> Option<(usize, usize)> {
    if i > 0 && is_ident(c[i - 1]) {
        return None;
    }
    let r = match c[i] {
        'r' => i,
        'b' | 'c' if c.get(i + 1) == Some(&'r') => i + 1,
        _ => return None,
    };
    let mut j = r + 1;
    while c.get(j) == Some(&'#') {
        j += 1;
    }
    (c.get(j) == Some(&'"')).then_some((j - r - 1, j + 1))
}

fn is_ident(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_'
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Other,
}

/// Tokens of stripped code, each with its 1-based line.
fn tokens(code: &str) -> Vec<(Tok, usize)> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut chars = code.chars().peekable();
    while let Some(ch) = chars.next() {
        let tok = match ch {
            '\n' => {
                line += 1;
                continue;
            }
            c if c.is_whitespace() => continue,
            c if is_ident(c) => {
                let mut name = String::from(c);
                while let Some(&n) = chars.peek().filter(|n| is_ident(**n)) {
                    name.push(n);
                    chars.next();
                }
                Tok::Ident(name)
            }
            ':' if chars.peek() == Some(&':') => {
                chars.next();
                Tok::PathSep
            }
            '{' => Tok::Open,
            '}' => Tok::Close,
            ',' => Tok::Comma,
            _ => Tok::Other,
        };
        out.push((tok, line));
    }
    out
}

/// One import: the segments after `crate`, each with its line.
type ImportPath = Vec<(String, usize)>;

/// Every `crate::...` path in the source, `use` groups expanded into one path per leaf.
fn imports(src: &str) -> Vec<ImportPath> {
    let toks = tokens(&strip(src));
    let mut out = Vec::new();
    for (i, (tok, _)) in toks.iter().enumerate() {
        let is_crate = matches!(tok, Tok::Ident(name) if name == "crate");
        let after_sep = i > 0 && toks[i - 1].0 == Tok::PathSep;
        if is_crate && !after_sep && toks.get(i + 1).map(|t| &t.0) == Some(&Tok::PathSep) {
            parse_tree(&toks, i + 2, Vec::new(), &mut out);
        }
    }
    out.retain(|path| !path.is_empty());
    out
}

/// Parses the use tree (or inline path) at `pos` below `prefix`, pushing each leaf; returns the position after it.
fn parse_tree(toks: &[(Tok, usize)], mut pos: usize, mut prefix: ImportPath, out: &mut Vec<ImportPath>) -> usize {
    loop {
        match toks.get(pos) {
            Some((Tok::Ident(name), line)) => {
                pos += 1;
                if name != "self" {
                    prefix.push((name.clone(), *line));
                }
                if toks.get(pos).map(|t| &t.0) == Some(&Tok::PathSep) {
                    pos += 1;
                    continue;
                }
                out.push(prefix);
                return pos;
            }
            Some((Tok::Open, _)) => {
                pos += 1;
                loop {
                    match toks.get(pos).map(|t| &t.0) {
                        None => return pos,
                        Some(Tok::Close) => return pos + 1,
                        Some(Tok::Comma) => pos += 1,
                        Some(_) => {
                            pos = parse_tree(toks, pos, prefix.clone(), out);
                            // Skip `as alias` (or anything unexpected) up to the next `,` or `}` of this group.
                            let mut depth = 0usize;
                            while let Some((tok, _)) = toks.get(pos) {
                                match tok {
                                    Tok::Comma | Tok::Close if depth == 0 => break,
                                    Tok::Open => depth += 1,
                                    Tok::Close => depth -= 1,
                                    _ => {}
                                }
                                pos += 1;
                            }
                        }
                    }
                }
            }
            // `*`, `<`, `(`, `;`...: the path ends here (a glob imports the prefix itself).
            _ => {
                out.push(prefix);
                return pos;
            }
        }
    }
}

/// `mod name` declarations in a module file.
fn declared_mods(src: &str) -> Vec<String> {
    let toks = tokens(&strip(src));
    toks.windows(2)
        .filter_map(|w| match (&w[0].0, &w[1].0) {
            (Tok::Ident(kw), Tok::Ident(name)) if kw == "mod" => Some(name.clone()),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------------
// The rules

/// The top-level module of a file under `src`, and whether it is a folder.
fn module_of(file: &str) -> (&str, bool) {
    match file.split_once('/') {
        Some((dir, _)) => (dir, true),
        None => (file.trim_end_matches(".rs"), false),
    }
}

/// Top-level modules (name → is a folder) and each one's submodules (files, folders, `mod` declarations).
struct Tree {
    modules: BTreeMap<String, bool>,
    submodules: BTreeMap<String, BTreeSet<String>>,
}

impl Tree {
    fn new(files: &[(String, String)]) -> Tree {
        let mut modules = BTreeMap::new();
        let mut submodules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (file, src) in files {
            let (module, is_folder) = module_of(file);
            let folder = modules.entry(module.to_string()).or_insert(false);
            *folder |= is_folder;
            let subs = submodules.entry(module.to_string()).or_default();
            if let Some((_, rest)) = file.split_once('/') {
                let sub = rest.split('/').next().unwrap_or_default().trim_end_matches(".rs");
                if sub != "mod" {
                    subs.insert(sub.to_string());
                }
            }
            if (file.ends_with("/mod.rs") && file.matches('/').count() == 1) || !file.contains('/') {
                subs.extend(declared_mods(src));
            }
        }
        Tree { modules, submodules }
    }

    fn layer(&self, module: &str) -> Option<Layer> {
        self.modules.get(module).map(|&is_folder| Layer::of(module, is_folder))
    }

    fn is_submodule(&self, module: &str, name: &str) -> bool {
        self.submodules.get(module).is_some_and(|subs| subs.contains(name))
    }
}

/// An endpoint file: a module's server functions or `/api/v1` handlers.
fn is_edge(file: &str) -> bool {
    file.ends_with("/api.rs") || file.ends_with("/rest.rs")
}

/// Every import in `files` (path under `src`, source) that breaks a rule.
fn check(files: &[(String, String)]) -> Vec<Violation> {
    let tree = Tree::new(files);
    let mut found = Vec::new();
    for (file, src) in files {
        let (from, _) = module_of(file);
        let Some(from_layer) = tree.layer(from) else { continue };
        if from_layer == Layer::Exempt {
            continue;
        }
        for path in imports(src) {
            let to = path[0].0.as_str();
            if to == from {
                continue;
            }
            // Not a module: a root item such as a #[macro_export] macro or a re-export in lib.rs.
            let Some(to_layer) = tree.layer(to) else { continue };
            // A foundation module's endpoints (`api.rs`, `rest.rs`) sit at the top of the stack,
            // like every area's: they may use the edge plumbing in `web`.
            if to == "web" && is_edge(file) {
                continue;
            }
            let segment = path.get(1).map(|(s, _)| s.as_str());
            let (rule, len) = if from_layer == Layer::Area && to_layer == Layer::Area {
                match segment {
                    None => (2, 1),
                    Some(s) if FACADES.contains(&s) => continue,
                    Some(s) if tree.is_submodule(to, s) => (2, 2),
                    Some(_) => continue, // a name re-exported at the area's root
                }
            } else if to_layer.rank() > from_layer.rank() {
                (1, path.len().min(2))
            } else {
                continue;
            };
            let join = |segs: &[(String, usize)]| segs.iter().fold(String::from("crate"), |acc, (s, _)| acc + "::" + s);
            found.push(Violation {
                file: file.clone(),
                line: path[len - 1].1,
                key: join(&path[..len]),
                import: join(&path),
                rule,
                from: from.to_string(),
            });
        }
    }
    found.sort();
    found
}

/// The baseline's entries: every line but blanks and `#` comments, trimmed.
fn parse_baseline(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

fn render_baseline(found: &[Violation]) -> String {
    let lines: BTreeSet<String> = found.iter().map(Violation::baseline_line).collect();
    let mut out = String::from(
        "# Known import-layering violations, checked by app/src/layering.rs (the rules are at its top).\n\
         # One `<file under app/src> <import up to the offending segment>` per line. Only ever delete lines:\n\
         # the test fails on a violation not listed here and on a line that matches nothing any more.\n\
         # Regenerate: LINLI_LAYERING_WRITE=1 cargo test -p app --features ssr --lib layering\n",
    );
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// What is wrong between the violations found and the baseline; empty when they agree.
fn compare(found: &[Violation], allowed: &BTreeSet<String>) -> String {
    let mut report = String::new();
    let new: Vec<&Violation> = found.iter().filter(|v| !allowed.contains(&v.baseline_line())).collect();
    if !new.is_empty() {
        let _ = writeln!(
            report,
            "{} import(s) break the layering of app/src (see app/src/layering.rs):",
            new.len()
        );
        for v in &new {
            let _ = writeln!(report, "  {}:{}: {}\n      {}", v.file, v.line, v.import, v.explain());
        }
        let _ = writeln!(
            report,
            "The stack, bottom to top: {STACK}.\nFix the import: use the area's service/model/api/ui (add what \
             you need there) or move the code to the right layer. Only if the debt is deliberate, add to \
             app/src/{BASELINE}:"
        );
        let lines: BTreeSet<String> = new.iter().map(|v| v.baseline_line()).collect();
        for line in lines {
            let _ = writeln!(report, "  {line}");
        }
    }
    let current: BTreeSet<String> = found.iter().map(Violation::baseline_line).collect();
    let stale: Vec<&String> = allowed.difference(&current).collect();
    if !stale.is_empty() {
        let _ = writeln!(
            report,
            "{} line(s) of app/src/{BASELINE} match no violation any more; delete them (the list only shrinks):",
            stale.len()
        );
        for line in stale {
            let _ = writeln!(report, "  {line}");
        }
    }
    report
}

/// Every `.rs` file under `dir`, as (path relative to `root` with `/`, source), sorted.
fn read_tree(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .path();
        if path.is_dir() {
            read_tree(root, &path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let src = fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            out.push((rel, src));
        }
    }
    out.sort();
}

fn current_violations() -> Vec<Violation> {
    let root = Path::new(SRC);
    let mut files = Vec::new();
    read_tree(root, root, &mut files);
    assert!(files.iter().any(|(f, _)| f == "lib.rs"), "no lib.rs under {SRC}");
    check(&files)
}

#[test]
fn imports_follow_the_layer_stack() {
    let found = current_violations();
    let baseline = Path::new(SRC).join(BASELINE);
    if std::env::var_os(WRITE_VAR).is_some_and(|v| v == "1") {
        fs::write(&baseline, render_baseline(&found)).expect("writing the baseline");
        println!(
            "wrote {} with {} line(s)",
            baseline.display(),
            parse_baseline(&render_baseline(&found)).len()
        );
        return;
    }
    let allowed = parse_baseline(&fs::read_to_string(&baseline).unwrap_or_default());
    let report = compare(&found, &allowed);
    assert!(report.is_empty(), "\n{report}");
}

/// The debt in the baseline, per (importing module → imported module::submodule).
#[test]
#[ignore = "prints the layering debt: cargo test -p app --features ssr --lib layering -- --ignored --nocapture"]
fn layering_debt() {
    let mut pairs: BTreeMap<(String, String), (BTreeSet<String>, usize)> = BTreeMap::new();
    for v in current_violations() {
        let entry = pairs
            .entry((v.from.clone(), v.key.trim_start_matches("crate::").to_string()))
            .or_default();
        entry.0.insert(v.file.clone());
        entry.1 += 1;
    }
    println!("{:<12} {:<28} {:>5} {:>5}", "from", "to", "files", "uses");
    for ((from, to), (files, uses)) in pairs {
        println!("{from:<12} {to:<28} {:>5} {uses:>5}", files.len());
    }
}

// ---------------------------------------------------------------------------------------------------------
// Tests of the parser and the rules, so the check cannot pass on a bug of its own

fn flat(src: &str) -> Vec<String> {
    imports(src)
        .iter()
        .map(|path| {
            path.iter()
                .map(|(s, l)| format!("{s}@{l}"))
                .collect::<Vec<_>>()
                .join("::")
        })
        .collect()
}

#[test]
fn grouped_use_expands_nested_groups() {
    let src = "use crate::{billing::model::X, estate::{service, repo::{a, b as c}}};\n\
               use crate::billing::{model::A, counter::B};\n\
               use crate::notify::{self, queue::*};";
    assert_eq!(
        flat(src),
        [
            "billing@1::model@1::X@1",
            "estate@1::service@1",
            "estate@1::repo@1::a@1",
            "estate@1::repo@1::b@1",
            "billing@2::model@2::A@2",
            "billing@2::counter@2::B@2",
            "notify@3",
            "notify@3::queue@3",
        ]
    );
}

#[test]
fn multi_line_use_keeps_each_segments_line() {
    let src =
        "use crate::{\n    billing::{\n        counter::pay,\n        model::Bill,\n    },\n    shared::ids::Id,\n};\n";
    assert_eq!(
        flat(src),
        [
            "billing@2::counter@3::pay@3",
            "billing@2::model@4::Bill@4",
            "shared@6::ids@6::Id@6"
        ]
    );
}

#[test]
fn inline_paths_are_imports() {
    let src = "async fn f() {\n    let o = crate::estate::service::office_of(&ctx, id).await?;\n    \
               let v = view! { <crate::notify::ui::UnreadBadge /> };\n    \
               let b = crate::billing::model::Bill { id: 1 };\n    let n = crate::shared::ids::Id::<u8>::new();\n}\n\
               macro_rules! m { () => { $crate::db::busy() }; }\npub(crate) fn g() {}\n";
    assert_eq!(
        flat(src),
        [
            "estate@2::service@2::office_of@2",
            "notify@3::ui@3::UnreadBadge@3",
            "billing@4::model@4::Bill@4",
            "shared@5::ids@5::Id@5",
            "db@7::busy@7",
        ]
    );
}

#[test]
fn comments_strings_and_chars_are_skipped() {
    let src = "//! crate::billing::counter::a\n/// crate::billing::counter::b\n// crate::billing::counter::c\n\
               /* crate::billing::counter::d /* nested */ crate::billing::counter::e */\n\
               let s = \"crate::billing::counter::f \\\" crate::billing::counter::g\";\n\
               let r = r#\"crate::billing::counter::h \" crate::x::y\"#;\nlet q = '\"'; let e = '\\''; let z = b'{';\n\
               fn h<'a>(x: &'a str) -> &'a str { crate::estate::model::name(x) }\n";
    assert_eq!(flat(src), ["estate@8::model@8::name@8"]);
}

fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(f, s)| (f.to_string(), s.to_string())).collect()
}

fn keys(found: &[Violation]) -> Vec<String> {
    found
        .iter()
        .map(|v| format!("{}:{} rule {} {}", v.file, v.line, v.rule, v.key))
        .collect()
}

#[test]
fn a_foundation_module_importing_upwards_is_caught() {
    let tree = files(&[
        ("lib.rs", "pub mod shared; use crate::billing::counter::pay;"),
        ("app.rs", "use crate::estate::repo::x;"),
        (
            "shared/mod.rs",
            "use crate::shared::ids::Id;\nfn f() { crate::db::busy() }",
        ),
        (
            "db/mod.rs",
            "use crate::shared::error::AppError;\nuse crate::billing::model::Bill;",
        ),
        (
            "access/service.rs",
            "use crate::{audit::service::log, db::AppCtx};\nuse crate::jobs::queue::push;",
        ),
        ("audit/service.rs", "use crate::access::model::Actor;"),
        (
            "files/store.rs",
            "use crate::jobs::queue::push;\nfn f() { crate::estate::service::office_of() }",
        ),
        ("jobs/queue.rs", "use crate::files::store::put;"),
        ("billing/mod.rs", "pub mod counter; pub mod model;"),
        ("estate/repo.rs", ""),
        // Endpoints may use the edge plumbing; the module's use cases may not.
        ("access/rest.rs", "use crate::web::ApiCtx;"),
        ("access/keys.rs", "use crate::web::ApiCtx;"),
        ("web/mod.rs", ""),
    ]);
    assert_eq!(
        keys(&check(&tree)),
        [
            "access/keys.rs:1 rule 1 crate::web::ApiCtx",
            "access/service.rs:2 rule 1 crate::jobs::queue",
            "db/mod.rs:2 rule 1 crate::billing::model",
            "files/store.rs:2 rule 1 crate::estate::service",
            "shared/mod.rs:2 rule 1 crate::db::busy",
        ]
    );
}

#[test]
fn a_business_area_reaching_past_another_areas_facade_is_caught() {
    let tree = files(&[
        (
            "billing/mod.rs",
            "pub mod counter;\nmod meters;\npub use counter::pay;\npub mod model; pub mod service;",
        ),
        ("billing/counter.rs", "use crate::billing::meters::read;"),
        ("billing/model.rs", ""),
        ("tickets/mod.rs", "pub mod config;"),
        ("tickets/config.rs", ""),
        ("service/service.rs", ""),
        ("service/reports.rs", ""),
        (
            "estate/service.rs",
            "use crate::billing::{model::Bill, service, Thing, pay};\n\
             fn f() {\n    crate::billing::counter::pay();\n    crate::billing::meters::read();\n}\n\
             use crate::billing;\nuse crate::tickets::config::C;\nuse crate::estate::repo::x;\n\
             use crate::access::repo::y;\nuse crate::service::service::s;\nuse crate::service::reports::r;\n",
        ),
    ]);
    assert_eq!(
        keys(&check(&tree)),
        [
            "estate/service.rs:3 rule 2 crate::billing::counter",
            "estate/service.rs:4 rule 2 crate::billing::meters",
            "estate/service.rs:6 rule 2 crate::billing",
            "estate/service.rs:7 rule 2 crate::tickets::config",
            "estate/service.rs:11 rule 2 crate::service::reports",
        ]
    );
}

#[test]
fn baseline_reports_new_and_stale_lines() {
    let found = check(&files(&[
        ("db/mod.rs", "use crate::estate::model::X;"),
        ("estate/mod.rs", "pub mod model;"),
        ("billing/counter.rs", "fn f() { crate::estate::repo::load() }"),
        ("estate/repo.rs", ""),
    ]));
    let all = parse_baseline(&render_baseline(&found));
    assert_eq!(
        all.iter().collect::<Vec<_>>(),
        [
            "billing/counter.rs crate::estate::repo",
            "db/mod.rs crate::estate::model"
        ]
    );
    assert_eq!(compare(&found, &all), "");
    let mut partial = all.clone();
    partial.remove("db/mod.rs crate::estate::model");
    partial.extend(parse_baseline(
        "# a comment\n\n  estate/ui.rs   crate::billing::runs \n",
    ));
    let report = compare(&found, &partial);
    assert!(report.contains("db/mod.rs:1: crate::estate::model::X"), "{report}");
    assert!(report.contains("rule 1: `db` must not import `estate`"), "{report}");
    assert!(report.contains("delete them"), "{report}");
    assert!(report.contains("  estate/ui.rs crate::billing::runs"), "{report}");
}
