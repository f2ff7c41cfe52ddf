//! What a referral shares, as the partner's page, the sender's page and the letter show it:
//! each item read from the referring organisation's records *now* (nothing is copied, so a
//! withdrawn consent leaves nothing behind), and only the items chosen.

use domain::lists::ListName;
use domain::referrals::{IdentityField, ShareItem};
use store::referrals::Referral;
use uuid::Uuid;

use crate::AppState;
use crate::errors::WebError;
use crate::i18n::Tr;
use crate::persons::list_label;

/// One shared assessment domain.
pub struct DomainView {
    pub label: String,
    pub need: String,
    pub person: String,
    pub words: String,
}

/// One shared document: what it is, and where the viewer downloads it (if they may).
pub struct DocumentView {
    pub label: String,
    pub href: Option<String>,
}

/// The shared items of a referral.
#[derive(Default)]
pub struct SharedView {
    pub identity: Vec<(String, String)>,
    pub domains: Vec<DomainView>,
    pub documents: Vec<DocumentView>,
}

impl SharedView {
    pub fn is_empty(&self) -> bool {
        self.identity.is_empty() && self.domains.is_empty() && self.documents.is_empty()
    }

    /// How many items are shown.
    pub fn len(&self) -> usize {
        self.identity.len() + self.domains.len() + self.documents.len()
    }
}

pub fn identity_label(t: &Tr, f: IdentityField) -> String {
    t.msg(&format!("referral-identity-{}", f.as_str()))
}

/// The label of an item, without its value (the sender's form and page, the consent register).
pub fn item_label(
    t: &Tr,
    lists: &domain::lists::Lists,
    item: &ShareItem,
    docs: &[(Uuid, String)],
) -> String {
    match item {
        ShareItem::Identity(f) => identity_label(t, *f),
        ShareItem::Domain(d) => t.msg_args(
            "referral-item-domain",
            &[("domain", &list_label(t, lists, ListName::LifeDomain, d))],
        ),
        ShareItem::Document(id) => {
            let name = docs.iter().find(|(d, _)| d == id).map(|(_, n)| n.clone());
            t.msg_args("referral-item-document", &[("name", &name.unwrap_or_else(|| "—".into()))])
        }
    }
}

/// A level of the assessment's scale (0 none … 4 critical), as the assessment pages say it.
fn level(t: &Tr, v: Option<u8>) -> String {
    v.filter(|l| *l <= 4).map(|l| t.msg(&format!("assessment-level-{l}"))).unwrap_or_default()
}

/// Reads the chosen items of `referral` from its organisation's records. `href` gives the
/// download address of a shared document for this viewer.
pub async fn load(
    state: &AppState,
    t: &Tr,
    referral: &Referral,
    items: &[ShareItem],
    href: impl Fn(Uuid) -> Option<String>,
) -> Result<SharedView, WebError> {
    let org = referral.organisation_id;
    let db = &state.db;
    let mut view = SharedView::default();
    let fields: Vec<IdentityField> = items
        .iter()
        .filter_map(|i| if let ShareItem::Identity(f) = i { Some(*f) } else { None })
        .collect();
    if !fields.is_empty() {
        let person =
            store::persons::find(db, org, referral.person_id).await?.ok_or(WebError::NotFound)?;
        let r = &person.record;
        for f in fields {
            let value = match f {
                IdentityField::Name => r.display_name(),
                IdentityField::BirthDate => {
                    r.birth_date.map(domain::persons::french_date).unwrap_or_default()
                }
                IdentityField::Phone => r.phones.join(", "),
                IdentityField::Email => r.email.clone().unwrap_or_default(),
                IdentityField::Address => [
                    r.address_line1.as_deref(),
                    r.address_line2.as_deref(),
                    r.postcode.as_deref(),
                    r.town.as_deref(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
                IdentityField::Languages => r.languages.clone().unwrap_or_default(),
            };
            view.identity.push((identity_label(t, f), value));
        }
    }
    let domains: Vec<&String> = items
        .iter()
        .filter_map(|i| if let ShareItem::Domain(d) = i { Some(d) } else { None })
        .collect();
    if !domains.is_empty() {
        let lists = store::lists::for_organisation(db, org).await?;
        let latest = store::assessments::latest_two(db, org, referral.case_id).await?;
        if let Some(a) = latest.first() {
            for d in domains {
                if let Some(r) = a.content.ratings.iter().find(|r| &r.domain == d) {
                    view.domains.push(DomainView {
                        label: list_label(t, &lists, ListName::LifeDomain, d),
                        need: level(t, r.need),
                        person: level(t, r.person),
                        words: r.person_words.clone().unwrap_or_default(),
                    });
                }
            }
        }
    }
    for item in items {
        if let ShareItem::Document(id) = item {
            let Some(doc) = store::documents::find(db, org, *id).await? else { continue };
            if doc.person_id != referral.person_id {
                continue;
            }
            view.documents.push(DocumentView { label: doc.file_name, href: href(doc.id) });
        }
    }
    Ok(view)
}
