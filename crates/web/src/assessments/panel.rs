//! The assessment panel of the case overview: the latest assessment as a radar with the one
//! before overlaid, and the same figures as a table. Two queries whatever the history
//! ([`store::assessments::latest_two`]); the organisation's lists come from the overview.

use domain::lists::Lists;
use store::cases::Case;

use super::pages::{date_text, domain_label, domains_of, level_text, radar_of};
use crate::AppState;
use crate::charts::Radar;
use crate::errors::WebError;
use crate::i18n::Tr;

/// What the overview shows of the assessments (to readers of the content only).
pub struct RadarPanel {
    /// None: no assessment yet.
    pub radar: Option<Radar>,
    pub latest: Option<(domain::assessments::AssessmentId, String)>,
    pub previous: Option<(domain::assessments::AssessmentId, String)>,
    /// (domain, latest need, previous need, person's rating now, priority) for the table.
    pub rows: Vec<(String, String, String, String, bool)>,
    /// The reader may assess (they write the case, and it is not closed).
    pub can_write: bool,
}

/// The panel for `case`, whose content the reader may see.
pub async fn radar_panel(
    state: &AppState,
    t: &Tr,
    case: &Case,
    lists: &Lists,
    can_write: bool,
) -> Result<RadarPanel, WebError> {
    let two = store::assessments::latest_two(&state.db, case.organisation_id, case.id).await?;
    let Some(latest) = two.first() else {
        return Ok(RadarPanel {
            radar: None,
            latest: None,
            previous: None,
            rows: vec![],
            can_write,
        });
    };
    let previous = two.get(1);
    let mut held = vec![&latest.content];
    held.extend(previous.map(|p| &p.content));
    let rows = domains_of(lists, &held)
        .into_iter()
        .filter(|c| held.iter().any(|a| a.rating(c).is_some()))
        .map(|c| {
            let now = latest.content.rating(&c);
            (
                domain_label(t, lists, &c),
                level_text(t, now.and_then(|r| r.need)),
                level_text(t, previous.and_then(|p| p.content.rating(&c)).and_then(|r| r.need)),
                level_text(t, now.and_then(|r| r.person)),
                now.is_some_and(|r| r.priority),
            )
        })
        .collect();
    Ok(RadarPanel {
        radar: Some(radar_of(
            t,
            lists,
            "case-radar",
            &latest.content,
            previous.map(|p| &p.content),
        )),
        latest: Some((latest.id, date_text(latest.content.assessed_on))),
        previous: previous.map(|p| (p.id, date_text(p.content.assessed_on))),
        rows,
        can_write,
    })
}
