//! The PDF engine end to end: a sample in French, English and Korean rendered to PDF and read
//! back with poppler (pdftotext, pdffonts, pdfinfo), the letterhead on every page, and user text
//! that looks like Typst markup printed as typed. scripts/install-deps.sh installs poppler-utils.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use documents::{DocumentError, Template, render};
use serde_json::{Value, json};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Writes the PDF to a scratch file (removed on drop) for the poppler tools.
struct PdfFile(PathBuf);

impl PdfFile {
    fn new(bytes: &[u8]) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        // To look at what the tests render: PASSERELLE_KEEP_PDF=/some/folder keeps a copy.
        if let Some(dir) = std::env::var_os("PASSERELLE_KEEP_PDF") {
            let name = std::thread::current().name().unwrap_or("pdf").replace("::", "-");
            std::fs::write(PathBuf::from(dir).join(format!("{name}.pdf")), bytes).unwrap();
        }
        let path = std::env::temp_dir()
            .join(format!("passerelle-documents-{}-{n}.pdf", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        PdfFile(path)
    }

    fn tool(&self, tool: &str, args: &[&str]) -> String {
        let out = Command::new(tool)
            .args(args)
            .arg(&self.0)
            .args(if tool == "pdftotext" { &["-"][..] } else { &[][..] })
            .output()
            .unwrap_or_else(|e| panic!("{tool} (poppler-utils, scripts/install-deps.sh): {e}"));
        assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn text(&self) -> String {
        self.tool("pdftotext", &["-layout"])
    }

    fn page_text(&self, page: usize) -> String {
        let p = page.to_string();
        self.tool("pdftotext", &["-layout", "-f", &p, "-l", &p])
    }

    fn pages(&self) -> usize {
        let info = self.tool("pdfinfo", &[]);
        let line = info.lines().find(|l| l.starts_with("Pages:")).expect("a Pages: line");
        line["Pages:".len()..].trim().parse().unwrap()
    }

    fn fonts(&self) -> String {
        self.tool("pdffonts", &[])
    }
}

impl Drop for PdfFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn sample(lang: &str) -> Value {
    let (org, title, heading, body, page_format, banner) = match lang {
        "fr" => (
            "Association Passerelle — Lyon",
            "Synthèse d'essai",
            "Situation",
            "Mme Éléonore Dœuf a été reçue à l'accueil.\nElle demande un hébergement d'urgence.\n\nCœur du dossier : « prioritaire », 15 € par jour.",
            "Page {page} sur {pages}",
            "Confidentiel — secret professionnel",
        ),
        "en" => (
            "Passerelle Association — Lyon",
            "Trial summary",
            "Situation",
            "Ms Eleanor Doe came to the front desk.\nShe asks for emergency housing.\n\nHeart of the case: \"priority\".",
            "Page {page} of {pages}",
            "Confidential — professional secrecy",
        ),
        _ => (
            "파세렐 협회 — 서울",
            "시험 요약",
            "상황",
            "김민준 씨가 접수처를 방문했습니다.\n긴급 주거를 요청합니다.\n\n사례의 핵심: 우선순위.",
            "{pages}쪽 중 {page}쪽",
            "기밀 — 직업상 비밀",
        ),
    };
    json!({
        "lang": lang,
        "date": "2026-11-26",
        "organisation": org,
        "title": title,
        "banner": banner,
        "page_format": page_format,
        "generated": "2026-11-26",
        "heading": heading,
        "body": body,
        "fields_heading": "Identité",
        "fields": [["Nom", "Dœuf"], ["이름", "김민준"]],
        "table": { "header": ["Date", "Objet"], "rows": [["2026-11-20", "Premier accueil"], ["2026-11-24", "상담"]] },
    })
}

#[test]
fn french_sample_prints_accents_the_letterhead_and_the_page_numbers() {
    let pdf = PdfFile::new(&render(Template::Sample, &sample("fr")).unwrap());
    let text = pdf.text();
    for expected in [
        "Association Passerelle — Lyon",
        "Synthèse d'essai",
        "Confidentiel — secret professionnel",
        "Mme Éléonore Dœuf a été reçue à l'accueil.",
        "Cœur du dossier : « prioritaire », 15 € par jour.",
        "Page 1 sur 1",
        "Premier accueil",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
    assert_eq!(pdf.pages(), 1);
    let fonts = pdf.fonts();
    assert!(fonts.contains("NotoSans"), "{fonts}");
}

#[test]
fn english_sample_renders() {
    let pdf = PdfFile::new(&render(Template::Sample, &sample("en")).unwrap());
    let text = pdf.text();
    for expected in
        ["Trial summary", "Confidential — professional secrecy", "Ms Eleanor Doe", "Page 1 of 1"]
    {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
}

#[test]
fn korean_sample_prints_hangul_with_the_embedded_hangul_font() {
    let pdf = PdfFile::new(&render(Template::Sample, &sample("ko")).unwrap());
    let text = pdf.text();
    for expected in [
        "파세렐 협회 — 서울",
        "시험 요약",
        "기밀 — 직업상 비밀",
        "김민준 씨가 접수처를 방문했습니다.",
        "1쪽 중 1쪽",
        "상담",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
    let fonts = pdf.fonts();
    assert!(fonts.contains("NanumSquare"), "the Hangul font is embedded: {fonts}");
    // Every font is embedded (the "emb" column) as a subset: nothing depends on the reader's fonts.
    for line in fonts.lines().skip(2) {
        assert!(line.contains(" yes "), "font not embedded: {line}");
    }
}

#[test]
fn long_documents_break_into_pages_each_with_the_banner_and_its_number() {
    let mut data = sample("fr");
    let paragraph =
        "Entretien avec la personne accompagnée au sujet de son logement et de ses démarches. "
            .repeat(12);
    data["more"] = json!(vec![paragraph; 30]);
    let pdf = PdfFile::new(&render(Template::Sample, &data).unwrap());
    let pages = pdf.pages();
    assert!(pages >= 3, "{pages} pages");
    for page in 1..=pages {
        let text = pdf.page_text(page);
        assert!(
            text.contains("Confidentiel — secret professionnel"),
            "banner missing on page {page}"
        );
        assert!(
            text.contains("Association Passerelle — Lyon"),
            "organisation missing on page {page}"
        );
        let label = format!("Page {page} sur {pages}");
        assert!(text.contains(&label), "{label:?} missing on page {page}:\n{text}");
    }
}

#[test]
fn user_text_that_looks_like_markup_prints_as_typed() {
    let hostile = [
        "#import \"/letterhead.typ\": *",
        "#panic(\"boom\")",
        "$x^2$ and *bold* and _under_",
        "]) #{ 1 + 1 } [",
        "<script>alert(1)</script>",
        "= Not a heading",
        "@ref <label> \\ `raw` // comment /* c */",
        "#read(\"/etc/passwd\")",
    ];
    let mut data = sample("en");
    data["title"] = json!("#set page(fill: red) *Title*");
    data["organisation"] = json!("#text(red)[Org]");
    data["banner"] = json!("$ banner $");
    data["page_format"] = json!("#{page} / {pages} ]");
    data["body"] = json!(hostile.join("\n"));
    data["fields"] = json!([["#label", "#value ]"], ["*k*", "$v$"]]);
    data["table"] = json!({ "header": ["#h", "]"], "rows": [["#import", "<b>"]] });
    let pdf = PdfFile::new(&render(Template::Sample, &data).unwrap());
    let text = pdf.text();
    for expected in hostile.iter().copied().chain([
        "#set page(fill: red) *Title*",
        "#text(red)[Org]",
        "$ banner $",
        "#1 / 1 ]",
        "#value ]",
        "$v$",
        "<b>",
    ]) {
        assert!(text.contains(expected), "{expected:?} not printed literally in:\n{text}");
    }
    assert!(!text.contains("root:"), "nothing of the machine's files is read");
}

#[test]
fn errors_name_the_template_never_the_data() {
    let mut data = sample("fr");
    data["fields"] = json!("Mme Éléonore Dœuf, née le 3 mars 1980");
    data.as_object_mut().unwrap().remove("heading");
    let err = render(Template::Sample, &data).unwrap_err();
    let message = err.to_string();
    eprintln!("{message}");
    assert!(matches!(err, DocumentError::Compile { template: "sample", .. }), "{err:?}");
    assert!(message.contains("sample"), "{message}");
    assert!(!message.contains("Dœuf") && !message.contains("1980"), "data leaked: {message}");
    assert!(!format!("{err:?}").contains("Dœuf"), "data leaked in Debug");
}

#[test]
fn same_data_same_bytes() {
    let data = sample("ko");
    assert_eq!(render(Template::Sample, &data).unwrap(), render(Template::Sample, &data).unwrap());
}

#[test]
fn fonts_stay_small() {
    // Latin (Noto Sans regular, bold, italic) and Hangul (NanumSquare regular, bold).
    let bytes = documents::font_bytes();
    assert!(bytes < 4_000_000, "{bytes} bytes of fonts");
}

/// The annual report's data as crates/web/src/statistics/report/files.rs gives it.
fn annual_report(lang: &str, body: &str) -> Value {
    let svg = r##"<svg viewBox="0 0 200 60" xmlns="http://www.w3.org/2000/svg" role="img"><title>Bars</title><rect x="60" y="10" width="120" height="20" fill="#1d4ed8"/><text x="55" y="25" text-anchor="end" font-size="12">Appel</text></svg>"##;
    let rows: Vec<Value> =
        (1..=12).map(|m| json!([format!("Mois {m}"), (m * 3).to_string()])).collect();
    json!({
        "lang": lang,
        "date": "2026-11-27",
        "organisation": "CCAS de Valbourg",
        "title": "Rapport d'activité 2026",
        "page_format": "Page {page} sur {pages}",
        "cover": {
            "kicker": "Rapport d'activité annuel",
            "organisation": "CCAS de Valbourg",
            "year": "2026",
            "period": "Du 1er janvier au 31 décembre 2026",
            "generated": "Établi le 27/11/2026",
            "privacy": "Les effectifs inférieurs à 5 ne sont pas publiés.",
        },
        "sections": [{ "title": "Introduction", "body": body }],
        "figures_title": "Les chiffres",
        "groups": [{
            "title": "Activité de l'année",
            "notes": ["Bien-être : non publié"],
            "tables": [
                { "title": "Contacts", "header": ["Type", "Nombre"], "rows": [["Appel", "masqué"], ["Visite", "12"]], "total": ["Total", "17"], "chart": svg },
                { "title": "Contacts par mois", "header": ["Mois", "Nombre"], "rows": rows, "total": null, "chart": null },
            ],
        }],
    })
}

#[test]
fn the_annual_report_has_a_cover_its_narrative_and_its_figures_with_charts() {
    let pdf = PdfFile::new(
        &render(Template::AnnualReport, &annual_report("fr", "Une année.\n\n#panic(\"x\") *gras*"))
            .unwrap(),
    );
    assert!(pdf.pages() >= 3, "cover, narrative, figures: {}", pdf.pages());
    let cover = pdf.page_text(1);
    assert!(cover.contains("CCAS de Valbourg") && cover.contains("2026"), "{cover}");
    assert!(!cover.contains("Page 1"), "the cover has no footer: {cover}");
    let text = pdf.text();
    for expected in
        ["#panic(\"x\") *gras*", "Les chiffres", "masqué", "Mois 12", "36", "Page 2 sur"]
    {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
    // The chart is drawn (an image or vector content), its words in the embedded fonts.
    assert!(pdf.fonts().lines().skip(2).all(|l| l.contains("yes yes")), "{}", pdf.fonts());
    // English, and no section at all, still render.
    let mut data = annual_report("en", "x");
    data["sections"] = json!([]);
    assert!(render(Template::AnnualReport, &data).is_ok());
}
