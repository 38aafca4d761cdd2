//! (ssr) XLSX workbooks in and out, knowing nothing of any area. Reading checks the file by
//! its content and its zip central directory against [`Limits`] before anything is inflated,
//! then streams each sheet cell by cell into text. Writing neutralises formula-like text
//! (OWASP "CSV injection") so an export never runs code in a spreadsheet program.
use crate::shared::error::AppError;
use calamine::{DataRef, Reader as _};
use std::collections::BTreeMap;
use std::io::Cursor;

/// What an uploaded workbook may cost us at most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Size of the file itself.
    pub max_file_bytes: usize,
    /// Entries in the zip (an XLSX has a few dozen at most).
    pub max_entries: usize,
    /// Sum of the uncompressed sizes the central directory declares. The zip reader refuses
    /// to inflate an entry past its declared size, so this bounds the real work too.
    pub max_unpacked_bytes: u64,
    /// Largest uncompressed : compressed ratio of one entry …
    pub max_ratio: u64,
    /// … checked only for entries at least this large uncompressed (small XML parts of a
    /// real workbook compress far better than large ones, and cost nothing).
    pub ratio_from_bytes: u64,
    /// Non-blank rows per sheet, the header row included.
    pub max_rows: usize,
    /// Columns read per row; cells further right are ignored.
    pub max_cols: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 10 * 1024 * 1024,
            max_entries: 1_000,
            max_unpacked_bytes: 100 * 1024 * 1024,
            max_ratio: 100,
            ratio_from_bytes: 1024 * 1024,
            max_rows: 50_001,
            max_cols: 64,
        }
    }
}

/// Why a workbook was refused. Each maps to an `err.xlsx_*` message key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XlsxError {
    #[error("file larger than the limit")]
    FileTooLarge,
    #[error("not an XLSX workbook")]
    NotXlsx,
    #[error("too many zip entries")]
    TooManyEntries,
    #[error("declared uncompressed size over the limit")]
    UnpackedTooLarge,
    #[error("compression ratio over the limit")]
    RatioTooHigh,
    #[error("encrypted or unsupported compression")]
    Unsupported,
    #[error("sheet {0} has too many rows")]
    TooManyRows(String),
    #[error("the workbook could not be read")]
    Corrupt,
    #[error("the workbook could not be written")]
    Write,
}

impl XlsxError {
    /// The i18n key of the message.
    pub fn code(&self) -> &'static str {
        match self {
            XlsxError::FileTooLarge => "err.xlsx_file_too_large",
            XlsxError::NotXlsx => "err.xlsx_not_xlsx",
            XlsxError::TooManyEntries => "err.xlsx_too_many_entries",
            XlsxError::UnpackedTooLarge => "err.xlsx_unpacked_too_large",
            XlsxError::RatioTooHigh => "err.xlsx_ratio",
            XlsxError::Unsupported => "err.xlsx_unsupported",
            XlsxError::TooManyRows(_) => "err.xlsx_too_many_rows",
            XlsxError::Corrupt => "err.xlsx_corrupt",
            XlsxError::Write => "err.internal",
        }
    }
}

impl From<XlsxError> for AppError {
    fn from(e: XlsxError) -> Self {
        match e {
            XlsxError::Write => AppError::Internal,
            e => AppError::validation("file", e.code()),
        }
    }
}

/// One non-blank row: its 1-based spreadsheet row number and its cells as text, by column
/// (empty string for an empty cell; trailing empty cells are not stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub number: u32,
    pub cells: Vec<String>,
}

impl Row {
    /// The text of column `col` (0-based), empty when there is none.
    pub fn cell(&self, col: usize) -> &str {
        self.cells.get(col).map(String::as_str).unwrap_or("")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub name: String,
    /// Non-blank rows in sheet order; blank rows (trailing or not) are left out.
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workbook {
    pub sheets: Vec<Sheet>,
}

/// Checks the zip container without inflating anything: magic bytes, the central
/// directory's entry count, declared sizes and ratios, and the two parts every XLSX has.
pub fn inspect(bytes: &[u8], limits: &Limits) -> Result<(), XlsxError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(XlsxError::FileTooLarge);
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(XlsxError::NotXlsx);
    }
    // Parses the central directory only.
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| XlsxError::NotXlsx)?;
    if zip.len() > limits.max_entries {
        return Err(XlsxError::TooManyEntries);
    }
    let mut total: u64 = 0;
    let mut worst_ratio = false;
    for i in 0..zip.len() {
        let e = zip.by_index_data(i).map_err(|_| XlsxError::NotXlsx)?;
        if e.encrypted()
            || !matches!(
                e.compression(),
                zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated
            )
        {
            return Err(XlsxError::Unsupported);
        }
        total = total.saturating_add(e.size());
        if e.size() >= limits.ratio_from_bytes && e.size() / e.compressed_size().max(1) > limits.max_ratio {
            worst_ratio = true;
        }
    }
    // The total first: a bomb is usually both, and the size is the plainer message.
    if total > limits.max_unpacked_bytes {
        return Err(XlsxError::UnpackedTooLarge);
    }
    if worst_ratio {
        return Err(XlsxError::RatioTooHigh);
    }
    for part in ["[Content_Types].xml", "xl/workbook.xml"] {
        if zip.index_for_name(part).is_none() {
            return Err(XlsxError::NotXlsx);
        }
    }
    Ok(())
}

