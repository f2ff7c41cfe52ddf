use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use store::home::InstanceCounts;
use store::organisations::{self, OrganisationSummary};

use crate::AppState;
use crate::auth::SignedIn;
use crate::chrome::{Chrome, Nav, PageCtx};
use crate::errors::WebError;

#[derive(Template, WebTemplate)]
#[template(path = "home/index.html")]
pub struct HomePage {
    chrome: Chrome,
    counts: InstanceCounts,
    organisations: Vec<OrganisationSummary>,
    membership_line: Option<String>,
    failed_logins: i64,
    drafts: Vec<crate::cases::DraftLine>,
    caseload_panel: crate::caseloads::HomePanel,
}

/// The signed-in user's starting page. Instance administrators see every organisation; others
/// see only the one they act in.
pub async fn index(
    State(state): State<AppState>,
    ctx: PageCtx,
    signed_in: SignedIn,
) -> Result<HomePage, WebError> {
    let all = organisations::list_with_team_counts(&state.db).await?;
    let actor = &signed_in.actor;
    let (organisations, counts) = if actor.instance_admin {
        (all, store::home::instance_counts(&state.db).await?)
    } else {
        let mine: Vec<_> = all.into_iter().filter(|o| Some(o.id) == actor.organisation()).collect();
        let counts = InstanceCounts {
            organisations: mine.len() as i64,
            teams: mine.iter().map(|o| o.team_count).sum(),
        };
        (mine, counts)
    };
    let membership_line = match (&signed_in.organisation_name, actor.role()) {
        (Some(org), Some(role)) => Some(ctx.t.msg_args(
            "home-your-organisation",
            &[("organisation", org), ("role", &ctx.t.msg(&format!("role-{}", role.as_str())))],
        )),
        _ if !actor.instance_admin => Some(ctx.t.msg("home-no-organisation")),
        _ => None,
    };
    let drafts = crate::cases::drafts_for_home(&state, &signed_in, &ctx.t).await?;
    let caseload_panel = crate::caseloads::home_panel(&state, &signed_in, &ctx.t).await?;
    Ok(HomePage {
        caseload_panel,
        drafts,
        failed_logins: signed_in.failed_logins_before,
        chrome: Chrome::new(ctx, &state, Nav::Home),
        counts,
        organisations,
        membership_line,
    })
}
