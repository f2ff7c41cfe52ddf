//! The plan's panel on the case overview: the active goals with their next step (who, by
//! when, overdue said in words) and the latest victories. Three queries whatever the plan's
//! size ([`store::plans::overview`]).

use store::cases::Case;

use super::pages::{date_text, owner_text, step_status_label};
use crate::AppState;
use crate::auth::SignedIn;
use crate::errors::WebError;
use crate::i18n::Tr;

/// How many of the latest victories the overview lists.
pub const LATEST_VICTORIES: i64 = 3;

/// An active goal and its next step.
pub struct PanelGoal {
    pub words: String,
    /// "Next step: … — the person, by 12/12/2026 (overdue)".
    pub next: Option<String>,
    pub overdue: bool,
}

/// What the case overview shows of the plan (to readers of the content only).
pub struct PlanPanel {
    pub goals: Vec<PanelGoal>,
    /// (date, the person's words), newest first.
    pub victories: Vec<(String, String)>,
    /// The reader may add a victory (they write the case, and it is not closed).
    pub can_write: bool,
}

/// The panel for `case`, whose content the reader may see.
pub async fn plan_panel(
    state: &AppState,
    t: &Tr,
    signed_in: &SignedIn,
    case: &Case,
    can_write: bool,
) -> Result<PlanPanel, WebError> {
    let o =
        store::plans::overview(&state.db, case.organisation_id, case.id, LATEST_VICTORIES).await?;
    let today = super::pages::today(signed_in);
    let goals = o
        .goals
        .iter()
        .map(|(g, next)| {
            let overdue = next.as_ref().is_some_and(|s| s.overdue(today));
            let next = next.as_ref().map(|s| {
                let owner = owner_text(t, s.owner(), s.partner_name.as_deref());
                let mut text = match s.due_on {
                    Some(d) => t.msg_args(
                        "plan-next-step-due",
                        &[("action", &s.action), ("owner", &owner), ("date", &date_text(d))],
                    ),
                    None => {
                        t.msg_args("plan-next-step", &[("action", &s.action), ("owner", &owner)])
                    }
                };
                if s.status() != domain::plans::StepStatus::Planned {
                    text.push_str(&format!(" ({})", step_status_label(t, s.status())));
                }
                text
            });
            PanelGoal { words: g.person_words.clone(), next, overdue }
        })
        .collect();
    let victories =
        o.victories.iter().map(|v| (date_text(v.occurred_on), v.person_words.clone())).collect();
    Ok(PlanPanel { goals, victories, can_write })
}
