//! 文件: photo uploads for the other areas' forms (repair photos, a technician's before/after
//! photos, inspections). Checks and re-encodes every photo (no metadata such as GPS survives),
//! keeps it in a local folder or an S3-compatible bucket, and lets the owning area attach it
//! to its object and read it back. Other areas call [`service`] (`attach`, `attached`, `read`),
//! never the table. Owns table `files`.
pub mod api;
#[cfg(feature = "ssr")]
pub mod document;
#[cfg(feature = "ssr")]
pub mod image;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod model;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
pub mod ui;

#[cfg(test)]
mod tests {
    /// The area's messages exist in both languages, with the same keys.
    #[test]
    fn files_locale_files_match() {
        fn keys(v: &serde_json::Value, prefix: String, out: &mut Vec<String>) {
            if let Some(m) = v.as_object() {
                for (k, v) in m {
                    keys(v, format!("{prefix}{k}."), out);
                }
            } else {
                out.push(prefix);
            }
        }
        let (mut zh, mut en) = (vec![], vec![]);
        keys(
            &serde_json::from_str(include_str!("../../locales/files.zh-CN.json")).unwrap(),
            String::new(),
            &mut zh,
        );
        keys(
            &serde_json::from_str(include_str!("../../locales/files.en.json")).unwrap(),
            String::new(),
            &mut en,
        );
        zh.sort();
        en.sort();
        assert_eq!(zh, en);
        for k in &zh {
            let k = k.trim_end_matches('.');
            for l in ["zh-CN", "en"] {
                assert_ne!(crate::shared::i18n::tr_in(l, k), k, "{l}: {k}");
            }
        }
        assert_ne!(
            crate::shared::i18n::tr_in("zh-CN", "err.photo_bomb"),
            crate::shared::i18n::tr_in("en", "err.photo_bomb")
        );
    }
}
