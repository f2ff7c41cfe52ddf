//! The charts' geometry and their SVG.
use super::*;

fn labels(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("D{i}")).collect()
}

#[test]
fn a_radar_puts_known_values_on_their_spokes() {
    let r = radar(
        "r",
        "Radar",
        "Desc",
        &labels(4),
        &[Series { name: "Latest".into(), values: vec![Some(4), Some(2), None, Some(0)] }],
    );
    assert_eq!(r.axes.len(), 4);
    // The first spoke points up: level 4 at the rim (radius 110 above the centre).
    assert_eq!((r.axes[0].x, r.axes[0].y), (180.0, 70.0));
    assert_eq!(r.axes[0].anchor, "middle");
    assert_eq!(r.axes[1].anchor, "start");
    assert_eq!(r.axes[3].anchor, "end");
    let s = &r.series[0];
    assert_eq!(s.points, "180,70 235,180 180,180 180,180");
    assert_eq!(s.markers, vec![(180.0, 70.0), (235.0, 180.0), (180.0, 180.0)]);
    assert_eq!(r.rings.len(), 4);
    assert!(!r.is_empty());
}

#[test]
fn series_differ_by_more_than_colour() {
    let s = |name: &str| Series { name: name.into(), values: vec![Some(1); 5] };
    let r = radar("r", "t", "d", &labels(5), &[s("Now"), s("Before")]);
    assert_ne!(r.series[0].dash, r.series[1].dash);
    assert_ne!(r.series[0].square, r.series[1].square);
    let svg = r.render().unwrap();
    assert!(svg.contains("stroke-dasharray=\"6 4\""));
    assert!(svg.contains("<rect"), "square markers");
    assert!(svg.contains(">Now<") && svg.contains(">Before<"), "a legend in words");
}

#[test]
fn labels_and_titles_are_escaped() {
    let mut l = labels(3);
    l[0] = "<script>alert(1)</script> & \"co\"".into();
    let r = radar(
        "r1",
        "Title <b>",
        "Desc & more",
        &l,
        &[Series { name: "<i>x</i>".into(), values: vec![Some(1), Some(2), Some(3)] }],
    );
    let svg = r.render().unwrap();
    assert!(!svg.contains("<script>") && !svg.contains("<b>") && !svg.contains("<i>"));
    assert!(svg.contains("&#60;script&#62;"), "{svg}");
    assert!(svg.contains("aria-labelledby=\"r1-title r1-desc\""));
    assert!(svg.contains("<title id=\"r1-title\">Title &#60;b&#62;</title>"));
    let line = line(
        "l1",
        "<t>",
        "d",
        &["<d>".into()],
        &[Series { name: "<n>".into(), values: vec![Some(2)] }],
    );
    let svg = line.render().unwrap();
    assert!(!svg.contains("<t>") && !svg.contains("<d>") && !svg.contains("<n>"));
}

#[test]
fn nothing_to_draw_gives_an_empty_chart() {
    let r = radar("r", "t", "d", &labels(2), &[Series { name: "x".into(), values: vec![] }]);
    assert!(r.is_empty() && r.series.is_empty() && r.rings.is_empty());
    let r = radar("r", "t", "d", &labels(5), &[]);
    assert!(r.is_empty());
    assert!(r.render().unwrap().contains("<svg"));
    let l = line("l", "t", "d", &[], &[]);
    assert!(l.is_empty() && l.ticks.is_empty());
    let l = line("l", "t", "d", &["a".into()], &[Series { name: "x".into(), values: vec![None] }]);
    assert!(l.is_empty());
}

#[test]
fn a_line_chart_places_levels_over_the_dates() {
    let dates: Vec<String> = vec!["01/01".into(), "01/04".into(), "01/07".into()];
    let l = line(
        "l",
        "t",
        "d",
        &dates,
        &[
            Series { name: "Worker".into(), values: vec![Some(4), Some(2), Some(0)] },
            Series { name: "Person".into(), values: vec![Some(3), None, Some(1)] },
        ],
    );
    assert_eq!(l.series[0].points, "28,10 166,60 304,110");
    assert_eq!(l.series[1].points, "28,35 304,85", "an unknown value is skipped");
    assert_eq!(l.ticks, vec![(28.0, "01/01".to_owned()), (304.0, "01/07".to_owned())]);
    assert_eq!(l.grid[0], (110.0, 0));
    assert!(!l.is_empty());
    let one =
        line("l", "t", "d", &["x".into()], &[Series { name: "w".into(), values: vec![Some(2)] }]);
    assert_eq!(one.series[0].markers, vec![(166.0, 60.0)], "one date sits in the middle");
}

