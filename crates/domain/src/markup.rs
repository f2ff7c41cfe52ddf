//! The formatted text of a note: a small, safe subset of Markdown. Paragraphs (separated by a
//! blank line), line breaks, `**bold**`, `*italic*` and bullet lists (`- ` or `* `). Nothing
//! else is recognised, and the result is a structure, not HTML: the templates write every span
//! through their auto-escaping, so a body can never inject markup, whatever it holds.

/// A run of text with its emphasis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
}

/// A line of spans.
pub type Line = Vec<Span>;

/// A paragraph (its lines, shown with line breaks between them) or a bullet list (one line per
/// item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub list: bool,
    pub lines: Vec<Line>,
}

/// Parses a note body into blocks.
pub fn parse(text: &str) -> Vec<Block> {
    let text = text.replace("\r\n", "\n");
    let mut blocks: Vec<Block> = Vec::new();
    let mut current: Option<Block> = None;
    for raw in text.split('\n') {
        let line = raw.trim_end();
        if line.trim().is_empty() {
            blocks.extend(current.take());
            continue;
        }
        let item = bullet(line);
        let list = item.is_some();
        // A list and a paragraph written without a blank line between them are still two
        // blocks: a bullet never continues a paragraph, nor a plain line a list.
        if current.as_ref().is_some_and(|b| b.list != list) {
            blocks.extend(current.take());
        }
        let block = current.get_or_insert(Block { list, lines: Vec::new() });
        block.lines.push(spans(item.unwrap_or(line).trim()));
    }
    blocks.extend(current);
    blocks
}

/// The item's text if `line` is a bullet (`- item`, `* item`).
fn bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    t.strip_prefix("- ").or_else(|| t.strip_prefix("* "))
}

/// Splits a line into spans at `**` and `*` markers. A marker without its closing partner is
/// kept as typed, so "3 * 4" stays "3 * 4".
fn spans(line: &str) -> Line {
    let mut out: Line = Vec::new();
    let mut push = |text: &str, bold: bool, italic: bool| {
        if text.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.bold == bold && last.italic == italic => last.text.push_str(text),
            _ => out.push(Span { text: text.to_owned(), bold, italic }),
        }
    };
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("**")
            && let Some(end) = after.find("**")
            && end > 0
        {
            for s in italics(&after[..end]) {
                push(&s.text, true, s.italic);
            }
            rest = &after[end + 2..];
            continue;
        }
        if let Some(after) = rest.strip_prefix('*')
            && !after.starts_with('*')
            && let Some(end) = after.find('*')
            && end > 0
        {
            push(&after[..end], false, true);
            rest = &after[end + 1..];
            continue;
        }
        // Plain text up to the next marker (or a lone marker, kept as text).
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let next = rest[first..].find('*').map(|i| i + first).unwrap_or(rest.len());
        push(&rest[..next], false, false);
        rest = &rest[next..];
    }
    out
}

/// Italic runs inside a bold run.
fn italics(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut parts = text.split('*').peekable();
    let mut italic = false;
    let count = text.matches('*').count();
    if count % 2 == 1 {
        return vec![Span { text: text.to_owned(), bold: true, italic: false }];
    }
    while let Some(p) = parts.next() {
        if !p.is_empty() {
            out.push(Span { text: p.to_owned(), bold: true, italic });
        }
        if parts.peek().is_some() {
            italic = !italic;
        }
    }
    out
}

/// Text shown exactly as typed (a person's words: no marker means anything), as one paragraph
/// whose lines are the text's lines.
pub fn literal(text: &str) -> Vec<Block> {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<Line> = text
        .split('\n')
        .map(|l| vec![Span { text: l.to_owned(), bold: false, italic: false }])
        .collect();
    if text.trim().is_empty() { vec![] } else { vec![Block { list: false, lines }] }
}

