//! Fitting a table to the terminal's width: one rule for every table callev draws (summary's
//! calls and groups, events, timeline, schema, browse's list). Each column has a width (its
//! widest cell for a table sized to its rows, a fixed one for a table written in chunks), a rank
//! saying when it is left out on a narrow terminal, and may be capped, its cells wrapping at
//! word boundaries beyond; the last column may be free text that takes the room left and wraps
//! under itself, never back to the first column. What a table leaves out is said once, the same
//! way everywhere (`left_out_note`). Without a terminal (piped, a file) nothing is left out or
//! wrapped.

use owo_colors::{OwoColorize, Style};
use unicode_width::UnicodeWidthStr;

/// One column to fit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Col<'a> {
    pub(crate) label: &'a str,
    /// Its width without spacing: its widest cell or label, or a fixed width.
    pub(crate) width: usize,
    /// When it is left out on a narrow terminal: 0 never; else the highest rank first (of
    /// equal ranks, the rightmost).
    pub(crate) drop: u8,
    /// Right-aligned (numbers, durations).
    pub(crate) right: bool,
    /// At most this wide on a terminal: longer cells wrap at word boundaries.
    pub(crate) cap: Option<usize>,
}

impl<'a> Col<'a> {
    /// A column `width` wide, never left out.
    pub(crate) const fn new(label: &'a str, width: usize) -> Col<'a> {
        Col {
            label,
            width,
            drop: 0,
            right: false,
            cap: None,
        }
    }

    pub(crate) const fn right(mut self) -> Self {
        self.right = true;
        self
    }

    pub(crate) const fn drop(mut self, rank: u8) -> Self {
        self.drop = rank;
        self
    }

    pub(crate) const fn cap(mut self, cap: usize) -> Self {
        self.cap = Some(cap);
        self
    }
}

/// The room free text takes however narrow the terminal: a word of a dozen columns still shows.
const FREE_FLOOR: usize = 12;

/// How cells are spaced: before the first, and between two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Spacing {
    pub(crate) lead: usize,
    pub(crate) gap: usize,
}

/// ` call  outcome  started`: the views' tables.
pub(crate) const CELLS: Spacing = Spacing { lead: 1, gap: 2 };
/// `call outcome started`: the timeline's rows and browse's list.
pub(crate) const TIGHT: Spacing = Spacing { lead: 0, gap: 1 };

/// A column as fitted: where it is in the columns given, and how wide it is shown.
#[derive(Debug, Clone, Copy)]
struct Shown {
    index: usize,
    width: usize,
    right: bool,
    wraps: bool,
}

/// A table's columns fitted to a width.
#[derive(Debug, Clone)]
pub(crate) struct Fit {
    spacing: Spacing,
    cols: Vec<Shown>,
    /// The last column is free text: the least room it keeps, when it is.
    free: Option<usize>,
    /// The terminal's width, when there is one.
    width: Option<usize>,
    left_out: Vec<String>,
}

/// Fit `cols` to `width`: the columns whose rank says so are left out, highest first, until the
/// rest fit; with `free`, the last column is free text that keeps at least that much room.
pub(crate) fn fit(
    cols: &[Col],
    free: Option<usize>,
    width: Option<usize>,
    spacing: Spacing,
) -> Fit {
    let last = cols.len().saturating_sub(1);
    let shown_width = |i: usize, c: &Col| match (width, c.cap) {
        (Some(_), Some(cap)) if !(free.is_some() && i == last) => c.width.min(cap),
        _ => c.width,
    };
    let mut shown: Vec<usize> = (0..cols.len()).collect();
    if let Some(width) = width {
        let need = |shown: &[usize]| -> usize {
            let fixed: Vec<usize> = shown
                .iter()
                .filter(|&&i| !(free.is_some() && i == last))
                .map(|&i| shown_width(i, &cols[i]))
                .collect();
            let cells: usize = fixed.iter().sum::<usize>() + spacing.gap * fixed.len();
            match free {
                Some(min) => spacing.lead + cells + min,
                None => (spacing.lead + cells).saturating_sub(spacing.gap),
            }
        };
        while need(&shown) > width {
            let Some(at) = shown
                .iter()
                .enumerate()
                .filter(|(_, &i)| cols[i].drop > 0)
                .max_by_key(|(_, &i)| (cols[i].drop, i))
                .map(|(at, _)| at)
            else {
                break;
            };
            shown.remove(at);
        }
    }
    let left_out = (0..cols.len())
        .filter(|i| !shown.contains(i))
        .map(|i| cols[i].label.to_owned())
        .collect();
    Fit {
        spacing,
        cols: shown
            .iter()
            .map(|&i| Shown {
                index: i,
                width: shown_width(i, &cols[i]),
                right: cols[i].right,
                wraps: width.is_some() && cols[i].cap.is_some_and(|cap| cols[i].width > cap),
            })
            .collect(),
        free,
        width,
        left_out,
    }
}

