//! Locale selection and lookup. Strings live in `app/locales/*.json` (`<lang>.json` and one
//! `<area>.<lang>.json` per area that keeps its own); this module looks them up, with zh-CN as
//! the fallback, and adds the reactive current locale that pages read, so switching language
//! re-renders text without a reload.
//!
//! On the server the files are compiled in as text and read into a table the first time a
//! language is used. The browser bundle carries none of them: the build writes each language's
//! table as `words.<lang>.json` beside the bundle (`xtask words`), the page names the one it was
//! rendered in in a preload link (`#linli-words`), and [`load_words`] reads it before hydration
//! (and another language's before switching to it). A phone so downloads one language's words,
//! once: the service worker keeps them with the build.
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Locale {
    ZhCn,
    En,
}

pub const LOCALE_COOKIE: &str = "linli_lang";

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// Accepts `zh-CN`, `zh`, `en`, `en-US` …; anything else is `None`.
    pub fn parse(s: &str) -> Option<Locale> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Locale::ZhCn)
        } else if s.starts_with("en") {
            Some(Locale::En)
        } else {
            None
        }
    }

    /// Picks the first supported language of an `Accept-Language` header, Chinese by default.
    pub fn from_accept_language(header: &str) -> Locale {
        let mut best: Option<(f32, Locale)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("");
            let q = it
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok()))
                .unwrap_or(1.0);
            if let Some(l) = Locale::parse(tag) {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, l));
                }
            }
        }
        best.map(|(_, l)| l).unwrap_or(Locale::ZhCn)
    }

    pub fn other(self) -> Locale {
        match self {
            Locale::ZhCn => Locale::En,
            Locale::En => Locale::ZhCn,
        }
    }
}

/// Every string file, by language. A test checks that each file in `app/locales` is here.
#[cfg(not(feature = "hydrate"))]
const SOURCES: &[(&str, &str, &str)] = &[
    ("zh-CN", "zh-CN.json", include_str!("../../locales/zh-CN.json")),
    (
        "zh-CN",
        "engineering.zh-CN.json",
        include_str!("../../locales/engineering.zh-CN.json"),
    ),
    (
        "zh-CN",
        "files.zh-CN.json",
        include_str!("../../locales/files.zh-CN.json"),
    ),
    (
        "zh-CN",
        "service.zh-CN.json",
        include_str!("../../locales/service.zh-CN.json"),
    ),
    (
        "zh-CN",
        "governance.zh-CN.json",
        include_str!("../../locales/governance.zh-CN.json"),
    ),
    (
        "zh-CN",
        "community.zh-CN.json",
        include_str!("../../locales/community.zh-CN.json"),
    ),
    (
        "zh-CN",
        "amenities.zh-CN.json",
        include_str!("../../locales/amenities.zh-CN.json"),
    ),
    ("en", "en.json", include_str!("../../locales/en.json")),
    (
        "en",
        "engineering.en.json",
        include_str!("../../locales/engineering.en.json"),
    ),
    ("en", "files.en.json", include_str!("../../locales/files.en.json")),
    ("en", "service.en.json", include_str!("../../locales/service.en.json")),
    (
        "en",
        "governance.en.json",
        include_str!("../../locales/governance.en.json"),
    ),
    (
        "en",
        "community.en.json",
        include_str!("../../locales/community.en.json"),
    ),
    (
        "en",
        "amenities.en.json",
        include_str!("../../locales/amenities.en.json"),
    ),
];

type Table = std::collections::HashMap<String, String>;

/// A language's strings, keyed by their dotted path (`"billing.pay"`), read on first use.
#[cfg(not(feature = "hydrate"))]
fn table(locale: &str) -> Option<&'static Table> {
    use std::sync::OnceLock;
    static ALL: OnceLock<std::collections::HashMap<String, Table>> = OnceLock::new();
    ALL.get_or_init(|| {
        let files: Vec<(String, String)> = SOURCES
            .iter()
            .map(|(_, name, text)| (name.to_string(), text.to_string()))
            .collect();
        // Built as the browser's `words.<lang>.json` are (`xtask words`, the same merge). The
        // files are checked by the tests; a broken one would show keys, not stop the app.
        match super::words::merge(&files) {
            Ok(langs) => langs
                .into_iter()
                .map(|(lang, words)| (lang, words.into_iter().collect()))
                .collect(),
            Err(e) => {
                leptos::logging::error!("{e}");
                Default::default()
            }
        }
    })
    .get(locale)
}

