//! What an upload is, decided from its bytes, never from its name or the type the browser
//! claims: a table of signatures ("magic numbers"), an allow-list per use (documents, voice
//! notes), web content (HTML, SVG) refused by name, a size limit enforced as the bytes arrive,
//! and ZIP-based formats (DOCX, ODT) opened to check that they are what they claim and no zip
//! bomb (entry count, total uncompressed size, compression ratio, each entry decompressed
//! against its declared size).

use std::io::{Cursor, Read};

use thiserror::Error;

/// A type of file Passerelle accepts for some use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
    Heic,
    Webp,
    Odt,
    Docx,
    WebmAudio,
    Ogg,
    M4a,
    Aac,
    Mp3,
    Wav,
}

/// How a type may be previewed in the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preview {
    Image,
    Pdf,
}

impl FileType {
    pub const ALL: [FileType; 13] = [
        FileType::Pdf,
        FileType::Jpeg,
        FileType::Png,
        FileType::Heic,
        FileType::Webp,
        FileType::Odt,
        FileType::Docx,
        FileType::WebmAudio,
        FileType::Ogg,
        FileType::M4a,
        FileType::Aac,
        FileType::Mp3,
        FileType::Wav,
    ];

    /// The code stored with a file.
    pub fn code(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Jpeg => "jpeg",
            FileType::Png => "png",
            FileType::Heic => "heic",
            FileType::Webp => "webp",
            FileType::Odt => "odt",
            FileType::Docx => "docx",
            FileType::WebmAudio => "webm",
            FileType::Ogg => "ogg",
            FileType::M4a => "m4a",
            FileType::Aac => "aac",
            FileType::Mp3 => "mp3",
            FileType::Wav => "wav",
        }
    }

    pub fn parse(code: &str) -> Option<FileType> {
        FileType::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The media type it is served with.
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
            FileType::Heic => "image/heic",
            FileType::Webp => "image/webp",
            FileType::Odt => "application/vnd.oasis.opendocument.text",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::WebmAudio => "audio/webm",
            FileType::Ogg => "audio/ogg",
            FileType::M4a => "audio/mp4",
            FileType::Aac => "audio/aac",
            FileType::Mp3 => "audio/mpeg",
            FileType::Wav => "audio/wav",
        }
    }

    /// The extension a download gets when its name has none or another one.
    pub fn extension(self) -> &'static str {
        match self {
            FileType::Jpeg => "jpg",
            FileType::WebmAudio => "weba",
            other => other.code(),
        }
    }

    /// Whether and how it is previewed: JPEG, PNG and WebP as images, PDF in a frame; HEIC
    /// (which most browsers do not display) and the rest are downloaded only.
    pub fn preview(self) -> Option<Preview> {
        match self {
            FileType::Jpeg | FileType::Png | FileType::Webp => Some(Preview::Image),
            FileType::Pdf => Some(Preview::Pdf),
            _ => None,
        }
    }
}

/// What files are for; each use has its allow-list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Document,
    VoiceNote,
}

impl Use {
    pub fn allowed(self) -> &'static [FileType] {
        match self {
            Use::Document => &[
                FileType::Pdf,
                FileType::Jpeg,
                FileType::Png,
                FileType::Heic,
                FileType::Webp,
                FileType::Odt,
                FileType::Docx,
            ],
            Use::VoiceNote => &[
                FileType::WebmAudio,
                FileType::Ogg,
                FileType::M4a,
                FileType::Aac,
                FileType::Mp3,
                FileType::Wav,
            ],
        }
    }

    /// What an `accept` attribute of a file input lists.
    pub fn accept(self) -> String {
        let mut out: Vec<String> = Vec::new();
        for t in self.allowed() {
            out.push(format!(".{}", t.extension()));
            out.push(t.mime().to_owned());
        }
        if self == Use::Document {
            out.push(".jpeg".into());
        }
        out.join(",")
    }
}