/// A table sized to its rows: each column as wide as its widest cell (a capped one no
/// narrower than its longest word), fitted to `width`, with a header; the note about what it
/// leaves out goes to stderr.
pub(crate) fn sized_table(
    cols: &[Col],
    rows: &[Vec<String>],
    free: Option<usize>,
    width: Option<usize>,
    color: bool,
    out: &mut Vec<u8>,
) {
    let sized: Vec<Col> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let cells = || rows.iter().filter_map(|r| r.get(i)).map(String::as_str);
            let widest = cells().map(width_of).chain([width_of(c.label)]).max();
            Col {
                width: widest.unwrap_or(0),
                cap: c.cap.map(|cap| cap.max(longest_word(cells()))),
                ..*c
            }
        })
        .collect();
    let fitted = fit(&sized, free, width, CELLS);
    if let Some(note) = fitted.note() {
        crate::output::say(&note);
    }
    let labels: Vec<&str> = cols.iter().map(|c| c.label).collect();
    fitted.header(&labels, color, out);
    for r in rows {
        let cells: Vec<Cell> = r.iter().map(|t| (t.as_str(), None)).collect();
        fitted.row(&cells, color, out);
    }
}

/// What a table leaves out to fit, said on stderr the same way by every table.
pub(crate) fn left_out_note(width: usize, what: &str) -> String {
    format!(
        "to fit {width} columns the table leaves out {what}; a wider terminal, COLUMNS or -o json show them"
    )
}

/// One cell: its text, and its style when colors are on.
pub(crate) type Cell<'a> = (&'a str, Option<Style>);

/// The display width of text.
pub(crate) fn width_of(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.width()
    }
}

impl Fit {
    /// Whether column `i` (of those given to `fit`) is shown.
    pub(crate) fn shows(&self, i: usize) -> bool {
        self.cols.iter().any(|c| c.index == i)
    }

    /// The columns shown: where each is among those given to `fit`, and its width.
    pub(crate) fn shown(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.cols.iter().map(|c| (c.index, c.width))
    }

    /// The note on stderr about the columns left out, if any.
    pub(crate) fn note(&self) -> Option<String> {
        match (self.width, self.left_out.is_empty()) {
            (Some(w), false) => Some(left_out_note(w, &self.left_out.join(", "))),
            _ => None,
        }
    }

    /// Where the free column begins, when every cell before it fits its column.
    pub(crate) fn free_at(&self) -> usize {
        let fixed = self.cols.len() - usize::from(self.free.is_some());
        self.spacing.lead
            + self.cols[..fixed]
                .iter()
                .map(|c| c.width + self.spacing.gap)
                .sum::<usize>()
    }

    /// The header line: labels aligned as their columns (right over numbers), bold with
    /// colors.
    pub(crate) fn header(&self, labels: &[&str], color: bool, out: &mut Vec<u8>) {
        let bold = color.then(|| Style::new().bold());
        let cells: Vec<Cell> = labels.iter().map(|l| (*l, bold)).collect();
        self.line(
            &cells,
            |_, c| cells.get(c.index).map_or("", |c| c.0),
            color,
            out,
        );
    }

