//! The French data·inclusion schema (structures and services of the "services de
//! l'inclusion"): a JSON object `{"structures": […], "services": […]}`, as its API and its
//! published files give them. Keys are `di:SOURCE:ID`.

use super::*;

fn s(v: &serde_json::Value, k: &str) -> String {
    v.get(k).map(json_text).unwrap_or_default().trim().to_owned()
}

fn list(v: &serde_json::Value, k: &str) -> Vec<String> {
    v.get(k)
        .and_then(|x| x.as_array())
        .map(|a| a.iter().map(json_text).filter(|x| !x.is_empty()).collect())
        .unwrap_or_default()
}

/// The partner kind of a data·inclusion `typologie` (typologies de structures).
pub fn kind_of_typology(t: &str) -> Option<PartnerKind> {
    Some(match t.trim().to_ascii_uppercase().as_str() {
        "CCAS" | "CIAS" | "CPAS" => PartnerKind::Ccas,
        "ML" => PartnerKind::MissionLocale,
        "FT" | "PE" | "CAP_EMPLOI" | "MDE" | "MDEF" => PartnerKind::EmploymentService,
        "BAILLEUR" | "OPHLM" => PartnerKind::SocialLandlord,
        "CS" | "CSAPA" | "CMP" | "PASS" | "MSP" => PartnerKind::HealthCentre,
        "ASSO" | "ASSO_CHOMEUR" | "AFPA" | "ACI" | "AI" | "EI" | "ETTI" | "EA" | "RS_FJT" => {
            PartnerKind::Association
        }
        "PREF" | "SPIP" => PartnerKind::Prefecture,
        "CDAD" | "PAD" | "MJD" => PartnerKind::LegalAid,
        "" => return None,
        _ => PartnerKind::Other,
    })
}

fn key(source: &str, id: &str) -> String {
    format!("di:{source}:{id}")
}

pub fn parse(bytes: &[u8], allowed: &[String]) -> Result<Parsed, FileProblem> {
    let value: serde_json::Value =
        serde_json::from_slice(strip_bom(bytes)).map_err(|_| FileProblem::NotJson)?;
    let structures = value.get("structures").and_then(|v| v.as_array());
    let services = value.get("services").and_then(|v| v.as_array());
    let (Some(structures), Some(services)) = (structures, services) else {
        return Err(FileProblem::NotDatapackage);
    };
    if structures.len().max(services.len()) > IMPORT_MAX_ROWS {
        return Err(FileProblem::TooManyRows { max: IMPORT_MAX_ROWS });
    }
    let mut out = Parsed::default();
    let mut seen = HashSet::new();
    for (i, st) in structures.iter().enumerate() {
        let row = i + 1;
        let id = s(st, "id");
        let source = s(st, "source");
        if id.is_empty() {
            out.problem("structures", row, "", RowProblemKind::MissingId);
            continue;
        }
        let k = key(&source, &id);
        if !seen.insert(k.clone()) {
            out.problem("structures", row, &id, RowProblemKind::DuplicateId);
            continue;
        }
        let typology = s(st, "typologie");
        let kind = kind_of_typology(&typology).unwrap_or(PartnerKind::Other);
        if kind == PartnerKind::Other && !typology.is_empty() {
            out.problem("structures", row, &id, RowProblemKind::UnknownKind(typology));
        }
        let description =
            [s(st, "presentation_detail"), s(st, "presentation_resume"), s(st, "description")]
                .into_iter()
                .find(|d| !d.is_empty())
                .unwrap_or_default();
        let street = [s(st, "adresse"), s(st, "complement_adresse")]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        let draft = PartnerDraft {
            name: s(st, "nom"),
            kind: kind.as_str().to_owned(),
            description,
            website: s(st, "site_web"),
            phone: s(st, "telephone"),
            email: s(st, "courriel"),
            address: street,
            postal_code: s(st, "code_postal"),
            city: s(st, "commune"),
        };
        match validate_partner(&draft) {
            Ok(fields) => {
                out.partners.push(ImportedPartner { source_key: k, source_id: id, fields })
            }
            Err(p) => out.field_problems("structures", row, &id, p),
        }
    }
    let mut seen = HashSet::new();
    let mut rows_of = HashMap::new();
    for (i, sv) in services.iter().enumerate() {
        let row = i + 1;
        let id = s(sv, "id");
        let source = s(sv, "source");
        if id.is_empty() {
            out.problem("services", row, "", RowProblemKind::MissingId);
            continue;
        }
        let k = key(&source, &id);
        if !seen.insert(k.clone()) {
            out.problem("services", row, &id, RowProblemKind::DuplicateId);
            continue;
        }
        let (domains, unmapped) = themes_to_domains(&list(sv, "thematiques"), allowed);
        for theme in unmapped {
            out.problem("services", row, &id, RowProblemKind::UnmappedTheme(theme));
        }
        let description =
            [s(sv, "description"), s(sv, "presentation_detail"), s(sv, "presentation_resume")]
                .into_iter()
                .find(|d| !d.is_empty())
                .unwrap_or_default();
        let area = [s(sv, "zone_diffusion_nom"), s(sv, "zone_diffusion_code")]
            .into_iter()
            .find(|d| !d.is_empty())
            .unwrap_or_default();
        let mut refer: Vec<String> = Vec::new();
        for field in ["modes_orientation_accompagnateur_autres", "mobilisation_precisions"] {
            let v = s(sv, field);
            if !v.is_empty() {
                refer.push(v);
            }
        }
        for field in ["modes_accueil", "modes_orientation_accompagnateur", "modes_mobilisation"] {
            let v = list(sv, field);
            if !v.is_empty() {
                refer.push(format!("{field}: {}", v.join(", ")));
            }
        }
        for field in ["lien_mobilisation", "formulaire_en_ligne", "prise_rdv"] {
            let v = s(sv, field);
            if !v.is_empty() {
                refer.push(v);
            }
        }
        let hours = [s(sv, "horaires_accueil"), s(sv, "horaires_ouverture")]
            .into_iter()
            .find(|d| !d.is_empty())
            .unwrap_or_default();
        let street = [s(sv, "adresse"), s(sv, "complement_adresse")]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        let draft = ServiceDraft {
            name: s(sv, "nom"),
            description,
            eligibility: [s(sv, "publics_precisions"), s(sv, "conditions_acces")]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join("\n"),
            area_served: area,
            address: street,
            postal_code: s(sv, "code_postal"),
            city: s(sv, "commune"),
            phone: s(sv, "telephone"),
            email: s(sv, "courriel"),
            website: s(sv, "lien_source"),
            hours,
            languages: String::new(),
            contacts: s(sv, "contact_nom_prenom"),
            how_to_refer: refer.join("\n"),
            domains,
        };
        match validate_service(&draft, allowed) {
            Ok(fields) => {
                rows_of.insert(k.clone(), row);
                out.services.push(ImportedService {
                    source_key: k,
                    source_id: id,
                    partner_key: key(&source, &s(sv, "structure_id")),
                    fields,
                })
            }
            Err(p) => out.field_problems("services", row, &id, p),
        }
    }
    out.drop_orphans("services", &rows_of);
    Ok(out)
}