/// Why an upload was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Refusal {
    #[error("the file is larger than {max} bytes")]
    TooLarge { max: u64 },
    #[error("the file is empty")]
    Empty,
    /// HTML or SVG: pages and images that can carry scripts.
    #[error("web pages and SVG images are not accepted")]
    WebContent,
    #[error("this type of file is not accepted here")]
    NotAllowed,
    #[error("the archive inside the file is too large once uncompressed")]
    ZipBomb,
    #[error("the file is damaged or not what it claims to be")]
    Corrupt,
}

/// What the first bytes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Type(FileType),
    /// A ZIP archive: DOCX or ODT once opened, or something else.
    Zip,
    Html,
    Svg,
    Unknown,
}

/// How many first bytes the signatures need.
pub const SNIFF_LEN: usize = 4096;

fn starts_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// What a file is, from its first bytes (up to [`SNIFF_LEN`]).
pub fn sniff(head: &[u8]) -> Sniffed {
    let h = head;
    let at = |offset: usize, sig: &[u8]| {
        h.len() >= offset + sig.len() && &h[offset..offset + sig.len()] == sig
    };
    if at(0, b"%PDF-") {
        return Sniffed::Type(FileType::Pdf);
    }
    if at(0, &[0xFF, 0xD8, 0xFF]) {
        return Sniffed::Type(FileType::Jpeg);
    }
    if at(0, &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Sniffed::Type(FileType::Png);
    }
    if at(0, b"RIFF") && at(8, b"WEBP") {
        return Sniffed::Type(FileType::Webp);
    }
    if at(0, b"RIFF") && at(8, b"WAVE") {
        return Sniffed::Type(FileType::Wav);
    }
    if at(4, b"ftyp") && h.len() >= 12 {
        let brand = &h[8..12];
        const HEIF: [&[u8]; 8] =
            [b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"];
        if HEIF.contains(&brand) {
            return Sniffed::Type(FileType::Heic);
        }
        // Phones record audio as MP4 under these brands.
        const AUDIO: [&[u8]; 5] = [b"M4A ", b"M4B ", b"mp42", b"isom", b"dash"];
        if AUDIO.contains(&brand) {
            return Sniffed::Type(FileType::M4a);
        }
        return Sniffed::Unknown;
    }
    if at(0, b"PK\x03\x04") {
        return Sniffed::Zip;
    }
    if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        // EBML: WebM says so in its DocType, near the start.
        let window = &h[..h.len().min(64)];
        return if contains_ci(window, b"webm") {
            Sniffed::Type(FileType::WebmAudio)
        } else {
            Sniffed::Unknown
        };
    }
    if at(0, b"OggS") {
        return Sniffed::Type(FileType::Ogg);
    }
    if at(0, b"ID3") {
        return Sniffed::Type(FileType::Mp3);
    }
    if h.len() >= 2 && h[0] == 0xFF {
        match h[1] {
            0xF1 | 0xF9 => return Sniffed::Type(FileType::Aac),
            0xFB | 0xF3 | 0xF2 | 0xFA => return Sniffed::Type(FileType::Mp3),
            _ => {}
        }
    }
    // Text: is it a web page or an SVG image? (A BOM and white space may come first.)
    let text = h.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(h);
    let start = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(text.len());
    let text = &text[start..];
    const HTML: [&[u8]; 9] = [
        b"<!doctype html",
        b"<html",
        b"<head",
        b"<body",
        b"<script",
        b"<iframe",
        b"<meta",
        b"<title",
        b"<div",
    ];
    if contains_ci(text, b"<svg") {
        return Sniffed::Svg;
    }
    if HTML.iter().any(|tag| starts_ci(text, tag))
        || contains_ci(text, b"<script")
        || contains_ci(text, b"<html")
    {
        return Sniffed::Html;
    }
    Sniffed::Unknown
}

/// Limits of the archive inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZipLimits {
    pub max_entries: usize,
    /// Total uncompressed bytes, declared and actual.
    pub max_uncompressed: u64,
    /// Uncompressed / compressed, for the whole archive and for any entry larger than
    /// [`ZipLimits::ratio_floor`].
    pub max_ratio: u64,
    pub ratio_floor: u64,
}

