//! 工程: the equipment ledger (设备台账) with maintenance plans and their records, and QR-code
//! inspections: checkpoints (巡检点) with printable codes, patrol routes with daily rounds,
//! results sent from phones (kept on the phone while the signal is gone), missed rounds
//! flagged, and an abnormal result opening a repair ticket through the service area. Owns
//! tables `equipment`, `maintenance_plans`, `maintenance_records`, `checkpoints`,
//! `patrol_routes`, `inspection_rounds`, `inspection_results`.
pub mod api;
#[cfg(feature = "ssr")]
pub mod inspection;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod ledger;
pub mod model;
#[cfg(feature = "ssr")]
mod photos;
#[cfg(feature = "ssr")]
mod qr;
#[cfg(feature = "ssr")]
pub mod rest;
#[cfg(feature = "ssr")]
mod scope;
pub mod ui;

#[cfg(test)]
mod tests {
    /// The area's messages exist in both languages with the same keys, and every key the
    /// area builds from a code (categories, due states, round states …) resolves.
    #[test]
    fn engineering_locale_files_match() {
        use crate::shared::i18n::tr_in;
        fn keys(v: &serde_json::Value, prefix: String, out: &mut Vec<String>) {
            match v.as_object() {
                Some(m) => {
                    for (k, v) in m {
                        keys(v, format!("{prefix}{k}."), out);
                    }
                }
                None => out.push(prefix.trim_end_matches('.').to_string()),
            }
        }
        let (mut zh, mut en) = (vec![], vec![]);
        keys(
            &serde_json::from_str(include_str!("../../locales/engineering.zh-CN.json")).unwrap(),
            String::new(),
            &mut zh,
        );
        keys(
            &serde_json::from_str(include_str!("../../locales/engineering.en.json")).unwrap(),
            String::new(),
            &mut en,
        );
        zh.sort();
        en.sort();
        assert_eq!(zh, en);
        let mut built: Vec<String> = super::model::CATEGORIES
            .iter()
            .map(|c| format!("eng.cat_{c}"))
            .collect();
        for s in ["overdue", "due_soon", "scheduled"] {
            built.push(format!("eng.due_{s}"));
        }
        for s in ["planned", "done", "missed"] {
            built.push(format!("eng.round_{s}"));
        }
        for u in ["day", "week", "month"] {
            built.push(format!("eng.every_{u}"));
            built.push(format!("eng.unit_{u}"));
        }
        for k in zh.iter().chain(&built) {
            for l in ["zh-CN", "en"] {
                assert_ne!(tr_in(l, k), *k, "{l}: {k}");
            }
        }
        assert_ne!(tr_in("zh-CN", "err.eng_slot"), tr_in("en", "err.eng_slot"));
    }
}