    /// A row, from one cell per column given to `fit` (those left out are passed over): padded
    /// to their columns, capped cells and the free text wrapped under themselves. A cell wider
    /// than its column pushes the rest of its line right.
    pub(crate) fn row(&self, cells: &[Cell], color: bool, out: &mut Vec<u8>) {
        let text = |c: &Shown| cells.get(c.index).map_or("", |c| c.0);
        // Where the free text begins, and whether anything wraps: most rows are one line.
        let fixed = self.cols.len() - usize::from(self.free.is_some());
        let mut at = self.spacing.lead;
        let mut wraps = false;
        for c in &self.cols[..fixed] {
            let w = width_of(text(c));
            let wrapped = c.wraps && w > c.width;
            wraps |= wrapped;
            at += if wrapped { c.width } else { w.max(c.width) } + self.spacing.gap;
        }
        // What is left of the line, however little: the least room free text keeps decides
        // what is left out, not how far a line may run past the terminal.
        let room = self
            .free
            .and_then(|_| Some(self.width?.saturating_sub(at).max(FREE_FLOOR)));
        if let (Some(room), Some(c)) = (room, self.cols.last().filter(|_| self.free.is_some())) {
            wraps |= width_of(text(c)) > room;
        }
        if !wraps {
            return self.line(cells, |_, c| text(c), color, out);
        }
        let wrapped: Vec<Vec<String>> = self
            .cols
            .iter()
            .enumerate()
            .map(|(n, c)| {
                let t = text(c);
                let width = if n >= fixed { room } else { Some(c.width) };
                match width {
                    Some(w) if (n >= fixed || c.wraps) && width_of(t) > w => wrap(t, w),
                    _ => vec![t.to_owned()],
                }
            })
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        for k in 0..height {
            let piece = |n: usize, _: &Shown| wrapped[n].get(k).map_or("", String::as_str);
            self.line(cells, piece, color, out);
        }
    }

    /// One line of a row: each shown column's piece of text, padded, styled as its cell.
    fn line<'t>(
        &self,
        cells: &[Cell],
        piece: impl Fn(usize, &Shown) -> &'t str,
        color: bool,
        out: &mut Vec<u8>,
    ) {
        let start = out.len();
        let free = self.free.is_some();
        let last = self.cols.len().saturating_sub(1);
        out.resize(start + self.spacing.lead, b' ');
        for (n, c) in self.cols.iter().enumerate() {
            let text = piece(n, c);
            let style = cells.get(c.index).and_then(|c| c.1).filter(|_| color);
            let styled = |out: &mut Vec<u8>| match style {
                Some(st) if !text.is_empty() => {
                    use std::io::Write;
                    // Writing into a Vec cannot fail.
                    let _ = write!(out, "{}", text.style(st));
                }
                _ => out.extend_from_slice(text.as_bytes()),
            };
            if free && n == last {
                styled(out);
                break;
            }
            let pad = c.width.saturating_sub(width_of(text));
            if c.right {
                out.resize(out.len() + pad, b' ');
                styled(out);
            } else {
                styled(out);
                out.resize(out.len() + pad, b' ');
            }
            if n < last {
                out.resize(out.len() + self.spacing.gap, b' ');
            }
        }
        end_line(start, out);
    }
}

/// Text wrapped to `width` columns: items set apart by two spaces (`key value` pairs of
/// details) stay whole on a line where they fit, and only an item too long for a line of its
/// own breaks, at word boundaries; a word longer than a line (a URL) is shortened in its middle,
/// never cut at its end.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for item in text.split("  ").map(str::trim).filter(|i| !i.is_empty()) {
        let w = width_of(item);
        if !line.is_empty() {
            if width_of(&line) + 2 + w <= width {
                line.push_str("  ");
                line.push_str(item);
                continue;
            }
            lines.push(std::mem::take(&mut line));
        }
        if w <= width {
            line.push_str(item);
            continue;
        }
        let mut words = wrap_words(item, width);
        line = words.pop().unwrap_or_default();
        lines.extend(words);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Text wrapped at word boundaries (spaces only) to `width` columns, a word longer than a line
/// shortened in its middle.
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let options = textwrap::Options::new(width)
        .break_words(false)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let glued = glue_durations(text);
    textwrap::wrap(&glued, options)
        .into_iter()
        .map(|l| l.replace('\u{a0}', " "))
        .map(|l| {
            if width_of(&l) > width {
                shorten_middle(&l, width)
            } else {
                l
            }
        })
        .collect()
}

/// A duration's parts (`1h 02m 03s`, `1m 23.0s`) held together for wrapping: the space after a
/// part ending in `h` or `m` and before a number becomes a no-break space (turned back after).
fn glue_durations(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let glue = |i: usize| {
        let unit = i >= 2 && matches!(bytes[i - 1], b'h' | b'm') && bytes[i - 2].is_ascii_digit();
        unit && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
    };
    if !(0..bytes.len()).any(|i| bytes[i] == b' ' && glue(i)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 4);
    for (i, c) in text.char_indices() {
        out.push(if c == ' ' && glue(i) { '\u{a0}' } else { c });
    }
    std::borrow::Cow::Owned(out)
}