impl Default for ZipLimits {
    fn default() -> Self {
        ZipLimits {
            max_entries: 2000,
            max_uncompressed: 100 * 1024 * 1024,
            max_ratio: 100,
            ratio_floor: 1024 * 1024,
        }
    }
}

const ODT_MIME: &[u8] = b"application/vnd.oasis.opendocument.text";
const DOCX_MAIN: &[u8] =
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

/// Opens a ZIP-based document: DOCX (its `[Content_Types].xml` names a Word document) or ODT
/// (its `mimetype` entry says so), within `limits`; anything else is refused.
pub fn inspect_zip(bytes: &[u8], limits: ZipLimits) -> Result<FileType, Refusal> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| Refusal::Corrupt)?;
    if archive.len() > limits.max_entries {
        return Err(Refusal::ZipBomb);
    }
    // Declared sizes first: cheap, and refuses most bombs before any decompression.
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| Refusal::Corrupt)?;
        let size = entry.size();
        declared = declared.saturating_add(size);
        let ratio_exceeded =
            size > limits.ratio_floor && size / entry.compressed_size().max(1) > limits.max_ratio;
        if declared > limits.max_uncompressed || ratio_exceeded {
            return Err(Refusal::ZipBomb);
        }
    }
    if declared > limits.ratio_floor && declared / (bytes.len() as u64).max(1) > limits.max_ratio {
        return Err(Refusal::ZipBomb);
    }
    // Then every entry decompressed, never beyond what it declared (headers can lie).
    let mut kind = None;
    let mut actual: u64 = 0;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|_| Refusal::Corrupt)?;
        if entry.encrypted() {
            return Err(Refusal::NotAllowed);
        }
        let name = entry.name().map_err(|_| Refusal::Corrupt)?.into_owned();
        let declared = entry.size();
        let wanted = name == "mimetype" || name == "[Content_Types].xml";
        let mut content = Vec::new();
        let mut limited = (&mut entry).take(declared + 1);
        let read = if wanted && declared <= 1024 * 1024 {
            limited.read_to_end(&mut content).map_err(|_| Refusal::Corrupt)? as u64
        } else {
            std::io::copy(&mut limited, &mut std::io::sink()).map_err(|_| Refusal::Corrupt)?
        };
        if read > declared {
            return Err(Refusal::ZipBomb);
        }
        actual += read;
        if actual > limits.max_uncompressed {
            return Err(Refusal::ZipBomb);
        }
        if name == "mimetype" && content.trim_ascii() == ODT_MIME {
            kind = Some(FileType::Odt);
        }
        if name == "[Content_Types].xml" && content.windows(DOCX_MAIN.len()).any(|w| w == DOCX_MAIN)
        {
            kind = kind.or(Some(FileType::Docx));
        }
    }
    kind.ok_or(Refusal::NotAllowed)
}

/// Checks an upload as its bytes arrive: the size at every chunk, the type as soon as the
/// first bytes are here (so a web page is refused before the rest is read), a ZIP-based
/// document once complete. Memory: the first bytes, plus, for a ZIP archive only, the file
/// itself, never more than the size limit.
pub struct Inspector {
    allowed: &'static [FileType],
    limit: u64,
    zip_limits: ZipLimits,
    total: u64,
    head: Vec<u8>,
    sniffed: Option<Sniffed>,
    archive: Option<Vec<u8>>,
}

impl Inspector {
    pub fn new(use_: Use, limit: u64) -> Inspector {
        Inspector {
            allowed: use_.allowed(),
            limit,
            zip_limits: ZipLimits::default(),
            total: 0,
            head: Vec::with_capacity(SNIFF_LEN),
            sniffed: None,
            archive: None,
        }
    }