/// The browser's tables, filled by [`load_words`].
#[cfg(feature = "hydrate")]
fn cell(locale: &str) -> Option<&'static std::sync::OnceLock<Table>> {
    use std::sync::OnceLock;
    static ZH: OnceLock<Table> = OnceLock::new();
    static EN: OnceLock<Table> = OnceLock::new();
    match locale {
        "zh-CN" => Some(&ZH),
        "en" => Some(&EN),
        _ => None,
    }
}

/// A language's strings in the browser, once [`load_words`] has read them.
#[cfg(feature = "hydrate")]
fn table(locale: &str) -> Option<&'static Table> {
    cell(locale)?.get()
}

/// The id of the preload link through which the server names the words of the page's language.
pub const WORDS_LINK_ID: &str = "linli-words";

/// Reads a language's words in the browser, from the build's `words.<lang>.json` beside the
/// one the page's preload link names (the preload has usually fetched it with the bundle).
/// Does nothing when they are already there.
#[cfg(feature = "hydrate")]
pub async fn load_words(locale: Locale) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let Some(cell) = cell(locale.code()) else {
        return Err(format!("no words for {}", locale.code()));
    };
    if cell.get().is_some() {
        return Ok(());
    }
    let window = web_sys::window().ok_or("no window")?;
    let named = window
        .document()
        .and_then(|d| d.get_element_by_id(WORDS_LINK_ID))
        .and_then(|l| l.get_attribute("href"))
        .ok_or("the page names no words file")?;
    let dir = named.rsplit_once('/').map_or("", |(dir, _)| dir);
    let url = format!("{dir}/words.{}.json", locale.code());
    let failed = |e: wasm_bindgen::JsValue| format!("fetching {url}: {e:?}");
    let res: web_sys::Response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .map_err(failed)?
        .dyn_into()
        .map_err(failed)?;
    if !res.ok() {
        return Err(format!("fetching {url}: HTTP {}", res.status()));
    }
    let text = JsFuture::from(res.text().map_err(failed)?).await.map_err(failed)?;
    let text = text.as_string().unwrap_or_default();
    let words: Table = serde_json::from_str(&text).map_err(|e| format!("reading {url}: {e}"))?;
    let _ = cell.set(words);
    Ok(())
}

/// Looks a key up in a locale, then in zh-CN; a missing key shows the key itself (and fails
/// the key test).
pub fn tr_in(locale: &str, key: &str) -> String {
    table(locale)
        .and_then(|t| t.get(key))
        .or_else(|| table("zh-CN").and_then(|t| t.get(key)))
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

/// Words a reader sees in their own language, decided when they read them, not when they were
/// written: message keys, templates filled with values, and the words around them (a ticket
/// number, a comment as typed). A stored notice keeps these, so an English reader gets English
/// even for a notice raised while nobody was looking.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Msg(pub Vec<Part>);

/// Words as written (`"停水通知".into()`).
impl From<&str> for Msg {
    fn from(s: &str) -> Msg {
        Msg::text(s)
    }
}

impl From<String> for Msg {
    fn from(s: String) -> Msg {
        Msg::text(s)
    }
}

/// One piece of a [`Msg`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// As written (a number, a name, what someone typed).
    Text(String),
    /// A message key, looked up in the reader's language.
    Key(String),
    /// A message key whose `{name}` placeholders take these values, each itself a message.
    Fill(String, Vec<(String, Msg)>),
}

impl Msg {
    /// Words as they are (a staff broadcast is written in one language).
    pub fn text(s: impl Into<String>) -> Msg {
        Msg(vec![Part::Text(s.into())])
    }

    pub fn key(k: impl Into<String>) -> Msg {
        Msg(vec![Part::Key(k.into())])
    }

    /// A template with its values: `Msg::fill("billing.notice_issued", [("amount", Msg::text("¥1.00"))])`.
    pub fn fill<const N: usize>(k: impl Into<String>, args: [(&str, Msg); N]) -> Msg {
        Msg(vec![Part::Fill(
            k.into(),
            args.into_iter().map(|(n, v)| (n.to_string(), v)).collect(),
        )])
    }

    /// These words, then a space and `more` (a key then a number: "工单 R20261205-0001").
    pub fn then(mut self, more: Msg) -> Msg {
        self.0.push(Part::Text(" ".into()));
        self.0.extend(more.0);
        self
    }

