//! Translations: Fluent message files per locale, embedded in the binary.
//!
//! French is the default and, with English, complete (a test compares the key sets). Other
//! locales may be partial: a missing message falls back to English.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// The cookie that remembers the language a user chose.
pub const LANG_COOKIE: &str = "passerelle_lang";

/// A language the interface speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    Fr,
    En,
    Ko,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::Fr, Locale::En, Locale::Ko];
    pub const DEFAULT: Locale = Locale::Fr;

    /// The BCP 47 tag, as in `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
            Locale::Ko => "ko",
        }
    }

    /// Parses a language tag by its primary subtag: `fr-FR`, `fr-BE` and `FR` are French.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Locale::Fr),
            "en" => Some(Locale::En),
            "ko" => Some(Locale::Ko),
            _ => None,
        }
    }

    /// The best locale for an `Accept-Language` header, honouring quality values; `None` when
    /// the header names nothing we speak.
    pub fn negotiate(accept_language: &str) -> Option<Locale> {
        let mut best: Option<(f32, usize, Locale)> = None;
        for (position, item) in accept_language.split(',').enumerate() {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let Some(locale) = Locale::from_tag(tag) else { continue };
            if q <= 0.0 {
                continue;
            }
            // Higher quality wins; at equal quality, the earlier entry.
            if best.is_none_or(|(bq, _, _)| q > bq) {
                best = Some((q, position, locale));
            }
        }
        best.map(|(_, _, l)| l)
    }

    /// The locale for a request: the remembered choice, else the browser's preference, else
    /// French.
    pub fn for_request(headers: &HeaderMap) -> Locale {
        cookie_value(headers, LANG_COOKIE)
            .and_then(|v| Locale::from_tag(&v))
            .or_else(|| {
                headers
                    .get(axum::http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Locale::negotiate)
            })
            .unwrap_or(Locale::DEFAULT)
    }

    /// This locale's message files, in name order.
    fn sources(self) -> impl Iterator<Item = (&'static str, &'static str)> {
        files::FILES
            .iter()
            .filter(move |(tag, _, _)| *tag == self.tag())
            .map(|(_, name, text)| (*name, *text))
    }
}

mod files {
    include!(concat!(env!("OUT_DIR"), "/i18n_files.rs"));
}

/// The value of one cookie in the request's `Cookie` headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// All the message bundles, built once at start.
pub struct I18n {
    bundles: Vec<(Locale, FluentBundle<FluentResource>)>,
}

impl I18n {
    /// Parses every message file. A syntax error in one is a bug caught by the tests, so it
    /// panics with the file and the error.
    pub fn load() -> I18n {
        let bundles = Locale::ALL
            .iter()
            .map(|&locale| {
                let lang: LanguageIdentifier = locale.tag().parse().expect("valid language tag");
                let mut bundle = FluentBundle::new_concurrent(vec![lang]);
                // Unicode isolation marks would end up as invisible characters in HTML and
                // in tests' string comparisons; our pages set `dir` themselves when needed.
                bundle.set_use_isolating(false);
                for (name, text) in locale.sources() {
                    let resource =
                        FluentResource::try_new(text.to_owned()).unwrap_or_else(|(_, errors)| {
                            panic!("i18n/{}/{name}: {errors:?}", locale.tag())
                        });
                    bundle.add_resource(resource).unwrap_or_else(|errors| {
                        panic!("i18n/{}/{name}: {errors:?}", locale.tag())
                    });
                }
                (locale, bundle)
            })
            .collect();
        I18n { bundles }
    }

    fn bundle(&self, locale: Locale) -> &FluentBundle<FluentResource> {
        &self.bundles.iter().find(|(l, _)| *l == locale).expect("every locale is loaded").1
    }

    /// The message ids one locale defines.
    pub fn keys(&self, locale: Locale) -> BTreeSet<String> {
        locale
            .sources()
            .flat_map(|(_, text)| {
                let resource = FluentResource::try_new(text.to_owned()).expect("parses");
                resource
                    .entries()
                    .filter_map(|e| match e {
                        fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    fn format(&self, locale: Locale, id: &str, args: Option<&FluentArgs>) -> Option<String> {
        let bundle = self.bundle(locale);
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(message_id = id, locale = locale.tag(), "message formatting errors");
        }
        Some(text.into_owned())
    }

    /// The message in `locale`, else in English, else its id (logged: a test prevents it for
    /// French and English).
    pub fn message(&self, locale: Locale, id: &str, args: Option<&FluentArgs>) -> String {
        self.format(locale, id, args).or_else(|| self.format(Locale::En, id, args)).unwrap_or_else(
            || {
                tracing::warn!(message_id = id, "missing message");
                id.to_owned()
            },
        )
    }
}

/// The translator for one request: the bundles and the request's locale. Templates call
/// `t.msg` with a message id.
#[derive(Clone)]
pub struct Tr {
    i18n: Arc<I18n>,
    locale: Locale,
}

impl Tr {
    pub fn new(i18n: Arc<I18n>, locale: Locale) -> Tr {
        Tr { i18n, locale }
    }

    pub fn locale(&self) -> Locale {
        self.locale
    }

    pub fn lang(&self) -> &'static str {
        self.locale.tag()
    }

    /// How the user's language writes amounts (`1 234,56 €`, `€1,234.56`).
    pub fn money_style(&self) -> domain::money::Style {
        domain::money::Style::for_tag(self.lang())
    }

    pub fn msg(&self, id: &str) -> String {
        self.i18n.message(self.locale, id, None)
    }

    /// A message with a `$count` argument, for plurals.
    pub fn msg_count(&self, id: &str, count: &i64) -> String {
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(*count));
        self.i18n.message(self.locale, id, Some(&args))
    }

    /// A message with named string arguments.
    pub fn msg_args(&self, id: &str, args: &[(&str, &str)]) -> String {
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, FluentValue::from(*v));
        }
        self.i18n.message(self.locale, id, Some(&fargs))
    }
}