    /// The bytes seen so far.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Takes the next bytes; an error refuses the upload at once.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), Refusal> {
        self.total += chunk.len() as u64;
        if self.total > self.limit {
            self.archive = None;
            return Err(Refusal::TooLarge { max: self.limit });
        }
        if let Some(archive) = &mut self.archive {
            archive.extend_from_slice(chunk);
            return Ok(());
        }
        if self.sniffed.is_none() {
            let take = (SNIFF_LEN - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
            if self.head.len() == SNIFF_LEN {
                self.decide()?;
                if let Some(archive) = &mut self.archive {
                    archive.extend_from_slice(&chunk[take..]);
                }
            }
        }
        Ok(())
    }

    fn decide(&mut self) -> Result<(), Refusal> {
        let sniffed = sniff(&self.head);
        self.sniffed = Some(sniffed);
        match sniffed {
            Sniffed::Html | Sniffed::Svg => Err(Refusal::WebContent),
            Sniffed::Unknown => Err(Refusal::NotAllowed),
            Sniffed::Type(t) if !self.allowed.contains(&t) => Err(Refusal::NotAllowed),
            Sniffed::Type(_) => Ok(()),
            Sniffed::Zip
                if !self.allowed.contains(&FileType::Docx)
                    && !self.allowed.contains(&FileType::Odt) =>
            {
                Err(Refusal::NotAllowed)
            }
            Sniffed::Zip => {
                self.archive = Some(self.head.clone());
                Ok(())
            }
        }
    }