    /// The words in `locale`.
    pub fn render(&self, locale: &str) -> String {
        let mut out = String::new();
        for p in &self.0 {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Key(k) => out.push_str(&tr_in(locale, k)),
                Part::Fill(k, args) => {
                    let mut t = tr_in(locale, k);
                    for (name, v) in args {
                        t = t.replace(&format!("{{{name}}}"), &v.render(locale));
                    }
                    out.push_str(&t);
                }
            }
        }
        out
    }
}

/// The current locale of this page, shared by every component.
#[derive(Clone, Copy)]
pub struct I18n {
    pub locale: RwSignal<Locale>,
    /// The locale the page was requested in. On the server it never changes within a request,
    /// so text is looked up without touching the signal: leptos_meta renders `<title>` from
    /// its closure outside the request's reactive arena, where reading a signal panics.
    rendered: Locale,
}

impl I18n {
    pub fn new(l: Locale) -> I18n {
        I18n {
            locale: RwSignal::new(l),
            rendered: l,
        }
    }

    fn current(&self) -> Locale {
        #[cfg(feature = "ssr")]
        {
            self.rendered
        }
        #[cfg(not(feature = "ssr"))]
        {
            let _ = self.rendered;
            self.locale.get()
        }
    }

    /// The text for `key` in the current locale; reactive when called inside a closure.
    pub fn t(&self, key: &str) -> String {
        tr_in(self.current().code(), key)
    }

    pub fn code(&self) -> &'static str {
        self.current().code()
    }

    /// Switches language once its words are in: remembers it in a cookie for the server's next
    /// render.
    pub fn set(&self, l: Locale) {
        #[cfg(not(feature = "hydrate"))]
        self.locale.set(l);
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let i18n = *self;
            leptos::task::spawn_local(async move {
                if let Err(e) = load_words(l).await {
                    // The texts fall back to Chinese, key by key, rather than the switch failing.
                    leptos::logging::error!("{e}");
                }
                i18n.locale.set(l);
            });
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                if let Ok(html) = doc.clone().dyn_into::<web_sys::HtmlDocument>() {
                    let _ = html.set_cookie(&format!(
                        "{LOCALE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                        l.code()
                    ));
                }
                if let Some(el) = doc.document_element() {
                    let _ = el.set_attribute("lang", l.code());
                }
            }
        }
    }
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| {
        let i = I18n::new(Locale::ZhCn);
        provide_context(i);
        i
    })
}

/// The locale to render this request in: the cookie, else `Accept-Language`, else Chinese.
/// In the browser: the `lang` the server rendered, so hydration matches.
pub fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = use_context::<http::request::Parts>() {
            return locale_of_request(&parts.headers);
        }
    }
    #[cfg(feature = "hydrate")]
    {
        if let Some(lang) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
        {
            if let Some(l) = Locale::parse(&lang) {
                return l;
            }
        }
    }
    Locale::ZhCn
}

/// Server side: the locale a request asks for.
pub fn locale_of_request(headers: &http::HeaderMap) -> Locale {
    let from_cookie = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == LOCALE_COOKIE)
        .and_then(|(_, v)| Locale::parse(v));
    from_cookie.unwrap_or_else(|| {
        headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Locale::from_accept_language)
            .unwrap_or(Locale::ZhCn)
    })
}

/// Cookie that carries the large-text (适老化) mode so the server renders it from the first
/// byte (the account setting is the source of truth; the cookie follows it).
pub const LARGE_COOKIE: &str = "linli_large";

/// Whether this render starts in large-text mode: the cookie on the server, the server's
/// markup in the browser (so hydration matches).
pub fn initial_large_text() -> bool {
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = use_context::<http::request::Parts>() {
            return parts
                .headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .filter_map(|kv| kv.trim().split_once('='))
                .any(|(k, v)| k == LARGE_COOKIE && v == "1");
        }
    }
    #[cfg(feature = "hydrate")]
    {
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            return doc.query_selector(".app--large").ok().flatten().is_some();
        }
    }
    false
}