/// Items joined by `sep` into lines of at most `width` columns after `indent` (all on one line
/// without a width): each line's items, never an item cut (one wider than a line has a line of
/// its own). For a call's header, its facts: a line breaks between facts, not inside one.
pub(crate) fn pack<'a>(
    items: &'a [String],
    sep: &str,
    indent: usize,
    width: Option<usize>,
) -> Vec<&'a [String]> {
    let Some(width) = width else {
        return vec![items];
    };
    let room = width.saturating_sub(indent).max(1);
    let mut lines = Vec::new();
    let (mut first, mut used) = (0, 0);
    for (i, item) in items.iter().enumerate() {
        let w = width_of(item);
        if i > first && used + width_of(sep) + w > room {
            lines.push(&items[first..i]);
            first = i;
            used = w;
        } else {
            used += if i > first { width_of(sep) } else { 0 } + w;
        }
    }
    if first < items.len() || lines.is_empty() {
        lines.push(&items[first..]);
    }
    lines
}

/// Words held together on one line by `hang` (a time's date and clock, `(4 of 5 calls)`).
pub(crate) fn together(text: &str) -> String {
    text.replace(' ', "\u{a0}")
}

/// A line of prose (a total, an anomaly, a finding) after `first`, wrapped at word boundaries
/// to `width` columns with the lines after the first indented by `rest`; whole without a width.
/// A word longer than a line (a path, a URL) keeps a line of its own, shortened in its middle.
/// Words joined by `together` break as one and are written with plain spaces.
pub(crate) fn hang(first: &str, rest: &str, text: &str, width: Option<usize>) -> String {
    let Some(width) = width.filter(|w| *w > width_of(rest) + 10) else {
        return format!("{first}{}\n", text.replace('\u{a0}', " "));
    };
    let options = textwrap::Options::new(width)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(false)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut out = String::new();
    let glued = glue_durations(text);
    for (i, line) in textwrap::wrap(&glued, options).into_iter().enumerate() {
        let line = line.replace('\u{a0}', " ");
        // Widths as shown: a colored mark's escapes take no room.
        let shown = textwrap::core::display_width;
        if shown(&line) > width {
            let indent = if i == 0 { first } else { rest };
            let word = line.strip_prefix(indent).unwrap_or(&line);
            out.push_str(indent);
            out.push_str(&shorten_middle(word, width.saturating_sub(shown(indent))));
        } else {
            out.push_str(&line);
        }
        out.push('\n');
    }
    out
}

/// Text shortened to `width` columns by leaving out its middle (`https://api.exa…/events/12`):
/// its start and end say the most.
pub(crate) fn shorten_middle(text: &str, width: usize) -> String {
    if width_of(text) <= width {
        return text.to_owned();
    }
    let room = width.saturating_sub(1);
    let tail_room = room / 2;
    let head_room = room - tail_room;
    let mut head = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > head_room {
            break;
        }
        used += w;
        head.push(c);
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > tail_room {
            break;
        }
        used += w;
        tail.push(c);
    }
    head.push('…');
    head.extend(tail.into_iter().rev());
    head
}

/// The widest word of some cells: a capped column is never narrower, so no word is cut.
pub(crate) fn longest_word<'a>(cells: impl IntoIterator<Item = &'a str>) -> usize {
    cells
        .into_iter()
        .flat_map(str::split_whitespace)
        .map(width_of)
        .max()
        .unwrap_or(0)
}

