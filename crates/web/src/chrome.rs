//! What every page's layout needs: the translator, the navigation state, asset URLs.

use std::sync::Arc;

use crate::AppState;
use crate::assets::Assets;
use crate::i18n::{Locale, Tr};

/// The main navigation's entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Home,
    None,
}

pub struct Chrome {
    pub t: Tr,
    pub nav: Nav,
    /// Shown in the header next to the product name.
    pub organisation_name: Option<String>,
    assets: Arc<Assets>,
}

/// One entry of the language switcher.
pub struct LanguageLink {
    pub tag: &'static str,
    pub label: String,
    pub current: bool,
}

impl Chrome {
    pub fn new(t: Tr, state: &AppState, nav: Nav) -> Chrome {
        Chrome { t, nav, organisation_name: None, assets: state.assets.clone() }
    }

    pub fn with_organisation(mut self, name: Option<String>) -> Chrome {
        self.organisation_name = name;
        self
    }

    /// The versioned URL of a static asset.
    pub fn asset(&self, name: &str) -> String {
        self.assets.url(name)
    }

    pub fn is_current(&self, nav: Nav) -> bool {
        self.nav == nav
    }

    pub fn languages(&self) -> Vec<LanguageLink> {
        Locale::ALL
            .iter()
            .map(|l| LanguageLink {
                tag: l.tag(),
                label: self.t.msg(&format!("lang-{}", l.tag())),
                current: *l == self.t.locale(),
            })
            .collect()
    }

    pub fn version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }
}