/// Remembers the large-text mode in its cookie (browser only).
pub fn remember_large_text(on: bool) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(Ok(html)) = web_sys::window()
            .and_then(|w| w.document())
            .map(|d| d.dyn_into::<web_sys::HtmlDocument>())
        {
            let v = if on { "1; Max-Age=31536000" } else { "0; Max-Age=0" };
            let _ = html.set_cookie(&format!("{LARGE_COOKIE}={v}; Path=/; SameSite=Lax"));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = on;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_highest_q() {
        assert_eq!(Locale::from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8"), Locale::En);
        assert_eq!(Locale::from_accept_language("fr,zh;q=0.5,en;q=0.4"), Locale::ZhCn);
        assert_eq!(Locale::from_accept_language("fr"), Locale::ZhCn);
        assert_eq!(Locale::from_accept_language(""), Locale::ZhCn);
    }

    #[test]
    fn words_are_worded_in_the_readers_language() {
        let title = Msg::key("service.ticket").then(Msg::text("R20261206-0001"));
        assert_eq!(title.render("zh-CN"), "工单 R20261206-0001");
        assert_eq!(title.render("en"), "Ticket R20261206-0001");
        // What someone typed stays as typed inside a template; values may be messages too.
        let body = Msg::fill("service.notice_comment", [("text", Msg::text("明天上午"))]);
        assert_eq!(body.render("en"), "New message: 明天上午");
        let nested = Msg::fill("service.notice_comment", [("text", Msg::key("service.ticket"))]);
        assert_eq!(nested.render("zh-CN"), "新留言：工单");
        // Stored as JSON and read back unchanged.
        let stored = serde_json::to_string(&body).unwrap();
        assert_eq!(serde_json::from_str::<Msg>(&stored).unwrap(), body);
        assert_eq!(Msg::from("停水通知").render("en"), "停水通知");
    }

    #[test]
    fn cookie_beats_header() {
        let mut h = http::HeaderMap::new();
        h.insert(http::header::ACCEPT_LANGUAGE, "zh-CN".parse().unwrap());
        h.insert(http::header::COOKIE, "a=1; linli_lang=en".parse().unwrap());
        assert_eq!(locale_of_request(&h), Locale::En);
    }

    /// Every key of the Chinese file exists in English and the other way round.
    #[test]
    fn locale_files_have_the_same_keys() {
        fn keys(v: &serde_json::Value, prefix: String, out: &mut Vec<String>) {
            if let Some(m) = v.as_object() {
                for (k, v) in m {
                    keys(
                        v,
                        if prefix.is_empty() {
                            k.clone()
                        } else {
                            format!("{prefix}.{k}")
                        },
                        out,
                    );
                }
            } else {
                out.push(prefix);
            }
        }
        // Every file of the folder (`zh-CN.json`, `service.zh-CN.json`, …), by locale.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/locales");
        let (mut a, mut b) = (vec![], vec![]);
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
            let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            match stem.rsplit('.').next() {
                Some("zh-CN") => keys(&v, String::new(), &mut a),
                Some("en") => keys(&v, String::new(), &mut b),
                other => panic!("locale file of no known locale: {other:?}"),
            }
        }
        assert!(a.len() > 100, "the locale files were not found");
        a.sort();
        b.sort();
        let dup: Vec<&String> = a.windows(2).filter(|w| w[0] == w[1]).map(|w| &w[0]).collect();
        assert!(dup.is_empty(), "keys defined twice: {dup:?}");
        assert_eq!(a, b);
        for k in &a {
            assert_ne!(tr_in("zh-CN", k), *k, "missing zh-CN text for {k}");
            assert_ne!(tr_in("en", k), *k, "missing en text for {k}");
        }
    }
}

#[cfg(test)]
mod source_tests {
    use super::{tr_in, SOURCES};

    #[test]
    fn every_locale_file_is_compiled_in_under_its_language() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/locales");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = SOURCES.iter().map(|(_, n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(
            listed, on_disk,
            "list every file of app/locales in shared::i18n::SOURCES"
        );
        for (lang, name, text) in SOURCES {
            assert!(name.ends_with(&format!("{lang}.json")), "{name} is listed under {lang}");
            assert_eq!(
                *text,
                std::fs::read_to_string(format!("{dir}/{name}")).unwrap(),
                "{name}"
            );
            // A broken file would only be logged at run time and show keys: fail here instead.
            assert!(
                serde_json::from_str::<serde_json::Value>(text).is_ok(),
                "{name} is not valid JSON"
            );
        }
    }

    #[test]
    fn a_key_missing_in_english_falls_back_to_chinese_then_to_itself() {
        assert_eq!(tr_in("zh-CN", "common.back"), "返回");
        assert_eq!(tr_in("en", "common.back"), "Back");
        assert_eq!(tr_in("fr", "common.back"), "返回");
        assert_eq!(tr_in("en", "no.such.key"), "no.such.key");
        // Area files are merged into their language.
        assert_ne!(tr_in("en", "eng.cat_lift"), "eng.cat_lift");
    }
}