#[test]
fn bars_scale_to_the_largest_count_and_escape_their_labels() {
    let items = vec![
        ("Visite <à domicile>".to_owned(), 10),
        ("Appel".to_owned(), 5),
        ("Aucun".to_owned(), 0),
    ];
    let b = bars("c", "Contacts", "Par type", &items);
    assert_eq!(
        b.bars.iter().map(|b| b.width).collect::<Vec<_>>(),
        [BAR_MAX_W, BAR_MAX_W / 2.0, 0.0]
    );
    assert!(b.bars[1].y > b.bars[0].y && b.height > b.bars[2].y);
    let svg = b.render().unwrap();
    assert!(
        svg.contains("Visite &#60;à domicile&#62;") || svg.contains("Visite &lt;à domicile&gt;"),
        "{svg}"
    );
    assert!(svg.contains(">10<") && svg.contains(">0<"));
    assert!(svg.contains(r#"aria-labelledby="c-title c-desc""#));
    assert!(bars("e", "t", "d", &[]).is_empty());
}

#[test]
fn suppressed_bars_say_so_and_draw_nothing() {
    let items = vec![("Appel".to_owned(), Some(12)), ("Visite".to_owned(), None)];
    let b = bars_of("c", "t", "d", &items, "masqué");
    assert_eq!(b.bars[1].width, 0.0);
    let svg = b.render().unwrap();
    assert!(svg.contains(">12<") && svg.contains(">masqué<"), "{svg}");
    assert_eq!(svg.matches("<rect").count(), 1, "{svg}");
}

#[test]
fn a_trend_writes_its_counts_on_a_round_scale_and_breaks_where_suppressed() {
    let months: Vec<(String, Option<i64>)> = [Some(8), Some(23), None, Some(0), Some(17)]
        .into_iter()
        .enumerate()
        .map(|(i, v)| (format!("M{i} <&>"), v))
        .collect();
    let tr = trend("tr", "Contacts <par mois>", "Desc & co", &months);
    // 23 at most: steps of 10 up to 30.
    assert_eq!(tr.grid.iter().map(|g| g.1).collect::<Vec<_>>(), [0, 10, 20, 30]);
    assert_eq!(tr.grid[0].0, tr.bottom);
    let top = tr.grid[3].0;
    let p23 = &tr.points[1];
    assert!((p23.y - (tr.bottom - (tr.bottom - top) * 23.0 / 30.0)).abs() < 0.1);
    assert_eq!(tr.segments.len(), 2, "the gap of the suppressed month: {:?}", tr.segments);
    assert_eq!(tr.segments[0].split(' ').count(), 2);
    assert!(!tr.is_empty());
    let svg = tr.render().unwrap();
    for v in [">8<", ">23<", ">0<", ">17<"] {
        assert!(svg.contains(v), "{v} written: {svg}");
    }
    assert!(!svg.contains("<par mois>") && !svg.contains("M0 <&>"), "escaped: {svg}");
    assert!(
        svg.contains("Contacts &#60;par mois&#62;") || svg.contains("Contacts &lt;par mois&gt;")
    );
    assert!(svg.contains(r#"aria-labelledby="tr-title tr-desc""#));
    assert_eq!(nice_step(4), 1);
    assert_eq!(nice_step(130), 50);
}

#[test]
fn an_empty_trend_still_draws_its_axis() {
    let tr = trend("e", "t", "d", &[]);
    assert!(tr.is_empty() && tr.points.is_empty() && tr.segments.is_empty());
    assert_eq!(tr.grid.iter().map(|g| g.1).collect::<Vec<_>>(), [0, 1]);
    assert!(tr.render().unwrap().contains("<svg"));
    let all_hidden = trend("h", "t", "d", &[("a".into(), None), ("b".into(), None)]);
    assert!(all_hidden.is_empty() && all_hidden.segments.is_empty());
}