    /// The type, once every byte arrived.
    pub fn finish(mut self) -> Result<FileType, Refusal> {
        if self.total == 0 {
            return Err(Refusal::Empty);
        }
        if self.sniffed.is_none() {
            self.decide()?;
        }
        match self.sniffed {
            Some(Sniffed::Type(t)) => Ok(t),
            Some(Sniffed::Zip) => {
                let archive = self.archive.take().unwrap_or_default();
                let t = inspect_zip(&archive, self.zip_limits)?;
                if self.allowed.contains(&t) { Ok(t) } else { Err(Refusal::NotAllowed) }
            }
            _ => Err(Refusal::NotAllowed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    pub(crate) fn zip_of(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content, deflate) in entries {
            let method = if *deflate {
                zip::CompressionMethod::Deflated
            } else {
                zip::CompressionMethod::Stored
            };
            let options = zip::write::SimpleFileOptions::default().compression_method(method);
            w.start_file(*name, options).unwrap();
            w.write_all(content).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn docx() -> Vec<u8> {
        let types = [
            b"<?xml version=\"1.0\"?><Types><Override PartName=\"/word/document.xml\" ContentType=\"".as_slice(),
            DOCX_MAIN,
            b"\"/></Types>",
        ]
        .concat();
        zip_of(&[
            ("[Content_Types].xml", &types, true),
            ("word/document.xml", b"<w:document><w:body>Bonjour</w:body></w:document>", true),
        ])
    }

    fn check(use_: Use, bytes: &[u8]) -> Result<FileType, Refusal> {
        let mut i = Inspector::new(use_, 20 * 1024 * 1024);
        for chunk in bytes.chunks(1000) {
            i.feed(chunk)?;
        }
        i.finish()
    }

    #[test]
    fn files_are_recognised_from_their_bytes() {
        let ftyp = |brand: &[u8]| {
            let mut v = vec![0, 0, 0, 24];
            v.extend_from_slice(b"ftyp");
            v.extend_from_slice(brand);
            v.extend_from_slice(&[0; 12]);
            v
        };
        let heic = ftyp(b"heic");
        let m4a = ftyp(b"M4A ");
        let mp4 = ftyp(b"qt  ");
        let mut webm = vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84];
        webm.extend_from_slice(b"webm");
        let mut mkv = vec![0x1A, 0x45, 0xDF, 0xA3, 0x42, 0x82, 0x88];
        mkv.extend_from_slice(b"matroska");
        // bytes → sniffed
        let table: Vec<(&str, Vec<u8>, Sniffed)> = vec![
            ("pdf", b"%PDF-1.7\n%\xe2\xe3".to_vec(), Sniffed::Type(FileType::Pdf)),
            ("jpeg", vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F'], Sniffed::Type(FileType::Jpeg)),
            ("png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), Sniffed::Type(FileType::Png)),
            ("webp", b"RIFF\x24\0\0\0WEBPVP8 ".to_vec(), Sniffed::Type(FileType::Webp)),
            ("wav", b"RIFF\x24\0\0\0WAVEfmt ".to_vec(), Sniffed::Type(FileType::Wav)),
            ("heic", heic, Sniffed::Type(FileType::Heic)),
            ("m4a", m4a, Sniffed::Type(FileType::M4a)),
            ("quicktime", mp4, Sniffed::Unknown),
            ("webm", webm, Sniffed::Type(FileType::WebmAudio)),
            ("matroska", mkv, Sniffed::Unknown),
            ("ogg", b"OggS\0\x02".to_vec(), Sniffed::Type(FileType::Ogg)),
            ("mp3 id3", b"ID3\x04\0\0".to_vec(), Sniffed::Type(FileType::Mp3)),
            ("mp3 frame", vec![0xFF, 0xFB, 0x90, 0x64], Sniffed::Type(FileType::Mp3)),
            ("aac adts", vec![0xFF, 0xF1, 0x50, 0x80], Sniffed::Type(FileType::Aac)),
            ("zip", b"PK\x03\x04\x14\0".to_vec(), Sniffed::Zip),
            ("html", b"<!DOCTYPE html><html><body>".to_vec(), Sniffed::Html),
            ("html after bom", b"\xef\xbb\xbf\n  <HTML>".to_vec(), Sniffed::Html),
            ("script", b"hello <script>alert(1)</script>".to_vec(), Sniffed::Html),
            ("svg", b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(), Sniffed::Svg),
            ("plain text", b"Bonjour".to_vec(), Sniffed::Unknown),
            ("exe", b"MZ\x90\0".to_vec(), Sniffed::Unknown),
            ("gif", b"GIF89a".to_vec(), Sniffed::Unknown),
            ("empty", vec![], Sniffed::Unknown),
        ];
        for (what, bytes, expected) in table {
            assert_eq!(sniff(&bytes), expected, "{what}");
        }
    }

    #[test]
    fn each_use_accepts_its_own_types_only() {
        assert_eq!(check(Use::Document, b"%PDF-1.4 x"), Ok(FileType::Pdf));
        assert_eq!(check(Use::Document, b"OggS\0\x02 x"), Err(Refusal::NotAllowed));
        assert_eq!(check(Use::VoiceNote, b"OggS\0\x02 x"), Ok(FileType::Ogg));
        assert_eq!(check(Use::VoiceNote, b"%PDF-1.4 x"), Err(Refusal::NotAllowed));
        assert_eq!(check(Use::VoiceNote, &docx()), Err(Refusal::NotAllowed));
        assert_eq!(check(Use::Document, b""), Err(Refusal::Empty));
        for t in Use::Document.allowed() {
            assert!(Use::Document.accept().contains(t.mime()));
        }
        for t in FileType::ALL {
            assert_eq!(FileType::parse(t.code()), Some(t));
        }
        assert_eq!(FileType::Heic.preview(), None, "HEIC is downloaded, not previewed");
    }

    #[test]
    fn web_pages_and_svg_are_refused_whatever_their_name() {
        let page = format!("<!doctype html><title>x</title>{}", " ".repeat(10_000));
        assert_eq!(check(Use::Document, page.as_bytes()), Err(Refusal::WebContent));
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
        assert_eq!(check(Use::Document, svg), Err(Refusal::WebContent));
        // Refused from the first bytes, before the rest is read.
        let mut i = Inspector::new(Use::Document, u64::MAX);
        assert_eq!(i.feed(page.as_bytes()), Err(Refusal::WebContent));
    }

    #[test]
    fn the_size_limit_is_enforced_as_bytes_arrive() {
        let mut i = Inspector::new(Use::Document, 10_000);
        i.feed(b"%PDF-1.7").unwrap();
        i.feed(&[b'x'; 9_992]).unwrap();
        assert_eq!(i.feed(b"!"), Err(Refusal::TooLarge { max: 10_000 }));
    }

    #[test]
    fn docx_and_odt_are_opened_and_checked() {
        assert_eq!(check(Use::Document, &docx()), Ok(FileType::Docx));
        let odt = zip_of(&[
            ("mimetype", ODT_MIME, false),
            ("content.xml", b"<office:document-content/>", true),
        ]);
        assert_eq!(check(Use::Document, &odt), Ok(FileType::Odt));
        // A spreadsheet, a macro-enabled document, any other archive: refused.
        let xlsx = zip_of(&[(
            "[Content_Types].xml",
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            true,
        )]);
        assert_eq!(check(Use::Document, &xlsx), Err(Refusal::NotAllowed));
        let docm = zip_of(&[(
            "[Content_Types].xml",
            b"application/vnd.ms-word.document.macroEnabled.main+xml",
            true,
        )]);
        assert_eq!(check(Use::Document, &docm), Err(Refusal::NotAllowed));
        let plain = zip_of(&[("notes.txt", b"bonjour", true)]);
        assert_eq!(check(Use::Document, &plain), Err(Refusal::NotAllowed));
        // Cut short: damaged.
        let d = docx();
        assert_eq!(check(Use::Document, &d[..d.len() - 30]), Err(Refusal::Corrupt));
    }

    #[test]
    fn a_zip_bomb_disguised_as_docx_is_refused() {
        // 40 MB of zeros deflate to about 40 KB: a ratio near 1000.
        let zeros = vec![0u8; 40 * 1024 * 1024];
        let types = [b"<Types>".as_slice(), DOCX_MAIN, b"</Types>"].concat();
        let bomb =
            zip_of(&[("[Content_Types].xml", &types, true), ("word/document.xml", &zeros, true)]);
        drop(zeros);
        assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
        assert_eq!(check(Use::Document, &bomb), Err(Refusal::ZipBomb));
        // Many entries, each small and ordinary, adding up beyond the total allowed.
        let page = vec![b'a'; 200 * 1024];
        let names: Vec<String> = (0..20).map(|i| format!("word/media/p{i}.xml")).collect();
        let mut entries: Vec<(&str, &[u8], bool)> = vec![("[Content_Types].xml", &types, true)];
        entries.extend(names.iter().map(|n| (n.as_str(), page.as_slice(), false)));
        let big = zip_of(&entries);
        let tight = ZipLimits { max_uncompressed: 2 * 1024 * 1024, ..ZipLimits::default() };
        assert_eq!(inspect_zip(&big, tight), Err(Refusal::ZipBomb));
        assert_eq!(inspect_zip(&big, ZipLimits::default()), Ok(FileType::Docx));
        // Too many entries.
        let names: Vec<String> = (0..2001).map(|i| format!("f{i}")).collect();
        let many: Vec<(&str, &[u8], bool)> =
            names.iter().map(|n| (n.as_str(), b"x".as_slice(), false)).collect();
        assert_eq!(check(Use::Document, &zip_of(&many)), Err(Refusal::ZipBomb));
    }

    #[test]
    fn an_entry_that_lies_about_its_size_is_refused() {
        let types = [b"<Types>".as_slice(), DOCX_MAIN, b"</Types>"].concat();
        let content = vec![b'z'; 100_000];
        let mut bytes =
            zip_of(&[("[Content_Types].xml", &types, true), ("word/document.xml", &content, true)]);
        // Make both headers of the second entry declare 1,000 bytes instead of 100,000.
        let declared = 100_000u32.to_le_bytes();
        let lie = 1_000u32.to_le_bytes();
        let mut at = 0;
        let mut patched = 0;
        while let Some(p) = bytes[at..].windows(4).position(|w| w == declared) {
            bytes[at + p..at + p + 4].copy_from_slice(&lie);
            at += p + 4;
            patched += 1;
        }
        assert!(patched >= 2, "{patched}");
        assert!(matches!(check(Use::Document, &bytes), Err(Refusal::ZipBomb | Refusal::Corrupt)));
    }
}
