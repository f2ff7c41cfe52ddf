//! Charts drawn on the server as SVG: a radar (spider) chart of levels per axis with series
//! overlaid, a line chart of levels over time, bars of counts and a trend of counts over time
//! (the statistics and the annual report, whose PDF embeds the same SVG). Each carries a `<title>` and a description
//! (`aria-labelledby`); pages put a data table beside it. Series differ by line style and
//! marker shape as well as colour, and the legend names them in words, so nothing is told by
//! colour alone. Geometry is computed here; the SVG is written by askama templates, so every
//! label goes through its escaping.

use askama::Template;

/// The highest level a chart shows (need levels run 0 to 4).
pub const SCALE_MAX: u8 = 4;

/// Rounds a coordinate for the SVG text (one decimal is plenty on screen and in print).
fn r1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// One series: its name in the legend, and a value (or none) per axis or per date.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<u8>>,
}

/// A drawn series: its style, the polygon or polyline, and a marker per known value.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnSeries {
    pub name: String,
    /// `s0`, `s1`…: the style (solid, dashed…) and marker shape, in `app.css` and below.
    pub style: String,
    /// `x,y x,y …`.
    pub points: String,
    /// Markers, only where the value is known.
    pub markers: Vec<(f64, f64)>,
    /// Square markers (the second series) instead of round ones.
    pub square: bool,
    /// A dash pattern, empty for a solid line.
    pub dash: &'static str,
    /// Where the series' line of the legend sits.
    pub legend_y: f64,
}

const DASHES: [&str; 3] = ["", "6 4", "2 3"];

/// An axis of the radar: a spoke from the centre, with its label outside the rim.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub label_x: f64,
    pub label_y: f64,
    /// `start`, `middle` or `end`: where the label sits against its point.
    pub anchor: &'static str,
}

/// A radar chart of levels 0…[`SCALE_MAX`] per axis.
#[derive(Template, Debug, Clone)]
#[template(path = "charts/radar.html", escape = "html")]
pub struct Radar {
    /// Unique in the page: the ids of the title and description derive from it.
    pub id: String,
    pub title: String,
    pub desc: String,
    pub size: f64,
    /// Where the drawing starts and how wide it is: room either side of the rim for the
    /// labels of the side axes.
    pub view_x: f64,
    pub view_w: f64,
    pub centre: f64,
    /// The rings of levels 1…4, as polygons.
    pub rings: Vec<String>,
    pub axes: Vec<Axis>,
    pub series: Vec<DrawnSeries>,
    /// The height of the drawing with its legend.
    pub height: f64,
}

impl Radar {
    /// Whether there is something to draw (three axes at least, one series).
    pub fn is_empty(&self) -> bool {
        self.axes.len() < 3 || self.series.is_empty()
    }
}

/// Room for the labels left and right of the radar's square (long French domain names).
const LABEL_ROOM: f64 = 110.0;

/// The point of `level` on the spoke of axis `i` of `n`, the first spoke pointing up.
fn spoke(centre: f64, radius: f64, i: usize, n: usize, level: f64) -> (f64, f64) {
    let angle = -std::f64::consts::FRAC_PI_2 + (i as f64) * std::f64::consts::TAU / (n as f64);
    let r = radius * level / f64::from(SCALE_MAX);
    (r1(centre + r * angle.cos()), r1(centre + r * angle.sin()))
}

