//! `passerelle audit …`: the audit log, from the command line.

use store::audit::ChainReport;

/// Recomputes every chain of the audit log and prints one line per chain. Returns whether
/// every chain is intact.
pub async fn verify(db: &store::Db) -> Result<bool, String> {
    let status = db.migration_status().await.map_err(|e| e.to_string())?;
    if !status.pending.is_empty() {
        return Err(format!(
            "the database lacks {} migration(s): run `passerelle migrate` first",
            status.pending.len()
        ));
    }
    let report = store::audit::verify(db).await.map_err(|e| e.to_string())?;
    if report.chains.is_empty() {
        println!("The audit log is empty.");
    }
    for chain in &report.chains {
        println!("{}", describe(chain));
    }
    Ok(report.is_intact())
}

fn describe(chain: &ChainReport) -> String {
    let name = if chain.is_instance() {
        "instance".to_owned()
    } else {
        chain.organisation_slug.clone().unwrap_or_else(|| chain.chain_id.to_string())
    };
    let mut events = match chain.events {
        1 => "1 event".to_owned(),
        n => format!("{n} events"),
    };
    if let Some(through) = chain.anchored_through {
        events.push_str(&format!(
            " ({} purged, checked from the anchor through seq {through})",
            chain.purged
        ));
    }
    match &chain.first_break {
        None => format!("chain {name}: {events}, intact"),
        Some(b) => match b.event_id {
            Some(id) => {
                format!(
                    "chain {name}: {events}, BROKEN at event {id} (seq {}): {}",
                    b.seq, b.problem
                )
            }
            None => format!("chain {name}: {events}, BROKEN at seq {}: {}", b.seq, b.problem),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::audit::{BreakKind, ChainBreak};
    use uuid::Uuid;

    #[test]
    fn a_chain_is_named_by_its_organisation_or_as_the_instance() {
        let mut chain = ChainReport {
            chain_id: Uuid::nil(),
            organisation_slug: None,
            events: 1,
            purged: 0,
            anchored_through: None,
            first_break: None,
        };
        assert_eq!(describe(&chain), "chain instance: 1 event, intact");
        chain.chain_id = Uuid::from_u128(7);
        chain.organisation_slug = Some("ccas-valbourg".into());
        chain.events = 12;
        let id = Uuid::from_u128(9);
        chain.first_break =
            Some(ChainBreak { event_id: Some(id), seq: 4, problem: BreakKind::HashMismatch });
        assert_eq!(
            describe(&chain),
            format!(
                "chain ccas-valbourg: 12 events, BROKEN at event {id} (seq 4): hash mismatch: \
                 the event's content does not match its hash"
            )
        );
        chain.first_break = None;
        chain.purged = 40;
        chain.anchored_through = Some(45);
        assert_eq!(
            describe(&chain),
            "chain ccas-valbourg: 12 events (40 purged, checked from the anchor through seq 45), \
             intact"
        );
    }
}