impl FromRequestParts<crate::AppState> for Tr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Tr::new(state.i18n.clone(), Locale::for_request(&parts.headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn french_and_english_define_exactly_the_same_messages() {
        let i18n = I18n::load();
        let fr = i18n.keys(Locale::Fr);
        let en = i18n.keys(Locale::En);
        let only_fr: Vec<_> = fr.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&fr).collect();
        assert!(
            only_fr.is_empty() && only_en.is_empty(),
            "only in fr: {only_fr:?}; only in en: {only_en:?}"
        );
        assert!(fr.len() > 20);
    }

    #[test]
    fn partial_locales_define_no_message_unknown_to_english() {
        let i18n = I18n::load();
        let en = i18n.keys(Locale::En);
        let stray: Vec<_> = i18n.keys(Locale::Ko).into_iter().filter(|k| !en.contains(k)).collect();
        assert!(stray.is_empty(), "{stray:?}");
    }

    #[test]
    fn every_message_used_in_the_code_and_templates_exists() {
        let i18n = I18n::load();
        let keys = i18n.keys(Locale::En);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut used = BTreeSet::new();
        for dir in ["templates", "src"] {
            collect_message_ids(&root.join(dir), &mut used);
        }
        assert!(used.contains("home-heading"), "the scan finds template calls");
        let missing: Vec<_> = used.iter().filter(|k| !keys.contains(*k)).collect();
        assert!(missing.is_empty(), "messages used but not defined: {missing:?}");
    }

    /// Finds the message ids passed to `msg`, `msg_count` and `msg_args`.
    fn collect_message_ids(dir: &std::path::Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect_message_ids(&path, out);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for call in ["msg(\"", "msg_count(\"", "msg_args(\""] {
                for (i, _) in text.match_indices(call) {
                    let rest = &text[i + call.len()..];
                    let id = &rest[..rest.find('"').unwrap()];
                    if !id.is_empty() && !id.contains(['{', ' ']) {
                        out.insert(id.to_owned());
                    }
                }
            }
        }
    }

    #[test]
    fn plurals_follow_each_language_rules() {
        let i18n = Arc::new(I18n::load());
        let fr = Tr::new(i18n.clone(), Locale::Fr);
        let en = Tr::new(i18n, Locale::En);
        assert_eq!(fr.msg_count("home-count-teams", &0), "équipe", "French: 0 is singular");
        assert_eq!(fr.msg_count("home-count-teams", &2), "équipes");
        assert_eq!(en.msg_count("home-count-teams", &0), "teams");
        assert_eq!(en.msg_count("home-count-teams", &1), "team");
    }

    #[test]
    fn korean_falls_back_to_english_for_missing_messages() {
        let i18n = Arc::new(I18n::load());
        let ko = Tr::new(i18n, Locale::Ko);
        assert_eq!(ko.msg("nav-home"), "홈");
        assert_eq!(ko.msg("home-col-slug"), "Short name");
    }

    #[test]
    fn accept_language_honours_quality_and_region_subtags() {
        assert_eq!(Locale::negotiate("en-GB"), Some(Locale::En));
        assert_eq!(Locale::negotiate("fr-FR,fr;q=0.9,en;q=0.8"), Some(Locale::Fr));
        assert_eq!(Locale::negotiate("de-DE, en;q=0.5, fr;q=0.7"), Some(Locale::Fr));
        assert_eq!(Locale::negotiate("ko-KR"), Some(Locale::Ko));
        assert_eq!(Locale::negotiate("de, es"), None);
        assert_eq!(Locale::negotiate("en;q=0, fr;q=0.1"), Some(Locale::Fr));
        assert_eq!(Locale::negotiate(""), None);
    }

    #[test]
    fn a_remembered_choice_beats_the_browser_preference() {
        let mut h = HeaderMap::new();
        h.insert("accept-language", HeaderValue::from_static("fr-FR"));
        assert_eq!(Locale::for_request(&h), Locale::Fr);
        h.insert("cookie", HeaderValue::from_static("other=1; passerelle_lang=en"));
        assert_eq!(Locale::for_request(&h), Locale::En);
        h.insert("cookie", HeaderValue::from_static("passerelle_lang=xx"));
        assert_eq!(Locale::for_request(&h), Locale::Fr, "an unknown remembered value is ignored");
        assert_eq!(Locale::for_request(&HeaderMap::new()), Locale::Fr);
    }
}