/// Opens a workbook after [`inspect`] accepts it and reads every worksheet as text.
/// Numbers that are integers read without `.0`; other numbers in their shortest exact form
/// (`89.57`, never `89.56999…`); dates as `YYYY-MM-DD` (with the time when there is one).
/// A leading `'` that [`write_workbook`] added to neutralise a formula is removed again, so
/// an export re-imports unchanged. CPU-heavy: call it from `spawn_blocking`.
pub fn open_workbook(bytes: &[u8], limits: &Limits) -> Result<Workbook, XlsxError> {
    inspect(bytes, limits)?;
    let mut xlsx = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        tracing::debug!(error = %e, "unreadable workbook");
        XlsxError::Corrupt
    })?;
    let mut sheets = vec![];
    for name in xlsx.sheet_names() {
        let mut reader = match xlsx.worksheet_cells_reader(&name) {
            Ok(r) => r,
            // Chart sheets and dialog sheets hold no cells.
            Err(calamine::XlsxError::NotAWorksheet(_)) => continue,
            Err(e) => {
                tracing::debug!(error = %e, "unreadable sheet");
                return Err(XlsxError::Corrupt);
            }
        };
        let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        loop {
            let cell = match reader.next_cell() {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    tracing::debug!(error = %e, "unreadable cell");
                    return Err(XlsxError::Corrupt);
                }
            };
            let (r, c) = cell.get_position();
            if c >= limits.max_cols {
                continue;
            }
            let Some(text) = cell_text(cell.get_value()) else {
                continue;
            };
            if !rows.contains_key(&r) && rows.len() >= limits.max_rows {
                return Err(XlsxError::TooManyRows(name));
            }
            let cells = rows.entry(r).or_default();
            let c = c as usize;
            if cells.len() <= c {
                cells.resize(c + 1, String::new());
            }
            cells[c] = text;
        }
        sheets.push(Sheet {
            name,
            rows: rows
                .into_iter()
                .map(|(r, cells)| Row {
                    number: r.saturating_add(1),
                    cells,
                })
                .collect(),
        });
    }
    Ok(Workbook { sheets })
}

