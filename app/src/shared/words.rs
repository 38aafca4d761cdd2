//! The locale files (`app/locales/<lang>.json`, `<area>.<lang>.json`) merged into one table of
//! words per language, keys flattened to dotted paths, each key a language lacks filled from
//! Chinese. Pure (serde_json only): the server builds its tables with it, and the build's
//! `xtask words` includes this same file (`#[path]`) to write the browser's `words.<lang>.json`.

/// The language whose words fill any key another language lacks.
pub const FALLBACK: &str = "zh-CN";

/// One language's words by dotted key.
pub type Words = std::collections::BTreeMap<String, String>;

/// A locale file's keys at their dotted paths (`{"billing": {"pay": ".."}}` → `billing.pay`),
/// as `shared::i18n` looks them up.
pub fn flatten(v: serde_json::Value, prefix: &str, out: &mut Words) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let path = if prefix.is_empty() { k } else { format!("{prefix}.{k}") };
                flatten(v, &path, out);
            }
        }
        serde_json::Value::String(s) => {
            out.insert(prefix.to_string(), s);
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// Every language's words from the locale files (`<lang>.json`, `<area>.<lang>.json`), with
/// each key a language lacks taken from the fallback language.
pub fn merge(files: &[(String, String)]) -> Result<std::collections::BTreeMap<String, Words>, String> {
    let mut langs: std::collections::BTreeMap<String, Words> = Default::default();
    for (name, text) in files {
        let stem = name
            .strip_suffix(".json")
            .ok_or_else(|| format!("{name} is not a .json file"))?;
        // `zh-CN` or `governance.zh-CN`: the language is what follows the area.
        let lang = stem.split_once('.').map_or(stem, |(_, l)| l);
        let value = serde_json::from_str(text).map_err(|e| format!("app/locales/{name} is not valid JSON: {e}"))?;
        flatten(value, "", langs.entry(lang.to_string()).or_default());
    }
    let fallback = langs
        .get(FALLBACK)
        .cloned()
        .ok_or_else(|| format!("no {FALLBACK} words"))?;
    for words in langs.values_mut() {
        for (k, v) in &fallback {
            words.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    Ok(langs)
}