/// The body as plain text (markers removed), for short previews.
pub fn plain(text: &str) -> String {
    parse(text)
        .iter()
        .flat_map(|b| b.lines.iter())
        .map(|l| l.iter().map(|s| s.text.as_str()).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn literal_text_keeps_every_marker_and_its_lines() {
        let blocks = super::literal("Je veux *enfin* un **toit**\r\n- à moi");
        assert_eq!(blocks.len(), 1);
        assert!(!blocks[0].list);
        let texts: Vec<_> = blocks[0].lines.iter().map(|l| l[0].text.as_str()).collect();
        assert_eq!(texts, ["Je veux *enfin* un **toit**", "- à moi"]);
        assert!(blocks[0].lines.iter().flatten().all(|s| !s.bold && !s.italic));
        assert!(super::literal("  \n ").is_empty());
    }

    use super::*;

    fn t(text: &str) -> Span {
        Span { text: text.into(), bold: false, italic: false }
    }
    fn b(text: &str) -> Span {
        Span { text: text.into(), bold: true, italic: false }
    }
    fn i(text: &str) -> Span {
        Span { text: text.into(), bold: false, italic: true }
    }

    #[test]
    fn paragraphs_line_breaks_and_lists() {
        let blocks = parse("Visite à domicile.\nMme D. était là.\n\n- loyer\n* CAF\n\nFin");
        assert_eq!(
            blocks,
            vec![
                Block {
                    list: false,
                    lines: vec![vec![t("Visite à domicile.")], vec![t("Mme D. était là.")]]
                },
                Block { list: true, lines: vec![vec![t("loyer")], vec![t("CAF")]] },
                Block { list: false, lines: vec![vec![t("Fin")]] },
            ]
        );
        // A list right after a paragraph, without a blank line, is still a list.
        let blocks = parse("À faire :\r\n- appeler le bailleur");
        assert_eq!(blocks.len(), 2);
        assert!(blocks[1].list);
        assert!(parse("\n\n  \n").is_empty());
    }

    #[test]
    fn bold_and_italic_and_lone_markers() {
        assert_eq!(
            parse("Dette **1 200 €** au *bailleur*")[0].lines[0],
            vec![t("Dette "), b("1 200 €"), t(" au "), i("bailleur")]
        );
        assert_eq!(parse("3 * 4 = 12")[0].lines[0], vec![t("3 * 4 = 12")]);
        assert_eq!(parse("**pas fermé")[0].lines[0], vec![t("**pas fermé")]);
        assert_eq!(parse("****")[0].lines[0], vec![t("****")]);
        assert_eq!(
            parse("**très *urgent* vraiment**")[0].lines[0][1],
            Span { text: "urgent".into(), bold: true, italic: true }
        );
    }

    #[test]
    fn markup_and_scripts_stay_text() {
        // Nothing is interpreted but the markers above: tags, entities, links and images are
        // text, which the templates escape when they write it.
        let body = "<script>alert('x')</script> **<b>gras</b>** [lien](javascript:alert(1)) ![i](x.png) &amp;";
        let blocks = parse(body);
        let all: String = blocks[0].lines[0].iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            all,
            "<script>alert('x')</script> <b>gras</b> [lien](javascript:alert(1)) ![i](x.png) &amp;"
        );
        assert_eq!(blocks[0].lines[0][1], b("<b>gras</b>"));
        assert_eq!(plain("- **a**\n- *b*"), "a b");
    }

    #[test]
    fn no_input_makes_it_fail_or_lose_letters() {
        // Every string of up to 5 characters over an alphabet of markers, accents and breaks:
        // parsing never panics (char boundaries) and keeps every letter typed.
        let alphabet = ['*', 'é', 'a', ' ', '-', '\n'];
        let mut stack = vec![String::new()];
        while let Some(s) = stack.pop() {
            let blocks = parse(&s);
            let kept: String = blocks
                .iter()
                .flat_map(|b| b.lines.iter().flatten())
                .flat_map(|sp| sp.text.chars())
                .filter(|c| *c == 'a' || *c == 'é')
                .collect();
            let typed: String = s.chars().filter(|c| *c == 'a' || *c == 'é').collect();
            assert_eq!(kept, typed, "{s:?}");
            if s.chars().count() < 5 {
                for c in alphabet {
                    stack.push(format!("{s}{c}"));
                }
            }
        }
    }
}