/// A header or sheet name as compared when looking for columns: no spaces, no `*` marks of
/// required columns, no bracketed units such as `(㎡)`, lower case.
pub fn header_key(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0u32;
    for c in s.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_whitespace() || c == '*' || c == '＊' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// A cell as text; `None` for an empty (or whitespace-only) cell.
fn cell_text(v: &DataRef<'_>) -> Option<String> {
    let s = match v {
        DataRef::Empty => return None,
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => float_text(*f),
        DataRef::String(s) => unneutralise(s),
        DataRef::SharedString(s) => unneutralise(s),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => {
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            if d.is_duration() {
                float_text(d.as_f64())
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    };
    (!s.trim().is_empty()).then_some(s)
}

/// Integers without `.0`; anything else in Rust's shortest round-trip form, which never
/// uses an exponent and never shows binary noise (`89.57`, not `89.56999999999999`).
fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn starts_formula_like(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Removes the `'` that [`neutralise`] put before formula-like text.
fn unneutralise(s: &str) -> String {
    match s.strip_prefix('\'') {
        Some(rest) if starts_formula_like(rest) => rest.to_string(),
        _ => s.to_string(),
    }
}

/// Text that a spreadsheet program could take for a formula gets a leading `'`.
pub fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    if starts_formula_like(s) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// The value of text that is a plain decimal number and reads back as the same text:
/// an optional `-`, 1–9 integer digits without leading zeros, up to 6 decimals. Longer
/// digit strings (phones, ID numbers) and `0101`-style codes stay text.
fn plain_number(s: &str) -> Option<f64> {
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || int.len() > 9 || (int.len() > 1 && int.starts_with('0')) {
        return None;
    }
    if let Some(f) = frac {
        if !digits(f) || f.len() > 6 || f.ends_with('0') {
            return None;
        }
    }
    let v: f64 = s.parse().ok()?;
    (float_text(v) == s).then_some(v)
}

/// Display width of text in a column (CJK characters count double).
fn text_width(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 }).sum()
}

/// Excel refuses longer cell text.
const MAX_CELL_CHARS: usize = 32_000;

/// Writes sheets of text to an XLSX file: a bold, frozen header row, column widths fitted to
/// the content, plain numbers as numbers and everything else as text, formula-like text
/// neutralised with a leading `'`.
pub fn write_workbook(sheets: &[(&str, Vec<String>, Vec<Vec<String>>)]) -> Result<Vec<u8>, XlsxError> {
    let w = |e: rust_xlsxwriter::XlsxError| {
        tracing::error!(error = %e, "writing a workbook");
        XlsxError::Write
    };
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (name, headers, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).map_err(w)?;
        let mut widths: Vec<usize> = headers.iter().map(|h| text_width(h)).collect();
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, neutralise(h), &bold)
                .map_err(w)?;
        }
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| XlsxError::Write)?;
            for (c, text) in row.iter().enumerate() {
                if text.is_empty() {
                    continue;
                }
                let col = u16::try_from(c).map_err(|_| XlsxError::Write)?;
                if let Some(n) = plain_number(text) {
                    ws.write_number(r, col, n).map_err(w)?;
                } else {
                    let t: String = text.chars().take(MAX_CELL_CHARS).collect();
                    ws.write_string(r, col, neutralise(&t)).map_err(w)?;
                }
                if r <= 1000 {
                    if widths.len() <= c {
                        widths.resize(c + 1, 0);
                    }
                    widths[c] = widths[c].max(text_width(text));
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(w)?;
        for (c, width) in widths.iter().enumerate() {
            let col = u16::try_from(c).map_err(|_| XlsxError::Write)?;
            ws.set_column_width(col, (*width + 2).clamp(8, 50) as f64).map_err(w)?;
        }
    }
    book.save_to_buffer().map_err(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn round_trip_keeps_text_numbers_and_areas_exact() {
        let bytes = write_workbook(&[
            (
                "房屋",
                s(&["房屋编号", "建筑面积", "楼层", "手机号", "身份证号", "备注"]),
                vec![
                    s(&[
                        "1-1-0101",
                        "89.57",
                        "3",
                        "13900000001",
                        "11010519491231002X",
                        "南北通透",
                    ]),
                    s(&["0101", "120", "-1", "", "", "=HYPERLINK(\"http://x\")"]),
                    s(&["", "", "", "", "", ""]),
                    s(&["A-9", "0.1", "12", "", "", "  "]),
                ],
            ),
            ("空", s(&["x"]), vec![]),
        ])
        .unwrap();
        let wb = open_workbook(&bytes, &Limits::default()).unwrap();
        assert_eq!(wb.sheets.len(), 2);
        let rows = &wb.sheets[0].rows;
        assert_eq!(wb.sheets[0].name, "房屋");
        assert_eq!(rows[0].number, 1);
        assert_eq!(rows[0].cell(0), "房屋编号");
        assert_eq!(
            rows[1].cells,
            s(&[
                "1-1-0101",
                "89.57",
                "3",
                "13900000001",
                "11010519491231002X",
                "南北通透"
            ])
        );
        assert_eq!(
            rows[2].cells,
            s(&["0101", "120", "-1", "", "", "=HYPERLINK(\"http://x\")"])
        );
        // The blank row 4 is left out; row numbers stay the sheet's own.
        assert_eq!(rows[3].number, 5);
        assert_eq!(rows[3].cell(1), "0.1");
        assert_eq!(rows[3].cell(5), "");
        assert_eq!(rows.len(), 4);
        assert_eq!(wb.sheets[1].rows.len(), 1);
    }

    #[test]
    fn floats_format_shortest_and_exact() {
        assert_eq!(float_text(89.57), "89.57");
        assert_eq!(float_text(89.0), "89");
        assert_eq!(float_text(-3.0), "-3");
        assert_eq!(float_text(13900000001.0), "13900000001");
        assert_eq!(float_text(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(plain_number("89.57"), Some(89.57));
        assert_eq!(plain_number("-3"), Some(-3.0));
        for text in ["0101", "13900000001", "1.50", "1e3", "-", "", "1.", ".5", "+3", "1-2"] {
            assert_eq!(plain_number(text), None, "{text}");
        }
    }

    #[test]
    fn formula_like_text_is_neutralised() {
        let evil = [
            "=1+2",
            "+1",
            "-x",
            "@SUM(A1)",
            "\tTAB",
            "\rCR",
            "=HYPERLINK(\"http://x\")",
        ];
        let bytes = write_workbook(&[(
            "s",
            s(&["h"]),
            evil.iter().map(|e| s(&[e])).chain([s(&["-3"])]).collect(),
        )])
        .unwrap();
        // What a spreadsheet program sees: text behind an apostrophe; -3 stays a number.
        let mut x: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
        let range = x.worksheet_range("s").unwrap();
        for (i, e) in evil.iter().enumerate() {
            assert_eq!(
                range.get_value((i as u32 + 1, 0)),
                Some(&calamine::Data::String(format!("'{e}"))),
                "{e}"
            );
        }
        assert_eq!(
            range.get_value((evil.len() as u32 + 1, 0)),
            Some(&calamine::Data::Float(-3.0))
        );
        // Our own reader takes the apostrophe off again, so an export re-imports as it was.
        let wb = open_workbook(&bytes, &Limits::default()).unwrap();
        assert_eq!(wb.sheets[0].rows[1].cell(0), "=1+2");
        assert_eq!(wb.sheets[0].rows[evil.len() + 1].cell(0), "-3");
    }

    fn zip_with(entries: &[(&str, &[u8])], big_zeros: Option<(&str, usize)>) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1));
        for (name, data) in entries {
            z.start_file(*name, opts).unwrap();
            z.write_all(data).unwrap();
        }
        if let Some((name, size)) = big_zeros {
            // Streamed in 1 MiB pieces: the test never holds the inflated size in memory.
            z.start_file(name, opts).unwrap();
            let chunk = vec![0u8; 1 << 20];
            for _ in 0..size / chunk.len() {
                z.write_all(&chunk).unwrap();
            }
        }
        z.finish().unwrap().into_inner()
    }

    const PARTS: [(&str, &[u8]); 2] = [
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", b"<workbook/>"),
    ];

    #[test]
    fn a_zip_bomb_is_refused_from_the_central_directory() {
        let bomb = zip_with(&PARTS, Some(("xl/worksheets/sheet1.xml", 200 << 20)));
        assert!(bomb.len() < 2 << 20, "the bomb itself is small: {}", bomb.len());
        assert_eq!(
            open_workbook(&bomb, &Limits::default()),
            Err(XlsxError::UnpackedTooLarge)
        );
        // Nothing was inflated: with the compressed data destroyed (the central directory at
        // the end intact) the answer is the same, where inflating would have failed.
        let mut wrecked = bomb.clone();
        let end = wrecked.len() - 2048;
        wrecked[2048..end].fill(0xFF);
        assert_eq!(
            open_workbook(&wrecked, &Limits::default()),
            Err(XlsxError::UnpackedTooLarge)
        );
        // Under the total limit, the ratio alone refuses it.
        let dense = zip_with(&PARTS, Some(("xl/worksheets/sheet1.xml", 8 << 20)));
        assert_eq!(inspect(&dense, &Limits::default()), Err(XlsxError::RatioTooHigh));
        let many: Vec<(String, &[u8])> = (0..20).map(|i| (format!("f{i}"), &b"x"[..])).collect();
        let many: Vec<(&str, &[u8])> = many.iter().map(|(n, d)| (n.as_str(), *d)).collect();
        let limits = Limits {
            max_entries: 10,
            ..Limits::default()
        };
        assert_eq!(inspect(&zip_with(&many, None), &limits), Err(XlsxError::TooManyEntries));
    }

    #[test]
    fn non_workbooks_are_refused() {
        assert_eq!(
            open_workbook(b"name,phone\n", &Limits::default()),
            Err(XlsxError::NotXlsx)
        );
        assert_eq!(
            open_workbook(b"PK\x03\x04garbage", &Limits::default()),
            Err(XlsxError::NotXlsx)
        );
        let plain_zip = zip_with(&[("readme.txt", b"hello")], None);
        assert_eq!(open_workbook(&plain_zip, &Limits::default()), Err(XlsxError::NotXlsx));
        // The right parts with nonsense inside: refused when read, never a panic.
        assert_eq!(
            open_workbook(&zip_with(&PARTS, None), &Limits::default()),
            Err(XlsxError::Corrupt)
        );
        let small = Limits {
            max_file_bytes: 10,
            ..Limits::default()
        };
        assert_eq!(open_workbook(&plain_zip, &small), Err(XlsxError::FileTooLarge));
    }

    #[test]
    fn rows_over_the_limit_are_refused() {
        let rows: Vec<Vec<String>> = (0..20).map(|i| vec![i.to_string()]).collect();
        let bytes = write_workbook(&[("s", s(&["n"]), rows)]).unwrap();
        let limits = Limits {
            max_rows: 10,
            ..Limits::default()
        };
        assert_eq!(open_workbook(&bytes, &limits), Err(XlsxError::TooManyRows("s".into())));
        assert_eq!(
            open_workbook(&bytes, &Limits::default()).unwrap().sheets[0].rows.len(),
            21
        );
    }
}