/// End the line begun at `start`, without the padding whitespace it ends with.
fn end_line(start: usize, out: &mut Vec<u8>) {
    let keep = out[start..]
        .iter()
        .rposition(|b| *b != b' ')
        .map_or(0, |p| p + 1);
    out.truncate(start + keep);
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(fit: &Fit, rows: &[&[&str]]) -> String {
        let mut out = Vec::new();
        for r in rows {
            let cells: Vec<Cell> = r.iter().map(|t| (*t, None)).collect();
            fit.row(&cells, false, &mut out);
        }
        String::from_utf8(out).unwrap()
    }

    const COLS: [Col; 4] = [
        Col::new("id", 4),
        Col::new("vendor", 6).drop(2),
        Col::new("total", 5).right().drop(1),
        Col::new("end", 20),
    ];

    #[test]
    fn a_duration_is_never_split_between_its_parts() {
        // At 9 columns `duration 1m 23.0s` would break after `1m`.
        assert_eq!(wrap("duration 1m 23.0s", 9), ["duration", "1m 23.0s"]);
        assert_eq!(wrap("took 1h 02m 03s", 11), ["took", "1h 02m 03s"]);
        // Only a number's unit glues: words ending in m or h break as words do.
        assert_eq!(wrap("from 5m long", 7), ["from 5m", "long"]);
        assert_eq!(wrap("alarm 12 then", 8), ["alarm 12", "then"]);
    }

    #[test]
    fn prose_hangs_under_its_label_and_keeps_its_words() {
        let text = "mean 1m 20.0s · median 1m 20.0s · p95 1m 20.0s   (1 of 1 call)";
        let wrapped = hang("  talk      ", "            ", text, Some(40));
        for line in wrapped.lines() {
            assert!(width_of(line) <= 40, "{line:?}");
        }
        assert!(wrapped
            .lines()
            .skip(1)
            .all(|l| l.starts_with("            ")));
        let words: Vec<&str> = wrapped.split_whitespace().collect();
        assert_eq!(words[1..], text.split_whitespace().collect::<Vec<_>>()[..]);
        // Without a width, one line; a word longer than a line is shortened in its middle.
        assert_eq!(hang("! ", "  ", text, None), format!("! {text}\n"));
        let path = format!("at {}", "x/".repeat(40));
        let cut = hang("", "  ", &path, Some(30));
        assert!(
            cut.lines().all(|l| width_of(l) <= 30) && cut.contains('…'),
            "{cut}"
        );
    }

    #[test]
    fn columns_are_left_out_by_rank_until_the_rest_fit() {
        assert!(fit(&COLS, Some(8), None, CELLS).left_out.is_empty());
        // 1 + (4+2) + (6+2) + (5+2) + 8 = 30
        assert!(fit(&COLS, Some(8), Some(30), CELLS).note().is_none());
        let narrow = fit(&COLS, Some(8), Some(29), CELLS);
        assert_eq!(narrow.left_out, ["vendor"]);
        assert_eq!(
            fit(&COLS, Some(8), Some(10), CELLS).left_out,
            ["vendor", "total"]
        );
        assert!(narrow
            .note()
            .unwrap()
            .starts_with("to fit 29 columns the table leaves out vendor;"));
    }

    #[test]
    fn free_text_wraps_under_its_column_at_word_boundaries() {
        let f = fit(&COLS, Some(8), Some(34), CELLS);
        let t = text(
            &f,
            &[&["a1", "xel", "1.5s", "normal call clearing by the callee"]],
        );
        assert_eq!(
            t,
            " a1    xel      1.5s  normal call\n                      clearing by\n                      the callee\n"
        );
        assert!(t.lines().all(|l| l.len() <= 34), "{t}");
        // Pairs of details stay whole where they fit.
        let wide = fit(&COLS, Some(8), Some(40), CELLS);
        let pairs = text(
            &wide,
            &[&["a1", "xel", "1.5s", "cause busy  talk 2m 05.1s"]],
        );
        assert_eq!(
            pairs,
            " a1    xel      1.5s  cause busy\n                      talk 2m 05.1s\n"
        );
    }

    #[test]
    fn a_word_too_long_for_the_free_column_loses_its_middle() {
        let f = fit(&COLS, Some(8), Some(40), CELLS);
        let t = text(
            &f,
            &[&[
                "a1",
                "x",
                "1s",
                "url https://api.example.com/v1/calls/c-123/events",
            ]],
        );
        assert_eq!(
            t,
            " a1    x          1s  url\n                      https://a…3/events\n"
        );
        assert!(t.lines().all(|l| l.chars().count() <= 40), "{t}");
        assert_eq!(shorten_middle("abcdefghij", 5), "ab…ij");
    }

    #[test]
    fn piped_nothing_wraps_and_a_wide_cell_pushes_its_line() {
        let f = fit(&COLS, Some(8), None, CELLS);
        assert_eq!(
            text(&f, &[&["a-long-id", "x", "1s", "free text stays whole"]]),
            " a-long-id  x          1s  free text stays whole\n"
        );
    }

    #[test]
    fn a_capped_column_wraps_its_cells() {
        let cells = ["NORMAL_CLEARING by the network"];
        let cols = [
            Col::new("key", 30).cap(10.max(longest_word(cells))),
            Col::new("calls", 5).right(),
        ];
        let f = fit(&cols, None, Some(40), CELLS);
        assert_eq!(
            text(&f, &[&["NORMAL_CLEARING by the network", "12"]]),
            " NORMAL_CLEARING     12\n by the network\n"
        );
        // Piped, the key is whole.
        let piped = fit(&cols, None, None, CELLS);
        assert_eq!(
            text(&piped, &[&["NORMAL_CLEARING by the network", "12"]]),
            " NORMAL_CLEARING by the network     12\n"
        );
    }
}
