//! 当前房屋: for a resident with several homes, which one 首页, 社区 and 缴费 show. The homes
//! come in those pages' own data; choosing posts a plain form to `choose_home`, which keeps the
//! choice on the server (every device agrees) and sends the browser back to the page, now
//! rendered for that home. The form is written as HTML with one listener that submits it on
//! change: a view tree of its own cost each of those tabs 14–21 KB gzip of code, this costs
//! almost nothing (and works before the script has loaded, with a 切换 button).
use crate::estate::api::ChooseHome;
use crate::estate::model::CurrentHome;
use crate::shared::i18n::use_i18n;
use crate::shared::request::CSRF_FIELD;
use crate::shared::ui::csrf_token;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// A labelled picker of the caller's homes; nothing with one home or none.
pub fn home_switcher(homes: CurrentHome) -> AnyView {
    if homes.homes.len() < 2 {
        return ().into_any();
    }
    let i18n = use_i18n();
    let html = move || {
        form_html(
            &homes,
            &i18n.t("records.current_home"),
            &i18n.t("records.switch_home"),
            &csrf_token(),
        )
    };
    // `change` bubbles from the select to this element.
    view! { <div class="home-switcher" data-testid="home-switcher" inner_html=html on:change=submit_form></div> }
        .into_any()
}

/// The picker's form: the CSRF token, the homes (the current one selected) and, without script,
/// a button.
fn form_html(h: &CurrentHome, label: &str, button: &str, token: &str) -> String {
    let mut s = format!(
        r#"<form method="post" action="{}"><input type="hidden" name="{CSRF_FIELD}" value="{}"><label class="home-switcher__label" for="current-home">{}</label><select class="home-switcher__select" id="current-home" name="unit">"#,
        esc(ChooseHome::url()),
        esc(token),
        esc(label),
    );
    for c in &h.homes {
        let selected = if h.current == Some(c.unit) { " selected" } else { "" };
        s.push_str(&format!(
            r#"<option value="{}"{selected}>{} {}</option>"#,
            c.unit.0,
            esc(&c.community),
            esc(&c.number)
        ));
    }
    s.push_str(&format!(
        r#"</select><noscript><button type="submit" class="btn btn--small">{}</button></noscript></form>"#,
        esc(button)
    ));
    s
}

/// Text or an attribute value as HTML.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Submits the picker's form as the browser would (a navigation: the page comes back for the
/// home chosen).
fn submit_form(ev: leptos::ev::Event) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let form = event_target::<web_sys::Element>(&ev)
            .closest("form")
            .ok()
            .flatten()
            .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok());
        if let Some(f) = form {
            let _ = f.request_submit();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estate::model::HomeChoice;
    use crate::shared::ids::UnitId;

    #[test]
    fn the_form_names_every_home_escaped_and_selects_the_current_one() {
        let h = CurrentHome {
            current: Some(UnitId(8)),
            homes: vec![
                HomeChoice {
                    unit: UnitId(3),
                    community: "桂花苑".into(),
                    number: "1-1-0401".into(),
                },
                HomeChoice {
                    unit: UnitId(8),
                    community: "<b>\"云栖府\"</b>".into(),
                    number: "A&B".into(),
                },
            ],
        };
        let html = form_html(&h, "当前房屋", "切换", "tok\"en");
        assert!(html.contains(r#"<option value="3">桂花苑 1-1-0401</option>"#), "{html}");
        assert!(
            html.contains(r#"<option value="8" selected>&lt;b&gt;&quot;云栖府&quot;&lt;/b&gt; A&amp;B</option>"#),
            "{html}"
        );
        assert!(
            html.contains(&format!(r#"name="{CSRF_FIELD}" value="tok&quot;en""#)),
            "{html}"
        );
        assert!(html.contains(&format!(r#"action="{}""#, ChooseHome::url())), "{html}");
        assert_eq!(html.matches(" selected").count(), 1);
    }
}