/// A radar of `series` over `labels` (one value per label in each series). An unknown value
/// is drawn at the centre without a marker; the data table says "not assessed".
pub fn radar(id: &str, title: &str, desc: &str, labels: &[String], series: &[Series]) -> Radar {
    let size = 360.0;
    let centre = size / 2.0;
    let radius = 110.0;
    let n = labels.len();
    let drawable = n >= 3;
    let rings = if drawable {
        (1..=SCALE_MAX)
            .map(|level| {
                (0..n)
                    .map(|i| {
                        let (x, y) = spoke(centre, radius, i, n, f64::from(level));
                        format!("{x},{y}")
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    } else {
        Vec::new()
    };
    let axes = if drawable {
        labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let (x, y) = spoke(centre, radius, i, n, f64::from(SCALE_MAX));
                let (lx, ly) = spoke(centre, radius + 14.0, i, n, f64::from(SCALE_MAX));
                let anchor = if (lx - centre).abs() < 4.0 {
                    "middle"
                } else if lx > centre {
                    "start"
                } else {
                    "end"
                };
                Axis { label: label.clone(), x, y, label_x: lx, label_y: r1(ly + 4.0), anchor }
            })
            .collect()
    } else {
        Vec::new()
    };
    let series = if drawable {
        series
            .iter()
            .enumerate()
            .map(|(s, ser)| {
                let mut points = Vec::with_capacity(n);
                let mut markers = Vec::new();
                for i in 0..n {
                    let v = ser.values.get(i).copied().flatten();
                    let (x, y) = spoke(centre, radius, i, n, f64::from(v.unwrap_or(0)));
                    points.push(format!("{x},{y}"));
                    if v.is_some() {
                        markers.push((x, y));
                    }
                }
                DrawnSeries {
                    name: ser.name.clone(),
                    style: format!("s{s}"),
                    points: points.join(" "),
                    markers,
                    square: s % 2 == 1,
                    dash: DASHES[s % DASHES.len()],
                    legend_y: size + 22.0 * s as f64,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let height = size + 22.0 * series.len() as f64;
    Radar {
        id: id.to_owned(),
        title: title.to_owned(),
        desc: desc.to_owned(),
        size,
        view_x: -LABEL_ROOM,
        view_w: size + 2.0 * LABEL_ROOM,
        centre,
        rings,
        axes,
        series,
        height,
    }
}

/// A line chart of levels 0…[`SCALE_MAX`] (up: a higher need) over dates.
#[derive(Template, Debug, Clone)]
#[template(path = "charts/line.html", escape = "html")]
pub struct Line {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    /// (y, level) of each gridline.
    pub grid: Vec<(f64, u8)>,
    /// (x, text) of the dates shown under the axis: the first and the last.
    pub ticks: Vec<(f64, String)>,
    pub series: Vec<DrawnSeries>,
    /// Where the legend starts.
    pub legend_y: f64,
}

impl Line {
    pub fn is_empty(&self) -> bool {
        self.series.iter().all(|s| s.markers.is_empty())
    }
}

/// A line chart of `series` (one value per date) over `dates` (their texts, in order; drawn
/// evenly spaced). A series is broken where a value is unknown: only known values are joined.
pub fn line(id: &str, title: &str, desc: &str, dates: &[String], series: &[Series]) -> Line {
    let (width, left, right, top, plot_h) = (320.0, 28.0, 304.0, 10.0, 100.0);
    let bottom = top + plot_h;
    let y_of = |level: u8| r1(bottom - plot_h * f64::from(level) / f64::from(SCALE_MAX));
    let n = dates.len();
    let x_of = |i: usize| {
        if n <= 1 {
            r1((left + right) / 2.0)
        } else {
            r1(left + (right - left) * i as f64 / (n - 1) as f64)
        }
    };
    let grid = (0..=SCALE_MAX).map(|l| (y_of(l), l)).collect();
    let mut ticks = Vec::new();
    if let Some(first) = dates.first() {
        ticks.push((x_of(0), first.clone()));
    }
    if n > 1 {
        ticks.push((x_of(n - 1), dates[n - 1].clone()));
    }
    let legend_y = bottom + 34.0;
    let series: Vec<DrawnSeries> = series
        .iter()
        .enumerate()
        .map(|(s, ser)| {
            let markers: Vec<(f64, f64)> = (0..n)
                .filter_map(|i| ser.values.get(i).copied().flatten().map(|v| (x_of(i), y_of(v))))
                .collect();
            DrawnSeries {
                name: ser.name.clone(),
                style: format!("s{s}"),
                points: markers
                    .iter()
                    .map(|(x, y)| format!("{x},{y}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                markers,
                square: s % 2 == 1,
                dash: DASHES[s % DASHES.len()],
                legend_y: legend_y + 18.0 * s as f64,
            }
        })
        .collect();
    let height = legend_y + 18.0 * series.len() as f64;
    Line {
        id: id.to_owned(),
        title: title.to_owned(),
        desc: desc.to_owned(),
        width,
        height,
        left,
        right,
        grid,
        ticks,
        series,
        legend_y,
    }
}

/// One bar: its label, its value (0 when suppressed), what is written after it, and the
/// bar's length and where its value is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub text: String,
    pub y: f64,
    pub width: f64,
    pub value_x: f64,
}

/// A horizontal bar chart of counts (the statistics' breakdowns), one bar a line, labels on
/// the left, each value written after its bar: readable without colour and in print.
#[derive(Template, Debug, Clone)]
#[template(path = "charts/bars.html", escape = "html")]
pub struct Bars {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub bars: Vec<Bar>,
    pub label_w: f64,
    pub width: f64,
    pub height: f64,
}

impl Bars {
    pub fn is_empty(&self) -> bool {
        self.bars.is_empty()
    }
}

const BAR_LINE: f64 = 28.0;
const BAR_MAX_W: f64 = 360.0;

/// Bars of `items` (label, count), the longest bar for the largest count; a zero count draws
/// no bar but keeps its line and value.
pub fn bars(id: &str, title: &str, desc: &str, items: &[(String, i64)]) -> Bars {
    let items: Vec<(String, Option<i64>)> =
        items.iter().map(|(l, v)| (l.clone(), Some(*v))).collect();
    bars_of(id, title, desc, &items, "")
}

/// Bars of counts some of which are suppressed (`None`): those draw no bar and write
/// `hidden` ("suppressed") in place of their value.
pub fn bars_of(
    id: &str,
    title: &str,
    desc: &str,
    items: &[(String, Option<i64>)],
    hidden: &str,
) -> Bars {
    // Room for the longest label (about 6.6 px a character at 12 px), within reason.
    let longest = items.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0) as f64;
    let label_w = r1((longest * 6.6 + 12.0).clamp(80.0, 300.0));
    let max = items.iter().filter_map(|(_, v)| *v).max().unwrap_or(0).max(1) as f64;
    let bars = items
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let width = r1(BAR_MAX_W * value.unwrap_or(0).max(0) as f64 / max);
            Bar {
                label: label.clone(),
                value: value.unwrap_or(0),
                text: value.map_or_else(|| hidden.to_owned(), |v| v.to_string()),
                y: r1(8.0 + i as f64 * BAR_LINE),
                width,
                value_x: r1(label_w + width + 6.0),
            }
        })
        .collect::<Vec<_>>();
    Bars {
        id: id.to_owned(),
        title: title.to_owned(),
        desc: desc.to_owned(),
        height: r1(16.0 + bars.len() as f64 * BAR_LINE),
        bars,
        label_w,
        width: label_w + BAR_MAX_W + 60.0,
    }
}

/// A point of a [`Trend`]: its label under the axis, and its value written above it (or, when
/// suppressed, no point: a gap in the line, the table saying why).
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub label: String,
    pub x: f64,
    pub value: Option<i64>,
    pub y: f64,
}

/// A line chart of counts over time (contacts per month): the scale from 0 to a round number
/// above the largest count, each count written above its point, so the numbers read without
/// the line; a suppressed count leaves a gap.
#[derive(Template, Debug, Clone)]
#[template(path = "charts/trend.html", escape = "html")]
pub struct Trend {
    pub id: String,
    pub title: String,
    pub desc: String,
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub bottom: f64,
    /// (y, value) of each gridline.
    pub grid: Vec<(f64, i64)>,
    pub points: Vec<TrendPoint>,
    /// The lines joining consecutive known counts, each `x,y x,y …`.
    pub segments: Vec<String>,
}

impl Trend {
    /// Whether no count is known.
    pub fn is_empty(&self) -> bool {
        self.points.iter().all(|p| p.value.is_none())
    }
}

/// The step of the scale: 1, 2 or 5 times a power of ten, about four steps to `max`.
fn nice_step(max: i64) -> i64 {
    let rough = (max.max(1) as f64 / 4.0).max(1.0);
    let power = 10f64.powi(rough.log10().floor() as i32);
    let step = [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|s| *s >= rough);
    step.unwrap_or(10.0 * power).round() as i64
}

/// A trend of `items` (label, count or none when suppressed), evenly spaced in their order.
pub fn trend(id: &str, title: &str, desc: &str, items: &[(String, Option<i64>)]) -> Trend {
    let (width, left, right, top, plot_h) = (560.0, 44.0, 540.0, 22.0, 150.0);
    let bottom = top + plot_h;
    let max = items.iter().filter_map(|(_, v)| *v).max().unwrap_or(0);
    let step = nice_step(max);
    let steps = ((max + step - 1) / step).max(1);
    let top_value = (steps * step) as f64;
    let y_of = |v: i64| r1(bottom - plot_h * v as f64 / top_value);
    let n = items.len();
    let x_of = |i: usize| {
        if n <= 1 {
            r1((left + right) / 2.0)
        } else {
            r1(left + 12.0 + (right - left - 24.0) * i as f64 / (n - 1) as f64)
        }
    };
    let grid = (0..=steps).map(|k| (y_of(k * step), k * step)).collect();
    let points: Vec<TrendPoint> = items
        .iter()
        .enumerate()
        .map(|(i, (label, value))| TrendPoint {
            label: label.clone(),
            x: x_of(i),
            value: *value,
            y: value.map_or(bottom, y_of),
        })
        .collect();
    let mut segments = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for p in &points {
        match p.value {
            Some(_) => current.push(format!("{},{}", p.x, p.y)),
            None => {
                if current.len() > 1 {
                    segments.push(current.join(" "));
                }
                current.clear();
            }
        }
    }
    if current.len() > 1 {
        segments.push(current.join(" "));
    }
    Trend {
        id: id.to_owned(),
        title: title.to_owned(),
        desc: desc.to_owned(),
        width,
        height: bottom + 28.0,
        left,
        right,
        bottom,
        grid,
        points,
        segments,
    }
}

#[cfg(test)]
mod tests;
