use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use store::home::InstanceCounts;
use store::organisations::{self, OrganisationSummary};

use crate::AppState;
use crate::chrome::{Chrome, Nav};
use crate::errors::WebError;
use crate::i18n::Tr;

#[derive(Template, WebTemplate)]
#[template(path = "home/index.html")]
pub struct HomePage {
    chrome: Chrome,
    counts: InstanceCounts,
    organisations: Vec<OrganisationSummary>,
}

pub async fn index(State(state): State<AppState>, t: Tr) -> Result<HomePage, WebError> {
    let counts = store::home::instance_counts(&state.db).await?;
    let organisations = organisations::list_with_team_counts(&state.db).await?;
    // Until sessions carry an active organisation, a single-organisation instance shows its
    // name in the header.
    let only = match organisations.as_slice() {
        [one] => Some(one.name.clone()),
        _ => None,
    };
    Ok(HomePage {
        chrome: Chrome::new(t, &state, Nav::Home).with_organisation(only),
        counts,
        organisations,
    })
}
