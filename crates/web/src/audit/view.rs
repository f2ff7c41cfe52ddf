//! An event as a person reads it, on the page and in the CSV file: the actor's name instead of
//! an id, the action's label in the reader's language, the time in UTC to the second.

use std::collections::HashMap;

use domain::UserId;
use domain::audit::AuditAction;
use store::audit::{AuditActor, AuditEvent};
use store::{Db, StoreError};
use time::macros::format_description;

use crate::i18n::Tr;

pub struct EventView {
    pub id: String,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub time: String,
    /// The machine-readable form, for `<time datetime>`.
    pub datetime: String,
    /// The actor's display name, or "system / command line" when no account acted.
    pub actor_name: String,
    pub actor_email: Option<String>,
    pub action_code: String,
    pub action_label: String,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
    pub reason: Option<String>,
    pub details: Option<String>,
}

/// The label of an action code in the reader's language; a code this version does not know
/// is shown as it is stored.
pub fn action_label(t: &Tr, code: &str) -> String {
    match AuditAction::parse(code) {
        Ok(action) => t.msg(&label_id(action)),
        Err(_) => code.to_owned(),
    }
}

pub fn label_id(action: AuditAction) -> String {
    format!("audit-action-{}", action.as_str())
}

/// The accounts named by the events shown so far, read once per page for those not yet known.
#[derive(Default)]
pub struct Actors(HashMap<UserId, AuditActor>);

impl Actors {
    pub async fn load(&mut self, db: &Db, events: &[AuditEvent]) -> Result<(), StoreError> {
        let mut missing: Vec<UserId> = events
            .iter()
            .filter_map(AuditEvent::actor)
            .filter(|id| !self.0.contains_key(id))
            .collect();
        missing.sort_by_key(|id| id.as_uuid());
        missing.dedup();
        // A page holds at most SEARCH_MAX_LIMIT events, hence as many actors.
        for chunk in missing.chunks(store::audit::ACTORS_MAX_IDS) {
            for actor in store::audit::actors(db, chunk).await? {
                self.0.insert(actor.id, actor);
            }
        }
        Ok(())
    }

    pub fn view(&self, t: &Tr, e: &AuditEvent) -> EventView {
        let at = e.occurred_at.get();
        let (actor_name, actor_email) = match e.actor() {
            None => (t.msg("audit-actor-system"), None),
            Some(id) => match self.0.get(&id) {
                Some(a) => (a.display_name.clone(), Some(a.email.clone())),
                // Accounts are not deleted; should one be missing, its id still says who.
                None => (id.as_uuid().to_string(), None),
            },
        };
        EventView {
            id: e.id.to_string(),
            time: at
                .format(format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"))
                .expect("UTC times always format"),
            datetime: at
                .format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"))
                .expect("UTC times always format"),
            actor_name,
            actor_email,
            action_code: e.action.clone(),
            action_label: action_label(t, &e.action),
            subject_type: e.subject_type.clone(),
            subject_id: e.subject_id.map(|s| s.to_string()),
            client_addr: e.client_addr.clone(),
            request_id: e.request_id.clone().filter(|r| !r.is_empty()),
            reason: e.reason.clone(),
            details: e.details.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::i18n::{I18n, Locale};

    #[test]
    fn every_action_has_a_label_in_french_and_english() {
        let i18n = I18n::load();
        for locale in [Locale::Fr, Locale::En] {
            let keys = i18n.keys(locale);
            for action in AuditAction::ALL {
                assert!(
                    keys.contains(&label_id(*action)),
                    "{} in {}",
                    label_id(*action),
                    locale.tag()
                );
            }
        }
        let t = Tr::new(Arc::new(i18n), Locale::En);
        assert_eq!(action_label(&t, "login_succeeded"), "Signed in");
        assert_eq!(action_label(&t, "from_a_future_version"), "from_a_future_version");
    }
}
